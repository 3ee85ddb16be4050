"""A theme that no longer fits our fixes fails the build, naming the step and Material's version.

Each case changes one thing of the theme the way a new Material release could, through a team's
theme folder (its files win over the theme's own), and builds through the CLI.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from conftest import run_cli
from playbookgen.build import build_site
from playbookgen.engines.material_internals import INTERNALS, WRITTEN_AGAINST, overridden_blocks
from playbookgen.errors import EngineError

MATERIAL = Path(importlib.util.find_spec("material").origin).parent / "templates"  # type: ignore[arg-type, union-attr]
HAS_ZENSICAL = importlib.util.find_spec("zensical") is not None


def _theme(engine: str) -> Path:
    """The engine's own copy of the theme's templates."""
    if engine == "mkdocs":
        return MATERIAL
    spec = importlib.util.find_spec("zensical")
    return Path(spec.origin).parent / "templates"  # type: ignore[arg-type, union-attr]


def _changed(engine: str, name: str, old: str, new: str) -> str:
    """The theme's file NAME with ``old`` (which must be there) replaced by ``new``."""
    text = (_theme(engine) / name).read_text(encoding="utf-8")
    assert old in text, f"{name} of {engine} no longer holds {old!r}: update this test"
    return text.replace(old, new)


def _without_block(text: str, block: str) -> str:
    """A template with the block's tags taken out and its content kept (a theme that renamed it)."""
    start = re.search(r"\{%-?\s*block\s+" + block + r"\s*-?%\}", text)
    assert start is not None
    end = text.index("{% endblock %}", start.end())
    return text[: start.start()] + text[start.end(): end] + text[end + len("{% endblock %}"):]


def _build_fails(make_project, theme: dict[str, str | bytes], step: str, *args: str) -> str:
    root = make_project({"mkdocs.yml": "theme:\n  custom_dir: theme\n"} | {f"theme/{n}": t for n, t in theme.items()})
    result = run_cli("build", root, "--no-pdf", *args)
    assert result.exit_code == 1, result.stderr
    message = f"error: theme check '{step}' failed: "
    line = next((line for line in result.stderr.splitlines() if line.startswith(message)), None)
    assert line is not None, result.stderr
    assert f"written against mkdocs-material {WRITTEN_AGAINST['mkdocs-material']}; installed: " in line
    assert "Traceback" not in result.stderr and f"{INTERNALS[step].ours} relies on this" in result.stderr
    assert not (root / "site").exists()  # nothing half-built is swapped in
    return line


ENGINES = ["mkdocs", pytest.param("zensical", marks=pytest.mark.skipif(not HAS_ZENSICAL, reason="no zensical"))]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("block", ["htmltitle", "libs", "scripts"])
def test_a_theme_without_a_block_we_fill_fails_the_build(make_project, engine: str, block: str) -> None:
    assert block in overridden_blocks()
    base = _without_block((_theme(engine) / "base.html").read_text(encoding="utf-8"), block)
    line = _build_fails(make_project, {"base.html": base}, "theme-blocks", "--engine", engine)
    assert line.split(": ", 2)[2].startswith("the theme's base.html (") and f"has no block {block} (" in line


@pytest.mark.parametrize("engine", ENGINES)
def test_a_search_dialog_our_fix_does_not_find_fails_the_build(make_project, engine: str) -> None:
    # Zensical's theme names the dialog itself (our replacement finds nothing to do there).
    old = 'role="dialog">' if engine == "mkdocs" else """role="dialog" aria-label="{{ lang.t('search') }}">"""
    search = _changed(engine, "partials/search.html", old, 'role="dialog" tabindex="-1">')
    line = _build_fails(make_project, {"partials/search.html": search}, "search-dialog-name", "--engine", engine)
    assert "the search dialog in the home page has no aria-label" in line


def test_section_labels_printed_another_way_fail_the_build(make_project) -> None:
    nav_item = _changed("mkdocs", "partials/nav-item.html", 'tabindex="{{ tabindex }}"', "tabindex='{{ tabindex }}'")
    line = _build_fails(make_project, {"partials/nav-item.html": nav_item}, "section-tabindex")
    assert 'the home page still has tabindex=""' in line


def test_polyfills_printed_another_way_fail_the_build(make_project) -> None:
    rest = "\n      {% endfor %}\n    {% endblock %}\n    {% block fonts %}"  # the libs block's end
    base = _changed("mkdocs", "base.html", "{{ script | script_tag }}" + rest,
                    '<script type="text/javascript" src="{{ script | url }}"></script>' + rest)
    line = _build_fails(make_project, {"base.html": base}, "defer-polyfills")
    assert "the worker shim's <script> in the home page is not deferred" in line


