"""The site engines, and all that depends on MkDocs' or Material's internals: the one adapter build.py calls.

``work_folder.py`` turns the rendered pages into the work folder's files: the site configuration
(site_config.py: Material's settings merged with the team's mkdocs.yml), our theme overrides and
scripts, the team's theme folder chained beneath ours. ``run_engine`` builds that folder (layout.py)
with MkDocs (mkdocs.py) or Zensical (zensical.py), then makes the one change to the theme's built
files (theme_assets.py), gives the search a stemmer for the playbook's language (search_language.py)
and checks that each of our theme fixes took hold (material_internals.py lists them, with the
versions they were written against). Our theme overrides (overrides/) and
the vendored worker shim (vendor/) live here too.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from ..errors import UserError
from .base import EngineRun

# The engines' modules are imported when used: `validate` reads layout.py's names from this package
# and needs no engine (they bring Jinja with them).

__all__ = ["ENGINES", "EngineRun", "run_engine", "start_engine", "start_worker", "stop_worker"]

ENGINES = ("mkdocs", "zensical")


def start_worker(engine: str) -> None:
    """Let the engine get ready on another core while the build validates and renders (MkDocs only)."""
    if engine == "mkdocs":
        from . import mkdocs

        mkdocs.start_worker()


def stop_worker() -> None:
    """End a worker that was never given a build (the build failed before the engine ran)."""
    from . import mkdocs

    mkdocs.stop_worker()


def _check_installed(engine: str) -> None:
    """A missing optional engine is the user's to install, not a crash."""
    if engine not in ENGINES:
        raise UserError(f"unknown engine '{engine}': choose one of {', '.join(ENGINES)}")
    if importlib.util.find_spec(engine) is None:
        extra = " (pip install 'playbookgen[zensical]')" if engine == "zensical" else ""
        raise UserError(f"the site engine '{engine}' is not installed{extra}")


def run_engine(work: Path, target: Path, *, engine: str = "mkdocs", strict: bool = False, epoch: int = 0,
               language: str = "en") -> EngineRun:
    """Build the site described by WORK/mkdocs.yml into ``target``, then finish the theme's files.

    An EngineError when the engine fails, or when the theme no longer fits our fixes. For Zensical,
    ``target`` must be WORK/site (its config's site_dir): it takes no --site-dir. ``language`` is the
    playbook's: the search is given a stemmer for it where we have one (search_language.py).
    """
    return start_engine(work, target, engine=engine, strict=strict, epoch=epoch, language=language)()


def start_engine(work: Path, target: Path, *, engine: str = "mkdocs", strict: bool = False,
                 epoch: int = 0, language: str = "en") -> Callable[[], EngineRun]:
    """``run_engine`` in two halves: MkDocs' worker (start_worker) starts the build now, on its own core,
    and the function returned waits for it and finishes the theme's files. Without a worker the
    whole build runs when that function is called. Either way the site is the same."""
    from . import mkdocs, zensical
    from .material_internals import check_built_site
    from .search_language import add_search_stemmer, missing_stemmer_note
    from .theme_assets import quiet_palette_switching

    _check_installed(engine)
    if engine == "mkdocs":
        building = mkdocs.start(work, target, strict, epoch)
    else:
        def building() -> EngineRun:
            return zensical.run(work, target, strict, epoch)

    def finish() -> EngineRun:
        run = building()
        quiet_palette_switching(target)  # start-up speed (theme_assets.py)
        if engine == "mkdocs":
            add_search_stemmer(target, language)
        check_built_site(target)
        note = missing_stemmer_note(engine, language)
        return replace(run, notes=[*run.notes, note]) if note else run

    return finish
