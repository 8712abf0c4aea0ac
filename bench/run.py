"""`make bench`: build a national-scale data set, serve it with gunicorn, measure each page.

For SQLite, and for PostgreSQL when BENCH_DATABASE_URL is set (the benchmark works in a
schema of its own there, `proeftuin_bench`, which it drops and rebuilds):

1. `flask db upgrade` and `flask generate-data` make 3,000 pilots, 300,000 case discussions
   and 100,000 published lessons;
2. in process, each page's queries are counted, and the library index's search work is
   timed beside a search engine's (tantivy, `bench/measuring_stick.py`);
3. gunicorn serves the app on loopback and wrk loads each page in turn: median, 95th
   percentile, requests per second, and the ratio to a minimal route (the floor);
4. the figures are printed beside their targets and written to docs/performance.md.

`python -m bench.run --help` lists the options for quicker runs while profiling.
"""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from bench import digests, guard, load, measuring_stick, probe
from bench.pages import (
    CASES,
    LESSONS,
    MAX_OVER_SEARCH_ENGINE,
    MAX_QUERIES,
    MAX_WORKER_MB,
    PAGES,
    PILOTS,
    PROGRAMME_PILOTS,
)
from bench.server import ROOT, TOTP_KEY, Server
from proeftuin.config import with_driver

FLASK = [str(Path(sys.executable).with_name("flask")), "--app", "wsgi"]
DOCS = ROOT / "docs" / "performance.md"
START, END = "<!-- bench results: start -->", "<!-- bench results: end -->"
PG_SCHEMA = "proeftuin_bench"
#: sync workers: one per core of the two-core machine the targets are set for
WORKERS = 2


@dataclass
class Outcome:
    database: str
    generated_s: float = 0.0
    rows: str = ""
    loads: dict[str, load.Load] = field(default_factory=dict)
    queries: dict[str, int] = field(default_factory=dict)
    worker_mb: float = 0.0
    #: the peak of a worker that has signed someone in, Argon2id's hash included
    sign_in_mb: float = 0.0
    lines: list[tuple[str, str, bool]] = field(default_factory=list)

    def check(self, figure: str, target: str, met: bool) -> None:
        self.lines.append((figure, target, met))


def _pg_url(url: str) -> str:
    url = with_driver(url)
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
        connection.execute(sa.text(f"CREATE SCHEMA {PG_SCHEMA}"))
    engine.dispose()
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{PG_SCHEMA}"


