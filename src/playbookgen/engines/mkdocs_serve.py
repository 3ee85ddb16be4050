"""MkDocs' dev server for `playbookgen serve`: our hook, the engine's log on stderr, the server itself.

serve.py renders the preview into a work folder and watches the project; everything here is how
MkDocs serves that folder, so it lives in the engine adapter with the rest of what knows MkDocs.
The server does not watch the work folder itself: serve.py's watcher, which wrote the files, asks
for the rebuild (request_rebuild) once it has written all of them, so one save is one rebuild and
no second polling loop runs after ours.
"""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..write import write_text_atomic
from .layout import CONFIG_FILE
from .serve_reuse import stop_reusing

__all__ = ["SERVE_HOOK", "request_rebuild", "serve_folder", "watch_for_us"]

# MkDocs' dev server builds its own theme environments on every rebuild; this hook, written into the
# private work folder and named on the command line, hands them our template cache so a rebuild
# does not compile the theme's templates again, and has a rebuild take over what the one before it
# did and nothing changed since (serve_reuse.py: the theme's file listing, each unchanged page's
# Markdown conversion and search entries). It runs before the other plugins are configured
# (Material's search plugin makes environments then). It also puts the problem box on every page
# and has the server watch the box (and our theme folder, where a team's theme files are copied).
# It is MkDocs' public hooks API, serve-only, and never part of a built site's mkdocs.yml.
SERVE_HOOK = "playbookgen_serve_hook.py"
_HOOK_SOURCE = '''"""Written by playbookgen serve: MkDocs' theme environments reuse compiled templates, a
rebuild reuses what did not change since the last one, and every page shows the box of the
playbook's problems while there are any."""
from pathlib import Path

from mkdocs.plugins import event_priority

from playbookgen.engines.mkdocs import cache_theme_templates
from playbookgen.engines.mkdocs_serve import watch_for_us
from playbookgen.engines.serve_reuse import reuse_conversions, reuse_search_entries, skip_hidden_theme_files
from playbookgen.template_cache import template_cache

_work = Path(__file__).resolve().parent
_cache = template_cache(skip=(_work,))
_problems = _work / "__PROBLEMS_FILE__"


@event_priority(100)
def on_config(config):
    cache_theme_templates(config.theme, _cache)
    skip_hidden_theme_files(config.theme)
    reuse_conversions(config)
    reuse_search_entries()


def on_serve(server, config, builder):
    return watch_for_us(server, config, __file__)


def on_post_page(output, page, config):
    box = _problems.read_text(encoding="utf-8") if _problems.is_file() else ""
    body = output.find("<body")
    if not box or body < 0:
        return output
    at = output.find(">", body) + 1
    return output[:at] + box + output[at:]
'''


class _Server:
    """The dev server once it serves (None before), and a rebuild asked for before then."""

    lock = threading.Lock()
    server: Any = None
    pending = False


def watch_for_us(server: Any, config: Any, still: str) -> Any:
    """The hook's on_serve: the server stops watching the work folder, and rebuilds when asked.
    ``still``: a file nothing changes (the hook's own), for the server to watch instead.

    It relies on the server's _want_rebuild and _rebuild_cond (material_internals.py, "serve-rebuild"),
    checked here so that serve stops at once, with the versions, if they are gone.
    """
    from .material_internals import drift

    if not hasattr(server, "_rebuild_cond") or not hasattr(server, "_want_rebuild"):
        raise drift("serve-rebuild", "mkdocs.livereload.LiveReloadServer has no _rebuild_cond/_want_rebuild")
    # The server puts its live-reload script into pages only while it watches a path: it watches this
    # hook's own file, which nothing writes, in place of what MkDocs' serve watched before this hook.
    server.watch(still)
    for path in (config.docs_dir, config.config_file_path):
        server.unwatch(path)
    server.build_delay = 0  # the watcher asks only when every file is written: nothing more to wait for
    with _Server.lock:
        _Server.server, pending = server, _Server.pending
    if pending:
        request_rebuild()
    return server


def request_rebuild() -> None:
    """Have the dev server rebuild the work folder now (or once it serves, if it does not yet)."""
    with _Server.lock:
        server = _Server.server
        _Server.pending = server is None
    if server is not None:
        with server._rebuild_cond:
            server._want_rebuild = True
            server._rebuild_cond.notify_all()


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
    finally:
        stop_reusing()
        with _Server.lock:
            _Server.server, _Server.pending = None, False
