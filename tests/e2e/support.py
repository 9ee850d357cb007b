"""What the browser tests need, and whether this machine has it.

Debian's Chromium (``apt-get install chromium``), driven by Python
Playwright (the test extra) through ``executable_path``: browsers cannot be
downloaded here, so ``playwright install`` is never run. axe-core comes from
npm (``npm ci`` in this folder). Without any of them the browser tests skip
with one line saying which is missing; ``.ci/run`` installs all three and
fails if they were skipped.
"""

import importlib.util
import json
import os
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: The browser: Debian's package, or FLOWPULSE_CHROMIUM.
CHROMIUM = Path(os.environ.get("FLOWPULSE_CHROMIUM", "/usr/bin/chromium"))

#: axe-core's browser build, injected into every page the accessibility tests check.
AXE_SCRIPT = HERE / "node_modules" / "axe-core" / "axe.min.js"

#: Flags for Chromium here (TRAPS.md): as root it needs --no-sandbox, and
#: without the networking flags it floods the closed network with requests.
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

#: The report-header line `.ci/run` looks for; a run that skipped says "skipped".
HEADER = "FlowPulse browser tests"
SKIP_PREFIX = "browser tests skipped"

#: Where `make screenshots` writes, when FLOWPULSE_SCREENSHOTS names a folder.
SCREENSHOTS = os.environ.get("FLOWPULSE_SCREENSHOTS")


def missing() -> str | None:
    """Say what this machine lacks for the browser tests, or None if it has it all."""
    if not CHROMIUM.exists():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "Python Playwright is not installed (make install)"
    if not AXE_SCRIPT.exists():
        return "axe-core is not installed (npm ci --prefix tests/e2e)"
    return None


def axe_version() -> str:
    """The installed axe-core version."""
    package = json.loads((AXE_SCRIPT.parent / "package.json").read_text())
    return package["version"]


def header_line() -> str:
    """One line for pytest's header: on, with what, or skipped, and why."""
    reason = missing()
    if reason:
        return f"{HEADER}: skipped ({reason})"
    return f"{HEADER}: on (Chromium at {CHROMIUM}, axe-core {axe_version()})"
