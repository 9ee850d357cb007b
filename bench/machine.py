"""A short description of the machine a run measured, for the table's header."""

import os
import platform
import shutil
import sqlite3
import subprocess
from importlib.metadata import version
from pathlib import Path


def describe(postgres_version: str | None, load_tool: str, workers: str) -> dict[str, str]:
    """Return CPU, cores, RAM, Python, databases, load client and server layout."""
    wrk = _wrk_version() if load_tool == "wrk" else "python threads + http.client"
    return {
        "cpu": _cpu_model(),
        "cores": str(os.cpu_count()),
        "ram": f"{_memory_gib():.1f} GiB",
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "postgresql": postgres_version or "not measured",
        "sqlite": sqlite3.sqlite_version,
        "load client": wrk,
        "workers": workers,
        "servers": f"granian {version('granian')}, gunicorn {version('gunicorn')}",
    }


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _memory_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024**2
    return 0.0


def _wrk_version() -> str:
    wrk = shutil.which("wrk")
    if wrk is None:
        return "wrk (missing)"
    result = subprocess.run([wrk, "--version"], capture_output=True, text=True, check=False)  # noqa: S603
    first = (result.stdout or result.stderr).splitlines()
    return first[0].split(" [")[0] if first else "wrk"
