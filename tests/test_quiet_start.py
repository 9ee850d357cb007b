"""`make run` and `make test` start quietly: no shim noise, no packaging deprecations."""

import os
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: What a pyenv shim prints for a Python version that is installed but not selected.
PYENV_SHIM = """#!/bin/sh
echo "pyenv: $(basename "$0"): command not found" >&2
exit 127
"""


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_the_makefile_probes_for_python_without_printing_shim_noise(tmp_path):
    for name in ("python3.13", "python3.12"):
        shim = tmp_path / name
        shim.write_text(PYENV_SHIM)
        shim.chmod(0o755)
    env = {**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}"}
    env.pop("PYTHON", None)
    result = subprocess.run(
        [shutil.which("make"), "--no-print-directory", "-n", "run", "test"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stderr == ""
    assert "command not found" not in result.stdout


def test_the_license_is_an_spdx_expression_as_setuptools_asks():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["license"] == "MIT"
    # Setuptools reads SPDX strings from version 77 on.
    assert "setuptools>=77" in project["build-system"]["requires"]
