"""Packaging hook: the wheel carries the top-level `templates/`, `static/` and `migrations/`
folders as `forum/_data/…`, so an installed copy needs no checkout (pyproject.toml holds
everything else). In a checkout, `forum` uses the top-level folders themselves."""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
DATA_FOLDERS = ("templates", "static", "migrations")
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc")


class build_py_with_data(build_py):
    """Copy the data folders into the built package (never into the source tree)."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout's own folders
        target = Path(self.build_lib) / "forum" / "_data"
        for name in DATA_FOLDERS:
            source = ROOT / name
            if not source.is_dir():
                raise SystemExit(f"{source} is missing: build from a full checkout")
            shutil.rmtree(target / name, ignore_errors=True)
            shutil.copytree(source, target / name, ignore=SKIP)


setup(cmdclass={"build_py": build_py_with_data})
