"""A synthetic playbook project of any size, for benchmarks and tests of large inputs.

Deterministic: the same arguments always write the same files, so timings compare across runs.
Usable as a module (``write_synthetic_project(root, stages=60, techniques=200)``) or a script
(``python benchmarks/synthetic.py DIR --stages 60 --techniques 200``).
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

import yaml

WORDS = [
    "klient", "lead", "oferta", "budżet", "decyzja", "harmonogram", "potrzeba", "wartość", "rozmowa", "spotkanie",
    "pipeline", "etap", "kwalifikacja", "negocjacje", "umowa", "rabat", "ryzyko", "produkt", "usługa", "zespół",
    "raport", "prognoza", "kontakt", "telefon", "wiadomość", "prezentacja", "demo", "pilotaż", "wdrożenie",
    "szkolenie", "wsparcie", "cena", "zakup", "dział", "zarząd", "finanse", "sprzedaż", "marketing", "rynek",
    "branża", "konkurencja", "przewaga",
]


def _sentence(rng: random.Random, words: int = 14) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _paragraphs(rng: random.Random, count: int, sentences: int = 6) -> str:
    return "\n\n".join(" ".join(_sentence(rng) for _ in range(sentences)) for _ in range(count)) + "\n"


def _lines(rng: random.Random, count: int) -> list[str]:
    return [_sentence(rng, 9) for _ in range(count)]


def _technique(rng: random.Random, number: int) -> dict[str, object]:
    return {
        "id": f"technika-{number:03d}",
        "name": f"Technika {number:03d} {rng.choice(WORDS)}",
        "summary": _sentence(rng),
        "description": _paragraphs(rng, 3),
        "steps": _lines(rng, 5),
    }


def _stage(rng: random.Random, number: int, technique_ids: list[str]) -> dict[str, object]:
    return {
        "id": f"etap-{number:02d}",
        "name": f"Etap {number:02d} {rng.choice(WORDS)}",
        "summary": _sentence(rng),
        "description": _paragraphs(rng, 5),
        "probability": min(95, 5 + number),
        "max_days": 30,
        "exit_criteria": [{"text": _sentence(rng), "evidence": _sentence(rng)} for _ in range(5)],
        "settles": {"bant": [rng.choice(["budget", "authority", "need", "timeline"])]},
        "techniques": technique_ids,
        "challenges": [
            {"name": f"Wyzwanie {i}", "description": _paragraphs(rng, 1), "remedy": _sentence(rng)}
            for i in range(1, 4)
        ],
        "bottleneck": {"description": _sentence(rng), "how_to_spot": _sentence(rng), "remedy": _sentence(rng)},
        "disqualify_when": _lines(rng, 4),
        "signals": _lines(rng, 4),
        "tools": _lines(rng, 3),
        "questions": _lines(rng, 8),
    }


def _framework() -> dict[str, object]:
    names = {"budget": "Budżet", "authority": "Władza", "need": "Potrzeba", "timeline": "Harmonogram"}
    return {
        "id": "bant",
        "name": "BANT",
        "summary": "Budżet, władza, potrzeba i harmonogram.",
        "elements": [
            {"id": key, "name": name, "question": f"{name}?", "evidence": f"{name} potwierdzony."}
            for key, name in names.items()
        ],
    }


def _dump(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8")


def write_synthetic_project(
    root: Path, stages: int = 60, techniques: int = 200, language: str = "pl", seed: int = 4
) -> Path:
    """Write a valid playbook project with ``stages`` stages and ``techniques`` techniques under root."""
    rng = random.Random(seed)
    technique_data = [_technique(rng, n) for n in range(1, techniques + 1)]
    ids = [t["id"] for t in technique_data]
    # Every technique is used by at least one stage: spread them round-robin, a few more at random.
    per_stage: list[list[str]] = [[] for _ in range(stages)]
    for index, technique_id in enumerate(ids):
        per_stage[index % stages].append(technique_id)  # type: ignore[arg-type]
    for chosen in per_stage:
        chosen.extend(t for t in rng.sample(ids, min(3, len(ids))) if t not in chosen)  # type: ignore[misc]
    stage_data = [_stage(rng, n + 1, per_stage[n]) for n in range(stages)]
    _dump(
        root / "playbook" / "playbook.yml",
        {
            "title": f"Syntetyczny playbook ({stages} etapów)",
            "language": language,
            "summary": "Duży, wygenerowany playbook do pomiarów wydajności.",
            "description": _paragraphs(rng, 2),
            "stages": [s["id"] for s in stage_data],
        },
    )
    _dump(root / "playbook" / "techniques.yml", {"techniques": technique_data})
    _dump(root / "playbook" / "frameworks.yml", {"frameworks": [_framework()]})
    for number, stage in enumerate(stage_data, start=1):
        _dump(root / "stages" / f"{number:02d}-{stage['id']}.yml", stage)
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--stages", type=int, default=60)
    parser.add_argument("--techniques", type=int, default=200)
    args = parser.parse_args()
    print(write_synthetic_project(args.root, args.stages, args.techniques))


if __name__ == "__main__":
    main()
