"""The README's "Where things are" table matches the tree: every module named, every name real."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _layout_table() -> str:
    readme = (ROOT / "README.md").read_text()
    return readme.split("## Where things are", 1)[1].split("\n## ", 1)[0]


def _named_paths() -> set[str]:
    return set(re.findall(r"`(flowpulse/[\w/.]*)`", _layout_table()))


def test_every_path_the_table_names_exists():
    missing = sorted(path for path in _named_paths() if not (ROOT / path).exists())
    assert not missing, missing


def test_every_module_of_the_package_is_named_or_in_a_named_folder():
    named = _named_paths()
    folders = {path.rstrip("/") for path in named if path.endswith("/")}
    unnamed = []
    for module in sorted((ROOT / "flowpulse").rglob("*.py")):
        relative = module.relative_to(ROOT).as_posix()
        if relative.endswith("__init__.py") and relative != "flowpulse/__init__.py":
            continue  # a package is named by its folder
        if relative in named:
            continue
        # A folder named as a whole covers the modules right inside it;
        # deeper ones must be named themselves (or their own folder).
        if module.parent.relative_to(ROOT).as_posix() in folders:
            continue
        unnamed.append(relative)
    assert not unnamed, unnamed
