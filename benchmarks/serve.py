"""Seconds from saving an edit to the served page showing it: `playbookgen serve` beside plain `mkdocs serve`.

Both servers run at once, each on a copy: playbookgen serves a copy of the repository's playbook and
one of its stages' YAML is edited; MkDocs serves the very folder playbookgen generates from it (as
`benchmarks/build.py` writes it) and that stage's Markdown page is edited. Each edit swaps a marker
word for the next one (saved as editors save: a new file renamed over the old), then the page is
fetched every 10 ms until the new word is in it. The two take turns (A B A B ...), so a slow spell
of a shared machine falls on both; prints medians, spread, the median of the per-round ratios, and
how many rebuilds each server ran per edit. Target: the median at most 0.5 s.

    python benchmarks/serve.py [--repeat 15]
    python benchmarks/serve.py --once URL FILE   # one edit and wait, for timing from outside
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TARGET_SECONDS = 0.5
STAGE_FILE, STAGE_PAGE = "stages/06-negocjacje.yml", "stages/negocjacje.html"
PROJECT_PARTS = ("playbook", "stages", "templates", "assets", "mkdocs.yml")
MARKER = re.compile(r"pbgbench(\d+)")
START_TIMEOUT = 120


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback only
            return str(response.read().decode("utf-8"))
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return ""


def edit_and_wait(url: str, file: Path, timeout: float = 30.0) -> float:
    """Swap the file's marker for the next one, save it, and return the seconds until ``url`` shows it."""
    text = file.read_text(encoding="utf-8")
    found = MARKER.search(text)
    if found is None:
        raise SystemExit(f"{file} has no marker pbgbenchN")
    word = f"pbgbench{int(found[1]) + 1}"
    temporary = file.with_name(f".{file.name}.swp")
    temporary.write_text(text[:found.start()] + word + text[found.end():], encoding="utf-8")
    start = time.perf_counter()
    os.replace(temporary, file)
    while time.perf_counter() - start < timeout:
        if word in fetch(url):
            return time.perf_counter() - start
        time.sleep(0.01)
    raise SystemExit(f"{url} never showed {word} within {timeout} s")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def mark(file: Path, before: str) -> None:
    """Put the marker pbgbench0 into ``file`` in front of ``before`` (text the page shows)."""
    text = file.read_text(encoding="utf-8")
    if before not in text:
        raise SystemExit(f"{file} does not hold {before!r}")
    file.write_text(text.replace(before, f"pbgbench0 {before}", 1), encoding="utf-8")


def prepare(scratch: Path) -> tuple[Path, Path]:
    """A copy of the repository's playbook, and the work folder playbookgen generates from it; both marked."""
    project = scratch / "project"
    for part in PROJECT_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, project / part)
        elif source.is_file():
            project.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, project / part)
    work = scratch / "work"
    subprocess.run([sys.executable, str(HERE / "build.py"), "--step=work", str(project), str(work)], check=True)
    stage_md = work / "docs" / STAGE_PAGE.replace(".html", ".md")
    summary = next(line.split(": ", 1)[1] for line in (project / STAGE_FILE).read_text().splitlines()
                   if line.startswith("summary: "))
    first_words = " ".join(summary.split()[:3])
    mark(project / STAGE_FILE, first_words)
    mark(stage_md, first_words)
    return project, work


class Server:
    """A dev server in a child process, its output kept in a file (to count its rebuilds)."""

    def __init__(self, name: str, command: list[str], cwd: Path, log: Path, url: str) -> None:
        self.name, self.url, self.log = name, url, log
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1", NO_COLOR="1")
        self.process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT
        while "pbgbench" not in fetch(url):
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise SystemExit(f"{name} did not start:\n{log.read_text()}")
            time.sleep(0.1)

    def builds(self) -> int:
        # Not "Documentation built in N seconds": MkDocs' command line logs each distinct message once.
        return self.log.read_text(errors="replace").count("Building documentation")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def bench(repeat: int) -> int:
    with tempfile.TemporaryDirectory(prefix="pbg-bench-serve-") as tmp:
        scratch = Path(tmp)
        project, work = prepare(scratch)
        ours_port, plain_port = free_port(), free_port()
        ours = Server("playbookgen serve",
                      [sys.executable, "-m", "playbookgen", "serve", str(project), "--dev-addr",
                       f"127.0.0.1:{ours_port}"],
                      project, scratch / "ours.log", f"http://127.0.0.1:{ours_port}/{STAGE_PAGE}")
        try:
            plain = Server("mkdocs serve",
                           [sys.executable, "-m", "mkdocs", "serve", "--config-file", str(work / "mkdocs.yml"),
                            "--dev-addr", f"127.0.0.1:{plain_port}"],
                           work, scratch / "plain.log", f"http://127.0.0.1:{plain_port}/{STAGE_PAGE}")
        except BaseException:
            ours.stop()
            raise
        edits = {ours.name: (ours, project / STAGE_FILE), plain.name: (plain, work / "docs" /
                                                                       STAGE_PAGE.replace(".html", ".md"))}
        seconds: dict[str, list[float]] = {name: [] for name in edits}
        try:
            for server, file in edits.values():  # warm-up: the first rebuild of each compiles more
                edit_and_wait(server.url, file)
            before = {name: server.builds() for name, (server, _) in edits.items()}
            for index in range(repeat):
                for name in list(edits) if index % 2 == 0 else list(reversed(edits)):
                    server, file = edits[name]
                    seconds[name].append(edit_and_wait(server.url, file))
                    time.sleep(0.7)  # a second rebuild of the same edit, if any, happens now and is counted
        finally:
            ours.stop()
            plain.stop()
        rebuilds = {name: (server.builds() - before[name]) / repeat for name, (server, _) in edits.items()}
    ratios = [a / b for a, b in zip(seconds[ours.name], seconds[plain.name], strict=True)]
    print(f"{os.cpu_count()} CPUs; {repeat} edits each, in turn; seconds from the save to the page showing it")
    for name, values in seconds.items():
        print(f"  {name:<18} median {statistics.median(values):.3f} s ({min(values):.3f}-{max(values):.3f}), "
              f"{rebuilds[name]:.2f} rebuilds an edit")
    median = statistics.median(seconds[ours.name])
    print(f"  paired ratio playbookgen/mkdocs: median {statistics.median(ratios):.2f} "
          f"({min(ratios):.2f}-{max(ratios):.2f})")
    verdict = "within" if median <= TARGET_SECONDS else "OVER"
    print(f"playbookgen serve: median {median:.3f} s, {verdict} the {TARGET_SECONDS} s target")
    return 0 if median <= TARGET_SECONDS else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="edits timed on each server")
    parser.add_argument("--once", nargs=2, metavar=("URL", "FILE"),
                        help="edit FILE once and wait until URL shows it (to time from outside)")
    args = parser.parse_args()
    if args.once:
        edit_and_wait(args.once[0], Path(args.once[1]))
        return 0
    return bench(args.repeat)


if __name__ == "__main__":
    sys.exit(main())
