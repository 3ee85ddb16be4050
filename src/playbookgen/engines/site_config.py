"""The generated mkdocs.yml: our built-in configuration, merged under the team's own mkdocs.yml.

The team's file is read with a loader that keeps tags it does not know (``!!python/name:``, ``!ENV``,
``!relative``) as they are, and the merged file is written so those tags survive for the engine.
MkDocs and Zensical read the same file.
"""

from __future__ import annotations

import copy
import html
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import yaml

from ..errors import Diagnostic, ValidationFailed, error, warning
from ..terms import compact_forms, glossary_forms
from .layout import CONFIG_FILE, DOCS_DIR, SITE_DIR, THEME_DIR
from .markdown import MARKDOWN_EXTENSIONS, markdown_extension_names
from .markdown import entry_name as _entry_name

if TYPE_CHECKING:
    from ..model import Project

__all__ = ["MARKDOWN_EXTENSIONS", "OURS_ONLY", "Tagged", "TeamFile", "load_team_config",
           "missing_theme_folder", "dump_config", "markdown_extension_names", "merge_config", "site_config",
           "team_files", "team_theme_dir"]

# Keys the pipeline decides: the team's values would point the engine at the wrong pages or folders.
OURS_ONLY = ("docs_dir", "site_dir", "nav")


@dataclass(frozen=True)
class Tagged:
    """A YAML node under a tag we do not interpret, kept to be written back unchanged."""

    tag: str
    value: Any


class _KeepTagsLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """SafeLoader that turns unknown tags into Tagged values instead of failing or executing them; libyaml's
    parser where PyYAML has it (ten times as fast: validate, build and serve each read mkdocs.yml)."""

SEARCH_SEPARATOR = r"[\s\-/]+"


