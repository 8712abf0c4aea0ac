"""Load on loopback with wrk: latency percentiles and requests per second of one page."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).with_name("report.lua")


@dataclass(frozen=True)
class Load:
    requests: int
    seconds: float
    errors: int
    median_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds


def run(base_url: str, paths: list[str], seconds: int, connections: int,
        cookie: str | None = None) -> Load:
    """Send requests for `seconds` over `connections` connections, cycling through paths."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as listing:
        listing.write("\n".join(paths) + "\n")
    command = ["wrk", "--threads", "1", "--connections", str(connections),
               "--duration", f"{seconds}s", "--timeout", "10s", "--script", str(SCRIPT)]
    if cookie:
        command += ["--header", f"Cookie: {cookie}"]
    try:
        output = subprocess.run(
            [*command, base_url], capture_output=True, text=True, check=True,
            env={**os.environ, "BENCH_PATHS": listing.name}).stdout
    finally:
        os.unlink(listing.name)
    figures = json.loads(output.strip().splitlines()[-1])
    return Load(
        requests=figures["requests"], seconds=figures["duration_us"] / 1e6,
        errors=figures["socket_errors"] + figures["status_errors"],
        median_ms=figures["p50_us"] / 1000, p95_ms=figures["p95_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000, max_ms=figures["max_us"] / 1000)
