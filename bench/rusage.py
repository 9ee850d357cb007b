"""Run a command and print its peak RSS: the fallback when /usr/bin/time is missing.

``python -m bench.rusage -- COMMAND...`` waits for COMMAND and prints
``BENCH_MAXRSS_KIB <n>`` from ``getrusage(RUSAGE_CHILDREN)`` (Linux reports KiB).
"""

import resource
import subprocess
import sys


def main() -> int:
    command = sys.argv[sys.argv.index("--") + 1 :]
    status = subprocess.run(command, check=False).returncode  # noqa: S603 (the caller's command)
    print(f"BENCH_MAXRSS_KIB {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}")
    return status


if __name__ == "__main__":
    sys.exit(main())
