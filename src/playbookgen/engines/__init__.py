"""The site engines, and all that depends on MkDocs' or Material's internals: the one adapter build.py calls.

``run_engine`` builds a work folder (layout.py) with MkDocs (mkdocs.py) or Zensical (zensical.py),
then makes the one change to the theme's built files (theme_assets.py) and checks that each of our
theme fixes took hold (material_internals.py lists them, with the versions they were written
against). Our theme overrides (overrides/) and the vendored worker shim (vendor/) live here too.
"""

from __future__ import annotations

import importlib.util
from importlib import resources
from pathlib import Path

from ..errors import UserError
from . import mkdocs, zensical
from .base import EngineRun
from .material_internals import OVERRIDES, check_built_site
from .theme_assets import quiet_palette_switching

__all__ = ["ENGINES", "TICKS_SCRIPT", "EngineRun", "run_engine", "start_worker", "stop_worker", "theme_overrides",
           "ticks_script", "worker_shim"]

ENGINES = ("mkdocs", "zensical")
# Where the checklist-ticks script lands in the docs folder; overrides/playbookgen-theme.html loads it.
TICKS_SCRIPT = "assets/javascripts/playbookgen-ticks.js"


def start_worker(engine: str) -> None:
    """Let the engine get ready on another core while the build validates and renders (MkDocs only)."""
    if engine == "mkdocs":
        mkdocs.start_worker()


def stop_worker() -> None:
    """End a worker that was never given a build (the build failed before the engine ran)."""
    mkdocs.stop_worker()


def _check_installed(engine: str) -> None:
    """A missing optional engine is the user's to install, not a crash."""
    if engine not in ENGINES:
        raise UserError(f"unknown engine '{engine}': choose one of {', '.join(ENGINES)}")
    if importlib.util.find_spec(engine) is None:
        extra = " (pip install 'playbookgen[zensical]')" if engine == "zensical" else ""
        raise UserError(f"the site engine '{engine}' is not installed{extra}")


def run_engine(work: Path, target: Path, *, engine: str = "mkdocs", strict: bool = False, epoch: int = 0) -> EngineRun:
    """Build the site described by WORK/mkdocs.yml into ``target``, then finish the theme's files.

    An EngineError when the engine fails, or when the theme no longer fits our fixes. For Zensical,
    ``target`` must be WORK/site (its config's site_dir): it takes no --site-dir.
    """
    _check_installed(engine)
    run = (mkdocs.run if engine == "mkdocs" else zensical.run)(work, target, strict, epoch)
    quiet_palette_switching(target)  # start-up speed (theme_assets.py)
    check_built_site(target)
    return run


def theme_overrides() -> dict[str, str]:
    """Our theme override templates by name in the theme folder: main.html (the <title> escaping and
    the script loading) extends playbookgen-theme.html (markup fixes), which extends the theme."""
    folder = resources.files(__name__).joinpath("overrides")
    return {name: folder.joinpath(name).read_text(encoding="utf-8") for name in OVERRIDES}


def worker_shim() -> str:
    """The Web Worker shim Material's offline plugin would load from a CDN; we ship it (MIT, vendored)."""
    return resources.files(__name__).joinpath("vendor/iframe-worker.js").read_text(encoding="utf-8")


def ticks_script() -> str:
    """The script that makes marked checklists remember their ticks (overrides/playbookgen-ticks.js)."""
    return resources.files(__name__).joinpath("overrides/playbookgen-ticks.js").read_text(encoding="utf-8")
