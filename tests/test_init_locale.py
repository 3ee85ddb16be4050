"""`playbookgen init` without --language: the content's language comes from the locale, and init says so."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_cli

LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")


def init_with(monkeypatch: pytest.MonkeyPatch, folder: Path, *args: str, **locale: str):
    """Run init with exactly the locale variables given set (the others unset)."""
    for name in LOCALE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in locale.items():
        monkeypatch.setenv(name, value)
    result = run_cli("init", folder, "--starter", "minimal-4", *args)
    assert result.exit_code == 0, result.stderr
    return result


def language_of(folder: Path) -> str:
    text = (folder / "playbook/playbook.yml").read_text(encoding="utf-8")
    return next(line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("language:"))


def test_a_polish_locale_gets_polish_content(monkeypatch, tmp_path: Path) -> None:
    result = init_with(monkeypatch, tmp_path / "p", LANG="pl_PL.UTF-8")
    assert language_of(tmp_path / "p") == "pl"
    assert (f"note: the content is in Polish, chosen from the locale (LANG=pl_PL.UTF-8); for English, start again "
            f"in an empty folder with: playbookgen init {tmp_path / 'p'} --language en") in result.stderr.splitlines()


def test_an_english_locale_gets_english_content(monkeypatch, tmp_path: Path) -> None:
    result = init_with(monkeypatch, tmp_path / "p", LANG="en_US.UTF-8")
    assert language_of(tmp_path / "p") == "en"
    assert "the content is in English, chosen from the locale (LANG=en_US.UTF-8); for Polish" in result.stderr


@pytest.mark.parametrize("locale, expected", [
    ({"LANG": "de_DE.UTF-8"}, "en"),  # any other language: English
    ({"LANG": "C.UTF-8"}, "en"),
    ({"LANG": "pl"}, "pl"),
    ({"LC_ALL": "pl_PL.UTF-8", "LANG": "en_GB.UTF-8"}, "pl"),  # LC_ALL wins
    ({"LC_MESSAGES": "en_US.UTF-8", "LANG": "pl_PL.UTF-8"}, "en"),  # LC_MESSAGES before LANG
    ({"LC_ALL": "", "LANG": "pl_PL.UTF-8"}, "pl"),  # set but empty counts as unset
])
def test_the_locale_variables_in_their_order(monkeypatch, tmp_path: Path, locale: dict[str, str],
                                             expected: str) -> None:
    init_with(monkeypatch, tmp_path / "p", **locale)
    assert language_of(tmp_path / "p") == expected


def test_no_locale_at_all_gets_english_and_says_why(monkeypatch, tmp_path: Path) -> None:
    result = init_with(monkeypatch, tmp_path / "p")
    assert language_of(tmp_path / "p") == "en"
    assert "chosen as no locale is set (LC_ALL, LC_MESSAGES, LANG); for Polish" in result.stderr


def test_an_explicit_language_wins_and_needs_no_note(monkeypatch, tmp_path: Path) -> None:
    result = init_with(monkeypatch, tmp_path / "p", "--language", "pl", LANG="en_US.UTF-8")
    assert language_of(tmp_path / "p") == "pl"
    assert "note: the content is in" not in result.stderr  # (the note on the workflow's source stays)
