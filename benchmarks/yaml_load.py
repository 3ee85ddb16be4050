"""CPU time of reading one YAML file with playbookgen's loader beside PyYAML's bare event parse of it.

The bare parse is the floor: our composer (positions, YAML 1.2 values, the checks for text that
silently loses what was typed) comes on top of it. Interleaved rounds, so machine load falls on both
alike; prints the medians and their ratio. The file is as large as we read (1 MB, or 100,000 values) and all structure.

    python benchmarks/yaml_load.py [--repeat 15]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import yaml

from playbookgen._yaml import _EVENT_LOADER, MAX_BYTES, MAX_NODES, parse_yaml


def synthetic_text() -> str:
    """Techniques with short texts and a flow list each, a comment every so often: as large as we read."""
    items, size, i = ["# techniques\ntechniques:\n"], 0, 0
    while True:
        item = (f"  - id: t{i}\n    name: Technique number {i}\n"
                f"    summary: A plain text summary that goes on a while {i}\n    tags: [a, b, c]\n")
        if i % 50 == 0:
            item = f"  # group {i // 50}\n" + item
        if size + len(item) > MAX_BYTES - 100 or (i + 1) * 15 > MAX_NODES - 10:  # 14 nodes an item, ends included
            return "".join(items)
        items.append(item)
        size, i = size + len(item), i + 1


def bare(text: str) -> None:
    for _ in yaml.parse(text, Loader=_EVENT_LOADER):
        pass


def ours(text: str) -> None:
    document, problems = parse_yaml(text, "x.yml")
    assert document is not None and not problems


def cpu_seconds(run: Callable[[str], None], text: str) -> float:
    start = time.process_time()
    run(text)
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    text = synthetic_text()
    times: dict[str, list[float]] = {"bare event parse": [], "parse_yaml": []}
    for _ in range(args.repeat):
        times["bare event parse"].append(cpu_seconds(bare, text))
        times["parse_yaml"].append(cpu_seconds(ours, text))
    print(f"{len(text.encode()) / 1e6:.2f} MB, {text.count(chr(10))} lines, {args.repeat} rounds (CPU time)")
    for name, samples in times.items():
        print(f"  {name:<17} median {statistics.median(samples) * 1000:6.0f} ms  (min {min(samples) * 1000:.0f})")
    ratio = statistics.median(times["parse_yaml"]) / statistics.median(times["bare event parse"])
    print(f"  parse_yaml / bare: {ratio:.2f}x")


if __name__ == "__main__":
    main()