def build(database_url: str, scale: float, password: str) -> tuple[float, str]:
    """Migrate an empty database and fill it; return the seconds it took and the summary."""
    env = {**os.environ, "DATABASE_URL": database_url, "TOTP_ENCRYPTION_KEY": TOTP_KEY}
    subprocess.run([*FLASK, "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    started = time.perf_counter()
    done = subprocess.run(
        [*FLASK, "generate-data", "--pilots", str(round(PILOTS * scale)),
         "--cases", str(round(CASES * scale)), "--lessons", str(round(LESSONS * scale)),
         "--first-programme", str(min(PROGRAMME_PILOTS, round(PILOTS * scale))),
         "--password", password],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return time.perf_counter() - started, done.stdout


def facilitator_of_largest_programme(app) -> str:
    from proeftuin.extensions import db

    with app.app_context():
        return db.session.scalar(sa.text(
            "SELECT u.email FROM user_account u "
            "JOIN programme_facilitator f ON f.user_id = u.id "
            "JOIN pilot p ON p.programme_id = f.programme_id "
            "GROUP BY u.email ORDER BY count(*) DESC, u.email LIMIT 1"))


def measure(name: str, database_url: str, scale: float, seconds: int,
            generate: bool, pages: bool = True) -> Outcome:
    outcome = Outcome(database=name)
    password = secrets.token_urlsafe(12) if generate else os.environ.get(
        "BENCH_PASSWORD", "")
    if generate:
        print(f"== {name}: building the data set", flush=True)
        outcome.generated_s, outcome.rows = build(database_url, scale, password)
        print(outcome.rows, f"generated in {outcome.generated_s:.0f} s", flush=True)
    app = probe.make_app(database_url)
    print(f"== {name}: the weekly digests of {digests.SUBSCRIPTIONS:,} subscriptions", flush=True)
    for figure, target, met in digests.measure(app).lines():
        outcome.check(figure, target, met)
    if not pages:
        return outcome
    uncached_app = probe.make_app(database_url, cached=False)
    email = facilitator_of_largest_programme(app)
    paths = probe.page_paths(app)
    for page in PAGES:
        if page.paths_of:
            paths[page.key] = paths[page.paths_of]
    signed_in = {page.key for page in PAGES if page.signed_in}
    for uncached, probed in ((False, app), (True, uncached_app)):
        outcome.queries.update(probe.queries_per_page(
            probed, {page.key: paths[page.key] for page in PAGES if page.uncached == uncached},
            signed_in, email, password))
    print(f"== {name}: the search work beside tantivy's", flush=True)
    _measuring_stick(outcome, database_url, paths["search_cold"])

    for uncached in (False, True):
        pages = [page for page in PAGES if page.uncached == uncached]
        print(f"== {name}: gunicorn with {WORKERS} workers"
              f"{', the caches off' if uncached else ''}; wrk for {seconds} s a page",
              flush=True)
        server = Server(database_url, WORKERS,
                        {k: str(v) for k, v in probe.UNCACHED.items()} if uncached else {})
        try:
            cookie = server.sign_in(email, password)
            outcome.sign_in_mb = max(outcome.sign_in_mb, server.worker_peak_mb())
            server.reset_peaks()
            for page in pages:
                outcome.loads[page.key] = _load(server, page, paths[page.key], seconds,
                                                cookie if page.signed_in else None)
            outcome.worker_mb = max(outcome.worker_mb, server.worker_peak_mb())
        finally:
            server.stop()
    judge(outcome)
    return outcome


def _measuring_stick(outcome: Outcome, database_url: str, paths: list[str]) -> None:
    try:
        figures = measuring_stick.measure(database_url, paths)
    except ImportError:
        outcome.check("The search work beside tantivy's: tantivy is not installed "
                      "(pip install -e '.[bench]')", "measured", False)
        return
    print(f"   {figures.text()}", flush=True)
    outcome.check(f"The search work of the cold mix: {figures.ratio:.1f}\u00d7 tantivy's "
                  f"({figures.ours_ms:.2f} and {figures.theirs_ms:.2f} ms, medians)",
                  f"\u2264 {MAX_OVER_SEARCH_ENGINE:g}\u00d7",
                  figures.ratio <= MAX_OVER_SEARCH_ENGINE)
    outcome.check(f"The same total and facet counts as tantivy: {figures.agreed} of "
                  f"{figures.searches} searches", "all", figures.agreed == figures.searches)


def _load(server: Server, page, paths: list[str], seconds: int, cookie: str | None):
    status = server.get(paths[0], {"Cookie": cookie} if cookie else {})[0]
    if status != 200:
        raise RuntimeError(f"{paths[0]} answered {status} under gunicorn")
    load.run(server.base_url, paths, 2, WORKERS, cookie)  # warm-up
    figures = load.run(server.base_url, paths, seconds, WORKERS, cookie)
    print(f"   {page.title}: median {figures.median_ms:.1f} ms, p95 {figures.p95_ms:.1f} ms, "
          f"{figures.per_second:.0f}/s", flush=True)
    return figures


def judge(outcome: Outcome) -> None:
    """Set each figure beside its target."""
    floor = outcome.loads["floor"].per_second
    for page in PAGES:
        figures = outcome.loads[page.key]
        if figures.errors:
            outcome.check(f"{page.title}: {figures.errors} failed requests", "none", False)
        if page.median_ms:
            outcome.check(f"{page.title}: median {figures.median_ms:.1f} ms",
                          f"< {page.median_ms:g} ms", figures.median_ms < page.median_ms)
        if page.p95_ms:
            outcome.check(f"{page.title}: p95 {figures.p95_ms:.1f} ms",
                          f"< {page.p95_ms:g} ms", figures.p95_ms < page.p95_ms)
        if page.max_ms:
            outcome.check(f"{page.title}: slowest {figures.max_ms:.1f} ms",
                          f"< {page.max_ms:g} ms", figures.max_ms < page.max_ms)
        if page.share_of_floor:
            share = figures.per_second / floor
            outcome.check(f"{page.title}: {share:.2f} of the floor's throughput",
                          f"\u2265 {page.share_of_floor:g}", share >= page.share_of_floor)
        queries = outcome.queries[page.key]
        outcome.check(f"{page.title}: {queries} queries", f"\u2264 {MAX_QUERIES}",
                      queries <= MAX_QUERIES)
    outcome.check(f"Peak memory of a worker serving the pages: {outcome.worker_mb:.0f} MB",
                  f"< {MAX_WORKER_MB} MB", outcome.worker_mb < MAX_WORKER_MB)


def machine() -> list[str]:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory_kb = next(int(line.split()[1]) for line in
                     Path("/proc/meminfo").read_text().splitlines()
                     if line.startswith("MemTotal"))
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip() or "unknown"
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    return [
        f"- Taken {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on commit `{commit}`",
        f"- {os.cpu_count()} cores ({cpu}), {memory_kb / 1024 / 1024:.0f} GiB memory, "
        f"{platform.system()} {platform.release()}",
        f"- Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"{(wrk.stdout or wrk.stderr).split()[1]} wrk; "
        f"gunicorn with {WORKERS} sync workers; the load generator on the same machine",
    ]


def table(outcome: Outcome) -> list[str]:
    floor = outcome.loads["floor"].per_second
    rows = [
        f"### {outcome.database}",
        "",
        "| Page | Median | p95 | Requests/s | × floor | Queries |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for page in PAGES:
        figures = outcome.loads[page.key]
        rows.append(f"| {page.title} | {figures.median_ms:.1f} ms | {figures.p95_ms:.1f} ms | "
                    f"{figures.per_second:.0f} | {figures.per_second / floor:.2f} | "
                    f"{outcome.queries[page.key]} |")
    rows += ["", "| Figure | Target | Met |", "|---|---|---|"]
    rows += [f"| {figure} | {target} | {'yes' if met else '**no**'} |"
             for figure, target, met in outcome.lines]
    rows += ["", f"A worker that signs someone in peaks at {outcome.sign_in_mb:.0f} MB: "
             "Argon2id takes 64 MiB while it hashes the password, by design."]
    if outcome.generated_s:
        rows += ["", f"Data set generated in {outcome.generated_s:.0f} s."]
    return rows + [""]


def write_docs(outcomes: list[Outcome], scale: float, seconds: int,
               guard_figures: guard.GuardFigures) -> None:
    block = [START, "", *machine(),
             f"- Data: {round(PILOTS * scale):,} pilots, {round(CASES * scale):,} case "
             f"discussions, {round(LESSONS * scale):,} published lessons; each page loaded "
             f"for {seconds} s over {WORKERS} connections after a 2 s warm-up", ""]
    for outcome in outcomes:
        block += table(outcome)
    block += ["### The personal-data guard", "", "| Figure | Target | Met |", "|---|---|---|"]
    block += [f"| {figure} | {target} | {'yes' if met else '**no**'} |"
              for figure, target, met in guard_figures.lines()]
    block += ["", guard_figures.text(), ""]
    block.append(END)
    text = DOCS.read_text() if DOCS.exists() else f"# Performance\n\n{START}\n{END}\n"
    before, rest = text.split(START, 1)
    after = rest.split(END, 1)[1]
    DOCS.write_text(before + "\n".join(block) + after)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0,
                        help="fraction of the full data set (0.1 for a quick look)")
    parser.add_argument("--seconds", type=int, default=10, help="load per page, in seconds")
    parser.add_argument("--sqlite", type=Path, help="reuse this SQLite database (with "
                        "BENCH_PASSWORD) instead of building a new one")
    parser.add_argument("--digests-only", action="store_true",
                        help="build the data and time the followers' digests, no pages "
                        "(implies --no-docs)")
    parser.add_argument("--no-docs", action="store_true",
                        help="print the figures but leave docs/performance.md alone")
    args = parser.parse_args()

    outcomes = []
    with tempfile.TemporaryDirectory(prefix="proeftuin-bench-") as folder:
        path = args.sqlite or Path(folder) / "bench.sqlite3"
        outcomes.append(measure("SQLite", f"sqlite:///{path}", args.scale, args.seconds,
                                generate=args.sqlite is None, pages=not args.digests_only))
    if os.environ.get("BENCH_DATABASE_URL"):
        url = _pg_url(os.environ["BENCH_DATABASE_URL"])
        outcomes.append(measure("PostgreSQL", url, args.scale, args.seconds, generate=True,
                                pages=not args.digests_only))

    if args.digests_only:
        for outcome in outcomes:
            for figure, target, met in outcome.lines:
                print(f"   {'ok  ' if met else 'MISS'} {figure}  (target {target})")
        return 0
    print("== the personal-data guard", flush=True)
    guard_figures = guard.measure()
    print()
    for outcome in outcomes:
        print(f"== {outcome.database}")
        for figure, target, met in outcome.lines:
            print(f"   {'ok  ' if met else 'MISS'} {figure}  (target {target})")
    print("== the personal-data guard")
    for figure, target, met in guard_figures.lines():
        print(f"   {'ok  ' if met else 'MISS'} {figure}  (target {target})")
    print(f"   {guard_figures.text()}")
    if not args.no_docs:
        write_docs(outcomes, args.scale, args.seconds, guard_figures)
        print(f"\nWritten to {DOCS.relative_to(ROOT)}")
    missed = sum(not met for outcome in outcomes for _, _, met in outcome.lines) + sum(
        not met for _, _, met in guard_figures.lines())
    print(f"{missed} target(s) missed" if missed else "Every target met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
