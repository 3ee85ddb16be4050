"""The generated work folder (mkdocs.yml, docs/, overrides/) builds with both site engines.

MkDocs is the default; Zensical, its successor, is the optional extra `zensical`. Both must read the
very same generated folder and produce the home page and one page per stage.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from playbookgen.build import render_project, static_files, write_work_folder
from playbookgen.project import load_project

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def work_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository playbook rendered into an engine's work folder, as `playbookgen build` writes it."""
    project, _ = load_project(REPO)
    static, _ = static_files(project, pdfs=False)
    site = render_project(project, static)
    work = tmp_path_factory.mktemp("work")
    write_work_folder(work, site.files, static, theme={**site.theme_files, **site.assets})  # as build does
    return work


@pytest.fixture
def stage_ids() -> list[str]:
    project, _ = load_project(REPO)
    return [stage.id for stage in project.stages]


def _copy(work: Path, tmp_path: Path) -> Path:
    """Each engine gets its own copy, so neither sees what the other wrote."""
    return Path(shutil.copytree(work, tmp_path / "work"))


def _run(command: list[str], cwd: Path) -> None:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}"


def _assert_pages(site: Path, stage_ids: list[str]) -> None:
    assert "<h1" in (site / "index.html").read_text(encoding="utf-8")
    missing = [s for s in stage_ids if not (site / "stages" / f"{s}.html").is_file()]
    assert not missing, f"no page for stages {missing} in {site}"
    for stage_id in stage_ids:
        assert 'class="task-list-item"' in (site / "stages" / f"{stage_id}.html").read_text(encoding="utf-8")


def test_mkdocs_builds_the_generated_folder(work_folder: Path, stage_ids: list[str], tmp_path: Path):
    work = _copy(work_folder, tmp_path)
    _run([sys.executable, "-m", "mkdocs", "build", "--config-file", "mkdocs.yml", "--site-dir", "out"], work)
    _assert_pages(work / "out", stage_ids)


def test_zensical_builds_the_generated_folder(work_folder: Path, stage_ids: list[str], tmp_path: Path,
                                              require_tool):
    if importlib.util.find_spec("zensical") is None:
        require_tool("zensical is not installed (pip install 'playbookgen[zensical]')")
    work = _copy(work_folder, tmp_path)
    _run([sys.executable, "-m", "zensical", "build", "--config-file", "mkdocs.yml", "--clean"], work)
    _assert_pages(work / "site", stage_ids)  # Zensical writes to the config's site_dir


def test_the_worker_gets_mkdocs_ready_without_loading_our_data_model() -> None:
    """The worker races the build's own load and render: what it imports early must stay lean.
    Our Markdown extensions are among its imports, so none of them may pull in our data model."""
    import subprocess
    import sys

    code = ("import sys; from playbookgen.engines.mkdocs import _prepare_mkdocs; _prepare_mkdocs(); "
            "print(sorted(m for m in ('playbookgen.model', 'duckdb') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert result.stdout.strip() == "[]"
