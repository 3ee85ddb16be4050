"""MkDocs' dev server for `playbookgen serve`: our hook, the engine's log on stderr, the server itself.

serve.py renders the preview into a work folder and watches the project; everything here is how
MkDocs serves that folder, so it lives in the engine adapter with the rest of what knows MkDocs.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from ..errors import UserError
from ..write import write_text_atomic
from .layout import CONFIG_FILE

__all__ = ["SERVE_HOOK", "serve_folder"]

# MkDocs' dev server builds its own theme environments on every rebuild; this hook, written into the
# private work folder and named on the command line, hands them our template cache so a rebuild
# does not compile the theme's templates again. It runs before the other plugins are configured
# (Material's search plugin makes environments then). It also puts the problem box on every page
# and has the server watch the box (and our theme folder, where a team's theme files are copied).
# It is MkDocs' public hooks API, serve-only, and never part of a built site's mkdocs.yml.
SERVE_HOOK = "playbookgen_serve_hook.py"
_HOOK_SOURCE = '''"""Written by playbookgen serve: MkDocs' theme environments reuse compiled templates, and
every page shows the box of the playbook's problems while there are any."""
from pathlib import Path

from mkdocs.plugins import event_priority

from playbookgen.engines.mkdocs import cache_theme_templates
from playbookgen.template_cache import template_cache

_work = Path(__file__).resolve().parent
_cache = template_cache(skip=(_work,))
_problems = _work / "__PROBLEMS_FILE__"


@event_priority(100)
def on_config(config):
    cache_theme_templates(config.theme, _cache)


def on_serve(server, config, builder):
    server.watch(str(_problems.parent))
    server.watch(str(_work / config.theme.custom_dir))
    return server


def on_post_page(output, page, config):
    box = _problems.read_text(encoding="utf-8") if _problems.is_file() else ""
    body = output.find("<body")
    if not box or body < 0:
        return output
    at = output.find(">", body) + 1
    return output[:at] + box + output[at:]
'''


def _hooks(work: Path, problems_file: str, theirs: list[str]) -> list[str]:
    """The team's hooks (the generated config's ``hooks``), then ours."""
    write_text_atomic(work / SERVE_HOOK, _HOOK_SOURCE.replace("__PROBLEMS_FILE__", problems_file))
    return [str(work / hook) for hook in theirs] + [str(work / SERVE_HOOK)]


def _show_engine_log() -> None:
    """MkDocs' own lines (serving on, building, built in N seconds, warnings) on stderr, as its CLI shows them."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("mkdocs: %(levelname)s - %(message)s"))
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


def serve_folder(work: Path, dev_addr: str, problems_file: str, team_hooks: list[str]) -> None:
    """Serve ``work`` (mkdocs.yml beside docs/) with live reload until interrupted.

    ``problems_file`` (relative to ``work``) holds the problem box every page shows while it is not
    empty; ``team_hooks`` are the hooks the team's mkdocs.yml names, which run before ours.
    """
    from mkdocs.commands.serve import serve as mkdocs_serve
    from mkdocs.exceptions import Abort, ConfigurationError

    _show_engine_log()
    try:
        mkdocs_serve(str(work / CONFIG_FILE), dev_addr=dev_addr, livereload=True,
                     hooks=_hooks(work, problems_file, team_hooks))
    except (Abort, ConfigurationError) as exc:
        raise UserError(f"cannot serve: {exc}") from exc