def _construct_tagged(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> Tagged:
    value: Any
    if isinstance(node, yaml.MappingNode):
        value = loader.construct_mapping(node, deep=True)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_scalar(node)  # type: ignore[arg-type]
    return Tagged(node.tag, value)


_KeepTagsLoader.add_multi_constructor("", _construct_tagged)


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """SafeDumper that writes Tagged values back under their tag. libyaml's emitter writes the same text as
    PyYAML's, eight times as fast (every build and every serve rebuild writes the merged mkdocs.yml)."""


def _represent_tagged(dumper: yaml.SafeDumper, data: Tagged) -> yaml.Node:
    if isinstance(data.value, dict):
        return dumper.represent_mapping(data.tag, data.value)
    if isinstance(data.value, list):
        return dumper.represent_sequence(data.tag, data.value)
    return dumper.represent_scalar(data.tag, str(data.value))


_Dumper.add_representer(Tagged, _represent_tagged)


def missing_theme_folder(name: str) -> Diagnostic:
    """The team's theme.custom_dir names no folder of the project."""
    return error(CONFIG_FILE, 1, 1, "mkdocs-custom-dir", f"theme.custom_dir '{name}' is not a folder in the project")


def load_team_config(text: str) -> dict[str, Any]:
    """The team's mkdocs.yml as a mapping; a YAML error becomes a diagnostic on mkdocs.yml."""
    try:
        data = yaml.load(text, Loader=_KeepTagsLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        problem = error(CONFIG_FILE, line, column, "mkdocs-yaml", f"cannot read mkdocs.yml: {exc}")
        raise ValidationFailed([problem]) from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValidationFailed([error(CONFIG_FILE, 1, 1, "mkdocs-yaml", "mkdocs.yml must be a mapping of settings")])
    return data


def dump_config(config: Mapping[str, Any]) -> str:
    """YAML text for the engine; stable key order (ours first, then the team's) and unknown tags kept."""
    return yaml.dump(dict(config), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)




def _as_entries(value: Any) -> list[Any]:
    """A plugins or markdown_extensions value as a list (MkDocs also accepts a mapping)."""
    if isinstance(value, dict):
        return [{k: v} if v is not None else k for k, v in value.items()]
    return list(value or [])


def _merge_entries(ours: list[Any], theirs: list[Any]) -> list[Any]:
    """Our entries in our order, each replaced by the team's of the same name; then the team's others."""
    by_name = {_entry_name(e): e for e in theirs}
    merged = [by_name.get(_entry_name(e), e) for e in ours]
    our_names = {_entry_name(e) for e in ours}
    merged += [e for e in theirs if _entry_name(e) not in our_names]
    return merged


def _merge_mapping(ours: Mapping[str, Any], theirs: Mapping[str, Any]) -> dict[str, Any]:
    """The team's value wins at every key it sets; nested mappings merge key by key."""
    merged = dict(ours)
    for key, value in theirs.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge_mapping(merged[key], value)
        else:
            merged[key] = value
    return merged


def merge_config(ours: Mapping[str, Any], theirs: Mapping[str, Any]) -> tuple[dict[str, Any], list[Diagnostic]]:
    """The team's settings win where they set them, ours fill the rest; see docs/site.md for the rules."""
    notes: list[Diagnostic] = []
    theirs = dict(theirs)
    if isinstance(theirs.get("theme"), str):  # MkDocs' short form, `theme: material`
        theirs["theme"] = {"name": theirs["theme"]}
    for key in OURS_ONLY:
        if key in theirs:
            theirs.pop(key)
            notes.append(warning(CONFIG_FILE, 1, 1, "mkdocs-ignored",
                                 f"'{key}' in mkdocs.yml is ignored: playbookgen decides it"))
    plugins = _merge_entries(_as_entries(ours.get("plugins")), _as_entries(theirs.pop("plugins", [])))
    extensions = _merge_entries(_as_entries(ours.get("markdown_extensions")),
                                _as_entries(theirs.pop("markdown_extensions", [])))
    our_css = list(ours.get("extra_css", []))
    extra_css = our_css + [c for c in theirs.pop("extra_css", []) or [] if c not in our_css]
    merged = _merge_mapping(ours, theirs)
    merged["plugins"] = plugins
    merged["markdown_extensions"] = extensions
    merged["extra_css"] = extra_css
    if isinstance(merged.get("theme"), dict):
        # MkDocs takes one custom_dir: ours stays, and the team's folder is copied beneath it
        # (engines/work_folder.py: with_team_theme), so our safety fixes stay in the template chain.
        merged["theme"] = dict(merged["theme"], custom_dir=THEME_DIR)
    return merged, notes


def team_theme_dir(team: Mapping[str, Any]) -> str | None:
    """The team's ``theme.custom_dir`` as written (relative to the project folder); None when unset."""
    theme = team.get("theme")
    folder = theme.get("custom_dir") if isinstance(theme, dict) else None
    if folder is None:
        return None
    if not isinstance(folder, str) or not folder.strip():
        raise ValidationFailed([error(CONFIG_FILE, 1, 1, "mkdocs-custom-dir",
                                      "theme.custom_dir must be a folder name, relative to the project")])
    return folder


# --- Files the team's mkdocs.yml names: its logo, favicon, stylesheets and scripts ---------------------
#
# MkDocs reads these relative to its docs folder, which in a playbook project is ours (generated). A
# team writes them relative to the project (`theme.logo: assets/logo.svg`), so each is read from
# there, copied into the docs folder under the same path, and a missing one is an error at its line.

TEAM_FILE_SETTINGS = ("theme.logo", "theme.favicon", "extra_css", "extra_javascript")
_URL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.\-]*:|//)")


@dataclass(frozen=True)
class TeamFile:
    """One file named in the team's mkdocs.yml: its path as written and where it was written."""

    path: str  # relative to the project folder, POSIX
    setting: str  # 'theme.logo', 'extra_css', ...
    line: int
    column: int


def _mapping_value(node: yaml.Node | None, key: str) -> yaml.Node | None:
    """The value node of ``key`` in a mapping node; None when absent or not a mapping."""
    if not isinstance(node, yaml.MappingNode):
        return None
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key and isinstance(value_node, yaml.Node):
            return value_node
    return None


def _file_nodes(root: yaml.Node | None) -> list[tuple[str, yaml.Node]]:
    """(setting, node) of every value in the team's config that names a file."""
    theme = _mapping_value(root, "theme")
    found = [(f"theme.{key}", node) for key in ("logo", "favicon") if (node := _mapping_value(theme, key)) is not None]
    for setting in ("extra_css", "extra_javascript"):
        entries = _mapping_value(root, setting)
        for entry in entries.value if isinstance(entries, yaml.SequenceNode) else []:
            # MkDocs also takes `- path: x.mjs` with `type`/`defer`/`async` beside it.
            node = _mapping_value(entry, "path") if isinstance(entry, yaml.MappingNode) else entry
            if node is not None:
                found.append((setting, node))
    return found


def team_files(text: str) -> list[TeamFile]:
    """The local files the team's mkdocs.yml names (URLs and tagged values such as ``!ENV`` left alone).

    A path leaving the project (``../x``, ``/etc/x``) is an error at its line: the site could not
    carry it.
    """
    load_team_config(text)  # a file that cannot be read is reported once, as that
    # Positions come from PyYAML's node tree under the tag-keeping loader: the playbook's own reader
    # (_yaml.py) refuses tags, which a team's mkdocs.yml may well hold (!ENV, !!python/name:).
    root = yaml.compose(text, Loader=_KeepTagsLoader)  # noqa: S506 - composes nodes only
    files, problems = [], []
    for setting, node in _file_nodes(root):
        if not isinstance(node, yaml.ScalarNode) or not node.tag.startswith("tag:yaml.org,2002:"):
            continue  # a tagged value (!ENV ...) is the engine's to resolve
        value, line, column = str(node.value).strip(), node.start_mark.line + 1, node.start_mark.column + 1
        if not value or _URL.match(value):
            continue
        normal = posixpath.normpath(value.replace("\\", "/"))
        if value.startswith(("/", "\\")) or normal == ".." or normal.startswith("../"):
            problems.append(error(CONFIG_FILE, line, column, "mkdocs-file",
                                  f"{setting} '{value}' must be a file inside the project folder, "
                                  "written relative to it (such as assets/logo.svg), or a URL"))
            continue
        files.append(TeamFile(normal, setting, line, column))
    if problems:
        raise ValidationFailed(problems)
    return files


def _palette(labels: Mapping[str, str]) -> list[dict[str, Any]]:
    """Light and dark schemes in indigo, both well above WCAG AA contrast for text and links."""
    return [
        {"media": "(prefers-color-scheme: light)", "scheme": "default", "primary": "indigo", "accent": "indigo",
         "toggle": {"icon": "material/weather-night", "name": labels["palette_dark"]}},
        {"media": "(prefers-color-scheme: dark)", "scheme": "slate", "primary": "indigo", "accent": "indigo",
         "toggle": {"icon": "material/weather-sunny", "name": labels["palette_light"]}},
    ]


def _localized_extensions(labels: Mapping[str, str], glossary: Mapping[str, str]) -> list[Any]:
    """MARKDOWN_EXTENSIONS with the project's words: the heading anchors' tooltip in the playbook's
    language (it is the toc extension's, not the theme's, so theme.language does not reach it) and
    the glossary's terms for their tooltips."""
    extensions = copy.deepcopy(list(MARKDOWN_EXTENSIONS))
    for entry in extensions:
        if isinstance(entry, dict) and "toc" in entry:
            entry["toc"]["permalink_title"] = labels["permalink"]
        if isinstance(entry, dict) and "playbookgen.glossary" in entry:
            terms, forms = compact_forms(dict(glossary))
            entry["playbookgen.glossary"].update(terms=terms, forms=forms)
    return extensions


def builtin_config(project: Project, labels: Mapping[str, str], nav: list[Any], extra_css: list[str],
                   polyfills: list[str]) -> dict[str, Any]:
    """Our configuration: Material, offline search, no Google Fonts, link validation, the nav we generate."""
    playbook = project.playbook
    config: dict[str, Any] = {
        # MkDocs' theme templates print these without escaping: escape the team's text here.
        "site_name": html.escape(playbook.title, quote=True),
        "docs_dir": DOCS_DIR,
        "site_dir": SITE_DIR,
        # The offline plugin needs pages as NAME.html so they open from the file system.
        "use_directory_urls": False,
        "theme": {
            "name": "material",
            "custom_dir": THEME_DIR,
            "language": playbook.language,
            "font": False,
            "palette": _palette(labels),
            "features": ["content.code.copy", "content.tooltips", "navigation.footer", "navigation.sections",
                         "navigation.top", "search.highlight"],
        },
        # Words joined by a slash are two words to search ("Oferta/wycena", "Lead/transakcja"), as words
        # joined by a hyphen already are (the theme's default separator is spaces and hyphens).
        "plugins": [{"search": {"separator": SEARCH_SEPARATOR}}, "offline"],
        "markdown_extensions": _localized_extensions(labels, glossary_forms(project.glossary)),
        "extra_css": extra_css,
        # Listing the worker shim here stops the offline plugin adding its CDN copy.
        "extra": {"polyfills": polyfills},
        # Links are checked by playbookgen itself in the built HTML (linkcheck.py), the same way for
        # either engine and with the source line; MkDocs' own check would only say it twice.
        "validation": {
            "omitted_files": "warn",
            "absolute_links": "info",
            "unrecognized_links": "info",
            "anchors": "info",
        },
        "nav": nav,
    }
    if playbook.summary:
        config["site_description"] = html.escape(playbook.summary, quote=True)
    return config


def team_key_position(text: str, key: str) -> tuple[int, int]:
    """Line and column of a top-level ``key`` in the team's mkdocs.yml; (1, 1) when it cannot be found."""
    try:
        root = yaml.compose(text, Loader=_KeepTagsLoader)  # noqa: S506 - nodes only, nothing constructed
    except yaml.YAMLError:
        return (1, 1)
    for key_node, _ in root.value if isinstance(root, yaml.MappingNode) else []:
        if key_node.value == key:
            return (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
    return (1, 1)


def _one_title(team: dict[str, Any], title: str, team_text: str) -> list[Diagnostic]:
    """The playbook's title is the site's name everywhere (header, tab, checklists): the team's
    ``site_name`` is set aside, with a warning when it says something else."""
    if "site_name" not in team:
        return []
    theirs = team.pop("site_name")
    if theirs == title:
        return []
    line, column = team_key_position(team_text, "site_name")
    return [warning(CONFIG_FILE, line, column, "mkdocs-site-name",
                    f"site_name '{theirs}' differs from the playbook's title '{title}' (playbook/playbook.yml), "
                    f"which the site uses everywhere: remove site_name from mkdocs.yml, or change the title in "
                    f"playbook.yml")]


def site_config(project: Project, labels: Mapping[str, str], nav: list[Any], extra_css: list[str],
                polyfills: list[str], team_text: str | None) -> tuple[str, list[Diagnostic], str | None]:
    """The mkdocs.yml text to build with, notes about the team's settings we set aside, and the
    team's theme folder (to be copied beneath ours), if it names one."""
    ours = builtin_config(project, labels, nav, extra_css, polyfills)
    if team_text is None:
        return dump_config(ours), [], None
    team = load_team_config(team_text)
    title_notes = _one_title(team, project.playbook.title, team_text)
    merged, notes = merge_config(ours, team)
    notes = title_notes + notes
    merged["nav"] = nav
    merged["docs_dir"], merged["site_dir"] = DOCS_DIR, SITE_DIR
    return dump_config(merged), notes, team_theme_dir(team)
