"""The package stays readable: small modules with one job, short functions.

Checked on every run, so the rule holds as features land: no module in
``flowpulse/`` over 250 lines, no function over 40.
"""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "flowpulse"

MAX_MODULE_LINES = 250
MAX_FUNCTION_LINES = 40


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_no_module_is_longer_than_250_lines():
    long = {
        str(path.relative_to(PACKAGE)): lines
        for path in _modules()
        if (lines := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert not long, long


def test_no_function_is_longer_than_40_lines():
    long = {}
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long[f"{path.relative_to(PACKAGE)}:{node.name}"] = lines
    assert not long, long


def test_the_layers_are_folders_a_newcomer_can_read():
    folders = {path.name for path in PACKAGE.iterdir() if path.is_dir() and path.name[0] != "_"}
    assert {"core", "services", "web", "auth", "verification", "profile", "cli"} <= folders
    flat = sorted(path.name for path in PACKAGE.glob("*.py"))
    assert flat == ["__init__.py", "main.py", "signals.py"], flat
