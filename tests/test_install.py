"""An installed copy (issue 18, item 8): the wheel carries templates, static files and
migrations, and an installed copy finds them and keeps its instance folder in the current
directory, never in site-packages. scripts/check-install.sh (run by .ci/run) installs the
wheel into a fresh venv and runs the README's Production commands against it."""
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from forum import paths

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w",
                    str(out), str(ROOT)], check=True, timeout=300, capture_output=True)
    (built,) = out.glob("forum-*.whl")
    return built


def test_the_wheel_carries_templates_static_files_and_migrations(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in ("templates", "static", "migrations"):
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                relative = path.relative_to(ROOT).as_posix()
                assert f"forum/_data/{relative}" in names, relative
    assert "forum/wsgi.py" in names
    assert not any(n.startswith(("templates/", "static/", "migrations/", "instance/"))
                   for n in names)


def test_an_installed_copy_uses_its_data_and_the_current_directory(tmp_path, monkeypatch):
    site = tmp_path / "site-packages"
    data = site / "forum" / "_data"
    for folder in ("templates", "static", "migrations"):
        (data / folder).mkdir(parents=True)
    monkeypatch.setattr(paths, "PACKAGE_DIR", site / "forum")
    monkeypatch.setattr(paths, "PROJECT_ROOT", site)
    monkeypatch.delenv("FORUM_INSTANCE_PATH", raising=False)
    work = tmp_path / "srv"
    work.mkdir()
    monkeypatch.chdir(work)
    assert not paths.is_checkout()
    assert paths.data_dir("templates") == data / "templates"
    assert paths.data_dir("migrations") == data / "migrations"
    assert paths.instance_path(None) == str(work / "instance")
    monkeypatch.setenv("FORUM_INSTANCE_PATH", "elsewhere")
    assert paths.instance_path(None) == str(work / "elsewhere")


def test_a_checkout_uses_its_own_folders():
    assert paths.is_checkout()
    assert paths.data_dir("templates") == ROOT / "templates"
    assert paths.instance_path({"INSTANCE_PATH": "/tmp/x"}) == "/tmp/x"
