"""Where the forum's files are: a checkout's top-level folders, or an installed copy's.

`pip install .` puts the package in site-packages with `templates/`, `static/` and
`migrations/` copied into `forum/_data/` (setup.py); a checkout (or an editable install
of one) uses the folders at its root. The instance folder is never inside site-packages.
"""
import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent


def is_checkout() -> bool:
    """True when running from a working copy (or an editable install of one), False for a
    copy installed into site-packages (`pip install .`)."""
    return not (PACKAGE_DIR / "_data").is_dir() and (PROJECT_ROOT / "pyproject.toml").is_file()


def data_dir(name: str) -> Path:
    """`templates`, `static` or `migrations`: the checkout's top-level folder, or the copy
    that the wheel carries in `forum/_data/` (see setup.py)."""
    return PROJECT_ROOT / name if is_checkout() else PACKAGE_DIR / "_data" / name


def instance_path(config: dict | None) -> str:
    """FORUM_INSTANCE_PATH, else `instance/` of the checkout, or of the current directory
    for an installed copy (never inside site-packages)."""
    explicit = (config or {}).get("INSTANCE_PATH") or os.environ.get("FORUM_INSTANCE_PATH")
    if explicit:
        return str(Path(explicit).resolve())
    return str((PROJECT_ROOT if is_checkout() else Path.cwd()) / "instance")
