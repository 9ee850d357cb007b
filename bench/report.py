"""The results table: one line per measured number, its target and a verdict."""

import json
from dataclasses import asdict, dataclass
from pathlib import Path

#: Verdicts: a row with no target only informs.
PASS, MISS, INFO, ERROR = "pass", "MISS", "info", "error"


@dataclass(frozen=True)
class Target:
    """A bound on a value: ``at least``, ``at most`` or ``between`` two numbers."""

    low: float | None = None
    high: float | None = None
    unit: str = ""

    def met_by(self, value: float) -> bool:
        """Tell whether ``value`` is within the bound."""
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)

    def __str__(self) -> str:
        if self.low is not None and self.high is not None:
            return f"{_number(self.low)} to {_number(self.high)}{self.unit}"
        if self.low is not None:
            return f">= {_number(self.low)}{self.unit}"
        return f"<= {_number(self.high)}{self.unit}"


def at_least(low: float, unit: str = "") -> Target:
    return Target(low=low, unit=unit)


def at_most(high: float, unit: str = "") -> Target:
    return Target(high=high, unit=unit)


def between(low: float, high: float, unit: str = "") -> Target:
    return Target(low=low, high=high, unit=unit)


@dataclass
class Row:
    """One measured number: what, on which engine, how much, against what target."""

    row: str
    engine: str
    value: float
    shown: str
    target: Target | None = None
    #: The measurement failed; ``shown`` says how.
    error: bool = False

    @property
    def verdict(self) -> str:
        if self.error:
            return ERROR
        if self.target is None:
            return INFO
        return PASS if self.target.met_by(self.value) else MISS


def ratio_row(
    row: str, engine: str, numerator: float, denominator: float, target: Target | None = None
) -> Row:
    """A row for ``numerator / denominator``, shown as ``0.93x``."""
    value = numerator / denominator if denominator else float("inf")
    return Row(row, engine, value, f"{value:.2f}x", target)


def print_table(rows: list[Row], machine: dict[str, str]) -> None:
    """Print the machine, then the rows as an aligned plain-text table."""
    print()
    for key, value in machine.items():
        print(f"{key:>12}: {value}")
    print()
    header = ("row", "engine", "value", "target", "verdict")
    lines = [(r.row, r.engine, r.shown, str(r.target or "—"), r.verdict) for r in rows]
    widths = [max(len(line[i]) for line in [header, *lines]) for i in range(len(header))]
    print("  ".join(title.ljust(width) for title, width in zip(header, widths, strict=True)))
    print("  ".join("-" * width for width in widths))
    for line in lines:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)))
    counts = {verdict: sum(r.verdict == verdict for r in rows) for verdict in (PASS, MISS, ERROR)}
    print(f"\ntargets met: {counts[PASS]}, missed: {counts[MISS]}", end="")
    print(f", failed measurements: {counts[ERROR]}" if counts[ERROR] else "")


def write_json(path: Path, rows: list[Row], machine: dict[str, str]) -> None:
    """Write the machine and every row (with its verdict) as JSON."""
    data = {
        "machine": machine,
        "rows": [
            {**asdict(r), "target": str(r.target) if r.target else None, "verdict": r.verdict}
            for r in rows
        ],
    }
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def _number(value: float) -> str:
    return f"{value:g}" if value < 1000 else f"{value:,.0f}"
