"""Wall time of `playbookgen validate` beside a bare `yaml.load(CSafeLoader)` of the same YAML files.

Both are whole processes (interpreter start and imports included), run in turn (A B A B ...) so a
slow spell of a shared machine falls on both; prints medians, spread and the median of the per-round
ratios, on the repository's playbook and on a synthetic one. The baseline reads every YAML file
validate reads (playbook/**/*.yml and stages/*.yml) with PyYAML's C loader and nothing else: no
positions, no checks, no models. Target: validate within 3x of it.

    python benchmarks/validate.py [--repeat 11] [--stages 200] [--techniques 300]
    python benchmarks/validate.py --baseline ROOT   # the baseline alone, for timing from outside
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TARGET_RATIO = 3.0


def yaml_files(root: Path) -> list[Path]:
    return sorted([*root.glob("playbook/**/*.yml"), *root.glob("stages/*.yml")])


def baseline(root: Path) -> None:
    import yaml

    for path in yaml_files(root):
        yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


def bench(root: Path, repeat: int) -> tuple[list[float], list[float]]:
    from build import run_timed

    ours = [sys.executable, "-m", "playbookgen", "validate", str(root)]
    bare = [sys.executable, __file__, "--baseline", str(root)]
    for command in (ours, bare):  # warm-up
        run_timed(command, root)
    times: tuple[list[float], list[float]] = ([], [])
    for index in range(repeat):
        order = [0, 1] if index % 2 == 0 else [1, 0]
        for which in order:
            times[which].append(run_timed((ours, bare)[which], root)[0])
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=11)
    parser.add_argument("--stages", type=int, default=200)
    parser.add_argument("--techniques", type=int, default=300)
    parser.add_argument("--baseline", metavar="ROOT", help="only load ROOT's YAML files, as the baseline does")
    args = parser.parse_args()
    if args.baseline:  # nothing imported but PyYAML: the baseline process is that alone
        baseline(Path(args.baseline))
        return 0
    sys.path.insert(0, str(HERE))
    from build import compile_package
    from synthetic import write_synthetic_project

    compile_package()
    import statistics
    import tempfile

    worst = 0.0
    with tempfile.TemporaryDirectory(prefix="pbg-bench-validate-") as tmp:
        synthetic = write_synthetic_project(Path(tmp) / "synthetic", args.stages, args.techniques)
        for label, root in (("repository playbook", REPO), (f"synthetic {args.stages}st/{args.techniques}tech",
                                                            synthetic)):
            ours, bare = bench(root, args.repeat)
            ratio = statistics.median(a / b for a, b in zip(ours, bare, strict=True))
            worst = max(worst, ratio)
            print(f"{label} ({len(yaml_files(root))} YAML files, {args.repeat} rounds):")
            print(f"  playbookgen validate  median {statistics.median(ours):.3f} s ({min(ours):.3f}-{max(ours):.3f})")
            print(f"  yaml.load(CSafeLoader) median {statistics.median(bare):.3f} s ({min(bare):.3f}-{max(bare):.3f})")
            print(f"  paired ratio {ratio:.2f}x")
    verdict = "within" if worst <= TARGET_RATIO else "OVER"
    print(f"worst paired ratio {worst:.2f}x: {verdict} the {TARGET_RATIO:.0f}x target")
    return 0 if worst <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
