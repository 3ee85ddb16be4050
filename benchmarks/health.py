"""Wall time and peak memory of `playbookgen health --format json` beside a bare DuckDB read of the same file.

HubSpot-shaped exports of 10k, 100k and 1M SAMPLE deals (fixed seed, 23 columns) are generated for the
repository's playbook, then each command runs as a child process, interleaved (ABBA order) so drift
in machine load falls on both alike. The baseline is `SELECT count(*) FROM read_csv(...)`, every
column as text, in a fresh Python with DuckDB: one full pass over the file by the same engine.
Peak memory is the child's maximum resident set (getrusage of children, its own children included).
Targets: 1M deals within 4x the bare read and under 800 MiB.

    python benchmarks/health.py [--sizes 10000,100000,1000000] [--repeat 3] [--keep DIR]
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

from deals_sample import write_hubspot_export  # noqa: E402

TARGET_RATIO = 4.0
TARGET_MIB = 800

BARE = """
import sys, duckdb
con = duckdb.connect()
print(con.execute("SELECT count(*) FROM read_csv(?, header = true, all_varchar = true)", [sys.argv[1]]).fetchone()[0])
"""


def _run(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident MiB of one child process (forked fresh, so its own maximum)."""
    before = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child becomes the command; its rusage is then its alone
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.execvp(command[0], command)
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - before
    if os.waitstatus_to_exitcode(status) not in (0,):
        raise SystemExit(f"{' '.join(command)} failed with {os.waitstatus_to_exitcode(status)}")
    return seconds, usage.ru_maxrss / 1024  # Linux reports kilobytes


def measure(path: Path, repeat: int) -> dict[str, list[tuple[float, float]]]:
    health = [sys.executable, "-m", "playbookgen", "health", str(REPO), "--deals", str(path),
              "--deals-format", "hubspot", "--format", "json"]
    bare = [sys.executable, "-c", BARE, str(path)]
    results: dict[str, list[tuple[float, float]]] = {"health": [], "bare": []}
    for round_ in range(repeat):
        order = (("health", health), ("bare", bare)) if round_ % 2 == 0 else (("bare", bare), ("health", health))
        for name, command in order:
            results[name].append(_run(command))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None, help="folder to write the exports into and keep")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="health-bench-"))
    print(f"{os.cpu_count()} CPUs; medians of {args.repeat} runs (min-max); peak = max RSS of the child")
    print(f"{'deals':>9} {'MB':>6} {'bare read s':>16} {'health s':>16} {'ratio':>6} "
          f"{'bare MiB':>9} {'health MiB':>10}")
    for size in (int(s) for s in args.sizes.split(",")):
        path = folder / f"sample-deals-{size}.csv"
        if not path.exists():
            write_hubspot_export(path, size, seed=16)
        runs = measure(path, args.repeat)
        bare_s = [s for s, _ in runs["bare"]]
        health_s = [s for s, _ in runs["health"]]
        ratio = statistics.median(health_s) / statistics.median(bare_s)
        bare_mib = max(m for _, m in runs["bare"])
        health_mib = max(m for _, m in runs["health"])
        print(f"{size:>9,} {path.stat().st_size / 1e6:>6.0f} "
              f"{statistics.median(bare_s):>6.2f} ({min(bare_s):.2f}-{max(bare_s):.2f}) "
              f"{statistics.median(health_s):>6.2f} ({min(health_s):.2f}-{max(health_s):.2f}) "
              f"{ratio:>5.1f}x {bare_mib:>9.0f} {health_mib:>10.0f}")
        if size >= 1_000_000:
            verdict = "meets" if ratio <= TARGET_RATIO and health_mib < TARGET_MIB else "MISSES"
            print(f"          1M target (<= {TARGET_RATIO:.0f}x bare, < {TARGET_MIB} MiB): {verdict}")
    if args.keep is None:
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()


if __name__ == "__main__":
    main()
