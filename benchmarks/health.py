"""Wall time and peak memory of `playbookgen health --format json` beside a bare DuckDB read of the same file.

Every deals-export shape `health` reads is generated for the repository's playbook (fixed seed, SAMPLE
deals, benchmarks/deals_sample.py): HubSpot's wide export, our csv history, Salesforce's OpportunityHistory
as its Data Export writes it (Windows-1250, every cell quoted, unsorted), Salesforce's field history and a
Pipedrive-style snapshot. Each file is about ``--rows`` rows; ``--sf-deals`` adds a Salesforce Data Export
of that many deals (1M deals is about 5M rows). Then each command runs as a child process, interleaved
(ABBA order) so drift in machine load falls on both alike. The baseline is
`SELECT count(*) FROM read_csv(...)`, every column as text, in a fresh Python with DuckDB: one full pass
over the file by the same engine (a Windows code page read as Latin-1, DuckDB's own single-byte reading).
Beside it, for reference and not the target's yardstick, a "full read": the same read_csv stored whole in a
table (``CREATE TABLE AS SELECT *``), what having every cell in hand costs DuckDB before any work on it; its
`count(*)` skips building the cells' texts. Peak memory is the child's maximum resident set (getrusage of
children, its own children included).
Targets (issue 21): 1M rows of every shape within 4x the bare read, 1M Salesforce deals within 6x, all
under 800 MiB.

    python benchmarks/health.py [--rows 1000000] [--sf-deals 1000000] [--formats hubspot,csv,...]
                                [--repeat 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from build import compile_package  # noqa: E402
from deals_sample import WRITERS  # noqa: E402

TARGET_RATIO = 4.0
TARGET_SF_RATIO = 6.0
TARGET_MIB = 800

# Our name of the shape -> the --deals-format `health` is given; the shapes whose writer counts deals, not rows.
DEALS_FORMAT = {"hubspot": "hubspot", "csv": "csv", "salesforce": "salesforce", "salesforce-field": "salesforce",
                "snapshot": "pipedrive"}
PER_DEAL = ("hubspot", "salesforce", "salesforce-field", "snapshot")
CODE_PAGE = ("salesforce",)

_CHILD = """
import sys, duckdb
con = duckdb.connect()
encoding = sys.argv[2]
print(con.execute("{statement} read_csv(?, header = true, all_varchar = true, encoding = ?)",
                  [sys.argv[1], encoding]).fetchall())
"""
BARE = _CHILD.format(statement="SELECT count(*) FROM")
FULL = _CHILD.format(statement="CREATE TABLE cells AS SELECT * FROM")


def _run(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident MiB of one child process (forked fresh, so its own maximum)."""
    before = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child becomes the command; its rusage is then its alone
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)  # health's notes (encoding found, figures a snapshot lacks) would break the table
        os.execvp(command[0], command)
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - before
    if os.waitstatus_to_exitcode(status) not in (0,):
        raise SystemExit(f"{' '.join(command)} failed with {os.waitstatus_to_exitcode(status)}")
    return seconds, usage.ru_maxrss / 1024  # Linux reports kilobytes


def measure(path: Path, shape: str, repeat: int) -> dict[str, list[tuple[float, float]]]:
    health = [sys.executable, "-m", "playbookgen", "health", str(REPO), "--deals", str(path),
              "--deals-format", DEALS_FORMAT[shape], "--format", "json"]
    encoding = "latin-1" if shape in CODE_PAGE else "utf-8"
    bare = [sys.executable, "-c", BARE, str(path), encoding]
    full = [sys.executable, "-c", FULL, str(path), encoding]
    results: dict[str, list[tuple[float, float]]] = {"health": [], "bare": [], "full": []}
    for round_ in range(repeat):
        order = [("health", health), ("bare", bare), ("full", full)]
        for name, command in order if round_ % 2 == 0 else order[::-1]:
            results[name].append(_run(command))
    return results


def _rows(path: Path) -> int:
    with open(path, "rb") as handle:
        return sum(1 for _ in handle) - 1  # no field of these files holds a line break


def _deals_for_rows(shape: str, rows: int, folder: Path) -> int:
    """How many deals make about ``rows`` rows in this shape (from a small sample of the same generator)."""
    if shape not in PER_DEAL:
        return rows
    sample = WRITERS[shape](folder / f"rows-per-deal-{shape}.csv", 2000, seed=16)
    per_deal = _rows(sample) / 2000
    sample.unlink()
    return max(1, round(rows / per_deal))


def _export(folder: Path, shape: str, amount: int, label: str) -> Path:
    path = folder / f"sample-{shape}-{label}.csv"
    if not path.exists():
        WRITERS[shape](path, amount, seed=16)
    return path


def _report(label: str, path: Path, runs: dict[str, list[tuple[float, float]]], target: float) -> None:
    bare_s = [s for s, _ in runs["bare"]]
    health_s = [s for s, _ in runs["health"]]
    ratio = statistics.median(health_s) / statistics.median(bare_s)
    paired = statistics.median(h / b for h, b in zip(health_s, bare_s, strict=True))
    bare_mib = max(m for _, m in runs["bare"])
    health_mib = max(m for _, m in runs["health"])
    full = statistics.median(s for s, _ in runs["full"]) / statistics.median(bare_s)
    verdict = "meets" if ratio <= target and health_mib < TARGET_MIB else "MISSES"
    print(f"{label:<28} {_rows(path):>10,} {path.stat().st_size / 1e6:>6.0f} "
          f"{statistics.median(bare_s):>6.2f} ({min(bare_s):.2f}-{max(bare_s):.2f}) "
          f"{statistics.median(health_s):>6.2f} ({min(health_s):.2f}-{max(health_s):.2f}) "
          f"{ratio:>5.2f}x {paired:>5.2f}x {full:>5.2f}x {bare_mib:>8.0f} {health_mib:>10.0f}  {verdict} {target:.0f}x",
          flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="about this many rows in each shape's file")
    parser.add_argument("--sf-deals", type=int, default=1_000_000,
                        help="deals in the extra Salesforce Data Export (0: none)")
    parser.add_argument("--formats", default=",".join(WRITERS), help="shapes, of: " + ", ".join(WRITERS))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None, help="folder to write the exports into and keep")
    args = parser.parse_args()
    compile_package()  # as an install does: no run pays for compiling our modules from source
    folder = args.keep or Path(tempfile.mkdtemp(prefix="health-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"{os.cpu_count()} CPUs; medians of {args.repeat} runs (min-max); ratio of medians, median of paired "
          "ratios; full = the full read's median over the bare read's; peak = max RSS of the child")
    print(f"{'shape':<28} {'rows':>10} {'MB':>6} {'bare read s':>16} {'health s':>16} {'ratio':>6} {'paired':>6} "
          f"{'full':>6} {'bare MiB':>8} {'health MiB':>10}  target")
    jobs = [(shape, _deals_for_rows(shape, args.rows, folder), f"{args.rows}-rows", TARGET_RATIO)
            for shape in args.formats.split(",")]
    if args.sf_deals:
        jobs.append(("salesforce", args.sf_deals, f"{args.sf_deals}-deals", TARGET_SF_RATIO))
    for shape, amount, label, target in jobs:
        path = _export(folder, shape, amount, label)
        title = f"{shape} {label.replace('-', ' ')}"
        _report(title, path, measure(path, shape, args.repeat), target)
    if args.keep is None:
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()


if __name__ == "__main__":
    main()