def test_a_bundle_outside_block_scripts_fails_the_build(make_project) -> None:
    text = (MATERIAL / "base.html").read_text(encoding="utf-8")
    bundle = re.search(r'\s*<script src="\{\{ \'assets/javascripts/bundle\.[^"]+"></script>', text)
    assert bundle is not None
    moved = text.replace(bundle[0], "").replace("  </body>", bundle[0] + "\n  </body>")
    line = _build_fails(make_project, {"base.html": moved}, "deferred-scripts")
    assert 'the theme\'s script bundle is not inside <template id="pb-scripts">' in line


def test_a_bundle_that_does_not_start_on_domcontentloaded_fails_the_build(make_project) -> None:
    [bundle] = sorted((MATERIAL / "assets/javascripts").glob("bundle.*.min.js"))
    code = bundle.read_text(encoding="utf-8").replace("DOMContentLoaded", "readystatechange")
    line = _build_fails(make_project, {f"assets/javascripts/{bundle.name}": code}, "deferred-scripts")
    assert f"assets/javascripts/{bundle.name} does not start on DOMContentLoaded" in line


@pytest.mark.parametrize("engine", ENGINES)
def test_a_palette_stylesheet_without_the_switching_rule_fails_the_build(make_project, engine: str) -> None:
    changes = {}
    for path in sorted((_theme(engine) / "assets/stylesheets").glob("**/palette.*.min.css")):
        text = path.read_text(encoding="utf-8")
        changes[path.relative_to(_theme(engine)).as_posix()] = re.sub(r"\[data-md-color-switching\]", "[data-x]", text)
    assert changes
    line = _build_fails(make_project, changes, "palette-switching-rule", "--engine", engine)
    assert "has no rule setting transitions under [data-md-color-switching]" in line


@pytest.fixture
def mkdocs_here(monkeypatch: pytest.MonkeyPatch) -> None:
    """MkDocs runs in this process (no worker), so the test can change it."""
    import playbookgen.build

    monkeypatch.setattr(playbookgen.build, "start_worker", lambda engine: None)


def test_mkdocs_without_theme_get_env_fails_the_build(make_project, tmp_path: Path, mkdocs_here,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from mkdocs.theme import Theme

    monkeypatch.delattr(Theme, "get_env")
    with pytest.raises(EngineError, match=r"^theme check 'theme-get-env' failed: mkdocs\.theme\.Theme has no get_env"):
        build_site(make_project(), tmp_path / "site", pdfs=False)


def test_a_build_that_goes_around_theme_get_env_fails(make_project, tmp_path: Path, mkdocs_here,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """As if MkDocs made its template environment some other way: our cache would go unused."""
    import mkdocs.commands.build
    from mkdocs.theme import Theme

    real_build, real_get_env = mkdocs.commands.build.build, Theme.get_env

    def build_around(config, **kwargs):  # MkDocs' build, with the theme's unwrapped get_env
        config.theme.get_env = real_get_env.__get__(config.theme)
        return real_build(config, **kwargs)

    monkeypatch.setattr(mkdocs.commands.build, "build", build_around)
    with pytest.raises(EngineError, match=r"^theme check 'theme-get-env' failed: MkDocs built the site without"):
        build_site(make_project(), tmp_path / "site", pdfs=False)


def test_the_worker_preloads_plugins_material_still_registers() -> None:
    from mkdocs.plugins import get_plugins

    from playbookgen.engines.mkdocs import _THEME_PLUGINS

    assert set(_THEME_PLUGINS) <= set(get_plugins())


def test_the_pinned_range_holds_the_versions_written_against_and_installed() -> None:
    """pyproject.toml pins Material to the range this suite ran with."""
    import tomllib
    from importlib.metadata import version

    from packaging.requirements import Requirement

    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    [pin] = [Requirement(r) for r in pyproject["project"]["dependencies"] if r.startswith("mkdocs-material")]
    assert WRITTEN_AGAINST["mkdocs-material"] in pin.specifier and version("mkdocs-material") in pin.specifier
    assert not pin.specifier.contains("9.9.0") and not pin.specifier.contains("9.7.0")


def test_the_zensical_extra_is_pinned_to_the_release_written_against() -> None:
    """Zensical is pre-1.0, so the extra allows the one release the theme checks were written against."""
    import tomllib

    from packaging.requirements import Requirement

    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    [pin] = [Requirement(r) for r in pyproject["project"]["optional-dependencies"]["zensical"]]
    assert pin.name == "zensical" and WRITTEN_AGAINST["zensical"] in pin.specifier
    assert not pin.specifier.contains("0.0.72") and not pin.specifier.contains("0.0.74")
