"""The one change we make to the theme's built files: the palette's switching rule, blanked out."""

from __future__ import annotations

from pathlib import Path

import pytest

from playbookgen.engines.theme_assets import quiet_palette_switching
from playbookgen.errors import EngineError

RULE = ("[data-md-color-switching] *,[data-md-color-switching] :after,[data-md-color-switching] :before"
        "{transition-duration:0s!important}")
BEFORE = "[data-md-color-scheme=slate]{color-scheme:dark}"
AFTER = "[data-md-color-switching]{--kept:1}.md-header{color:red}\n/*# sourceMappingURL=palette.min.css.map*/"


def _palette(site: Path, text: str) -> Path:
    path = site / "assets/stylesheets/palette.0123abcd.min.css"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("before", [BEFORE, BEFORE + "\n  ", "", "/* x */"], ids=["minified", "spaced", "first", "comment"])
def test_the_switching_rule_becomes_a_comment_of_its_length(tmp_path: Path, before: str) -> None:
    path = _palette(tmp_path, before + RULE + AFTER)
    assert quiet_palette_switching(tmp_path) == [path]
    text = path.read_text(encoding="utf-8")
    # Every other byte stays where it was, so the source map still holds.
    assert len(text) == len(before + RULE + AFTER)
    assert text.startswith(before) and text.endswith(AFTER)
    comment = text[len(before):-len(AFTER)]
    assert comment.startswith("/* playbookgen:") and comment.endswith("*/") and "*/" not in comment[2:-2]
    # A rule that also does other work (a selector without the attribute first) is not ours to drop.
    assert "--kept:1" in text


@pytest.mark.parametrize("text", [
    BEFORE + AFTER,
    BEFORE + ".md-header," + RULE + AFTER,  # the rule shares its selectors with another: it stays whole
    BEFORE + ".md-header " + RULE + AFTER,  # the attribute is not where the selector starts
    BEFORE + RULE.replace("transition-duration:0s", "color:red;transition-duration:0s") + AFTER,
], ids=["no rule", "shared selectors", "inner attribute", "other declarations"])
def test_a_stylesheet_without_the_rule_fails_the_build_and_is_left_alone(tmp_path: Path, text: str) -> None:
    path = _palette(tmp_path, text)
    with pytest.raises(EngineError, match=r"^theme check 'palette-switching-rule' failed: assets/stylesheets/"
                                          r"palette\.0123abcd\.min\.css has no rule .*written against "
                                          r"mkdocs-material 9\.8\.2; installed: ") as caught:
        quiet_palette_switching(tmp_path)
    assert caught.value.output.startswith("engines/theme_assets.py relies on this")
    assert path.read_text(encoding="utf-8") == text


def test_a_site_without_a_palette_stylesheet_fails_the_build(tmp_path: Path) -> None:
    with pytest.raises(EngineError, match=r"^theme check 'palette-switching-rule' failed: the site has no stylesheet"):
        quiet_palette_switching(tmp_path)
