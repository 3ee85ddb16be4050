"""Same pages and same bytes on any machine: the checklists bring their own font, and two builds in
two processes, one with the machine's fonts and one with none, write identical folders."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import NO_FONTS_CONFIG, REPO, build_file_tree, machine_fonts_env, read_tree, run_cli

pdf = pytest.mark.pdf


def needs(tool: str, require_tool) -> str:
    path = shutil.which(tool)
    if path is None:
        require_tool(f"{tool} is missing (apt-get install poppler-utils fontconfig)")
    return str(path)


def test_the_suite_sees_no_system_fonts(require_tool) -> None:
    """What every other test here leans on: fontconfig, as this process set it, finds no font."""
    fc_list = needs("fc-list", require_tool)
    assert os.environ["FONTCONFIG_FILE"] == str(NO_FONTS_CONFIG)
    assert subprocess.run([fc_list], capture_output=True, text=True, check=True).stdout.strip() == ""
    machine = subprocess.run([fc_list], capture_output=True, text=True, check=True, env=machine_fonts_env())
    assert machine.stdout.strip(), "the machine itself has fonts (the browser needs them)"


CRITERIA = [
    {"text": f"Kryterium {n}: klient potwierdził zakres, budżet i termin wdrożenia na piśmie",
     "evidence": f"Notatka {n} w CRM z datą rozmowy, nazwiskiem osoby decyzyjnej i kwotą, którą podała."}
    for n in range(1, 21)
]


def twenty_criteria_project(root: Path) -> Path:
    stage = {
        "id": "kwalifikacja", "name": "Kwalifikacja szansy sprzedaży",
        "summary": "Sprawdzasz, czy klient ma potrzebę, budżet, uprawnienia i termin.",
        "exit_criteria": CRITERIA,
        "questions": ["Jaki przedział budżetu przewidujecie na ten projekt?", "Kto jeszcze bierze udział w decyzji?"],
        "signals": ["Klient sam proponuje kolejne spotkanie."],
        "disqualify_when": ["Brak budżetu w tym roku."],
    }
    return build_file_tree(root, {
        "playbook/playbook.yml": "title: Próbny playbook\nlanguage: pl\nstages: [kwalifikacja]\n",
        "stages/kwalifikacja.yml": yaml.safe_dump(stage, allow_unicode=True, sort_keys=False),
    })


@pdf
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_a_twenty_criterion_stage_prints_on_one_page_without_system_fonts(
    tmp_path: Path, paper: str, require_tool
) -> None:
    pdfinfo = needs("pdfinfo", require_tool)
    root = twenty_criteria_project(tmp_path / "project")
    out = tmp_path / "out"
    result = run_cli("checklists", root, "-o", out, "--paper", paper)
    assert result.exit_code == 0, result.stderr
    assert "pages, expected" not in result.stderr and "Expect ugly output" not in result.stderr
    info = subprocess.run([pdfinfo, out / "kwalifikacja.pdf"], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE), info
    size = "595.276 x 841.89" if paper == "a4" else "612 x 792"
    assert size in info, info


@pdf
def test_pdftotext_reads_every_exit_criterion_as_written(tmp_path: Path, require_tool) -> None:
    """Polish letters and "fi" come out as the letters typed: no ligature code points, no look-alikes."""
    pdftotext = needs("pdftotext", require_tool)
    out = tmp_path / "out"
    result = run_cli("checklists", REPO, "-o", out)
    assert result.exit_code == 0, result.stderr
    seen_fi = False
    for stage_file in sorted((REPO / "stages").glob("*.yml")):
        stage = yaml.safe_load(stage_file.read_text(encoding="utf-8"))
        # -raw keeps the order the text was laid out in: a criterion's cell, then its evidence.
        text = subprocess.run([pdftotext, "-raw", "-enc", "UTF-8", out / f"{stage['id']}.pdf", "-"],
                              capture_output=True, text=True, check=True).stdout
        assert not any(0xFB00 <= ord(c) <= 0xFB06 for c in text), stage["id"]  # no ligature characters
        flowed = " ".join(text.split())  # the page breaks lines where the layout did; nothing else differs
        for criterion in stage["exit_criteria"]:
            written = criterion if isinstance(criterion, str) else criterion["text"]
            assert " ".join(written.split()) in flowed, (stage["id"], written)
            seen_fi = seen_fi or "fi" in written
        seen_fi = seen_fi or "fi" in stage["name"]
        assert " ".join(stage["name"].split()) in flowed
    assert seen_fi, "the playbook no longer has an 'fi' to check"


@pdf
def test_two_build_processes_one_without_fonts_write_identical_folders(tmp_path: Path) -> None:
    """The site, checklists and PDFs, byte for byte, whatever the hash seed, fonts, time zone or locale."""
    project = tmp_path / "project"
    for name in ("playbook", "stages"):
        shutil.copytree(REPO / name, project / name)
    outputs = []
    settings = [
        dict(machine_fonts_env(), PYTHONHASHSEED="1", TZ="UTC", LC_ALL="C.UTF-8"),
        dict(os.environ, PYTHONHASHSEED="4242", TZ="Pacific/Kiritimati", LC_ALL="pl_PL.UTF-8", LANG="pl_PL.UTF-8"),
    ]
    for n, env in enumerate(settings):
        env.update(SOURCE_DATE_EPOCH="1795000000", PLAYBOOKGEN_CACHE_DIR=str(tmp_path / f"cache-{n}"))
        out = tmp_path / f"site-{n}"
        command = [sys.executable, "-m", "playbookgen", "build", str(project), "--site-dir", str(out)]
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600, check=False)
        assert done.returncode == 0, done.stderr
        outputs.append(read_tree(out))
    first, second = outputs
    assert any(name.endswith(".pdf") for name in first), "the build made no PDFs to compare"
    assert sorted(first) == sorted(second)
    differing = [name for name in first if first[name] != second[name]]
    assert differing == []
