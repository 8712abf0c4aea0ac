"""Figures that tests measure and the run prints at its end (see conftest's terminal summary)."""

from __future__ import annotations

#: lines collected during the run, printed under "measurements" after the results
LINES: list[str] = []


def report(*lines: str) -> None:
    """Keep lines to print in the summary of the test run."""
    LINES.extend(lines)
