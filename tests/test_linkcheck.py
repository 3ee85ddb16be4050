"""Internal links in the built site: every relative link reaches a page and its anchor; none is unsafe."""

from __future__ import annotations

from pathlib import Path

from conftest import build_file_tree, count_calls, run_cli
from playbookgen.linkcheck import check_site_links


def test_broken_files_anchors_and_unsafe_links_are_found(tmp_path: Path) -> None:
    site = build_file_tree(tmp_path / "site", {
        "index.html": (
            '<h1 id="top">Home</h1><a href="stages/a.html#exit">ok</a> <a href="stages/a.html#nope">bad anchor</a>'
            "<a href='missing.html'>missing</a> <a class=x href=guides/>dir index</a> <a href=\"https://x.org/\">out</a>"
            '<a href="JaVaScRiPt:alert(1)">unsafe</a> <a href="#top">self</a> <a href="../up.html">outside</a> <a href="/abs.html">absolute</a>'
            '<script>var s = \'<a href="ghost.html">\';</script>'
        ),
        "stages/a.html": '<h2 id="exit">Exit</h2><a href="../index.html#top">home</a><a name="legacy"></a>',
        "guides/index.html": '<a href="../stages/a.html#legacy">named anchor</a>',
        "404.html": '<a href="/index.html">home</a>',
    })
    broken = {(b.page, b.href, b.reason, b.unsafe) for b in check_site_links(site)}
    assert broken == {
        ("index.html", "stages/a.html#nope", "no anchor 'nope' in stages/a.html", False),
        ("index.html", "missing.html", "no such file", False),
        ("index.html", "JaVaScRiPt:alert(1)", "unsafe link scheme", True),
        ("index.html", "../up.html", "points outside the site", False),
        ("index.html", "/abs.html", "an absolute path breaks the site opened from files; use a relative link", False),
    }


def test_anchors_come_from_tags_only_in_every_spelling(tmp_path: Path) -> None:
    site = build_file_tree(tmp_path / "site", {
        "a.html": ('<p>Write &lt;div id="fake"&gt; or code id="fake2"</p>\n<h2\n  id="multi-line">M</h2>'
                   '<a href="b.html#single">1</a><a href="#fake">2</a><a href="#fake2">3</a><a href="#multi-line">4</a>'),
        "b.html": "<h2 class=x id='single'>S</h2>",  # the engines write double quotes; others still count
    })
    broken = {(b.page, b.href) for b in check_site_links(site)}
    assert broken == {("a.html", "#fake"), ("a.html", "#fake2")}


def test_a_broken_link_in_a_guide_warns_and_fails_strict(make_project, tmp_path: Path) -> None:
    root = make_project({"playbook/guides/10-intro.md": "# Intro\n\nSee [the plan](plan.md) and [first](../stages/first.md).\n"})
    plain = run_cli("build", root, "--site-dir", tmp_path / "site", "--no-pdf")
    assert plain.exit_code == 0
    assert ("playbook/guides/10-intro.md:3:16: warning: broken link 'plan.md' in guides/intro.html: no such file "
            "[broken-link]") in plain.stderr.splitlines()
    strict = run_cli("build", root, "--site-dir", tmp_path / "strict", "--no-pdf", "--strict")
    assert strict.exit_code == 1
    assert not (tmp_path / "strict").exists()


def test_a_large_site_checked_in_two_halves_gives_the_list_one_pass_gives(tmp_path: Path, monkeypatch) -> None:
    """300 pages, broken links early and late: the forked half finds its own, in the same order as one pass."""
    import threading

    from playbookgen import halves, linkcheck

    pages = {"index.html": '<a href="p000.html">first</a>'}
    for i in range(300):
        broken = f'<a href="gone{i}.html">x</a><a href="p000.html#nowhere">y</a>' if i % 97 == 0 else ""
        pages[f"p{i:03}.html"] = f'<h1 id="top">P{i}</h1><a href="index.html">home</a>{broken}'
    build_file_tree(tmp_path, pages)
    split = check_site_links(tmp_path)
    forked = count_calls(monkeypatch, halves.os, "fork")
    monkeypatch.setattr(halves, "usable_cpus", lambda: 2)  # whatever this machine has
    assert check_site_links(tmp_path) == split
    alone = threading.active_count() == 1  # a thread another test left running: forking is refused, rightly
    assert len(forked) == (1 if alone else 0)  # two cores: it forked
    monkeypatch.setattr(halves, "usable_cpus", lambda: 1)
    assert check_site_links(tmp_path) == split and len(forked) == (1 if alone else 0)  # one core: both here
    monkeypatch.setattr(linkcheck, "_SPLIT_FROM", 10_000)  # one pass
    assert check_site_links(tmp_path) == split
    assert [(b.page, b.href) for b in split] == [
        (f"p{i:03}.html", href) for i in (0, 97, 194, 291) for href in (f"gone{i}.html", "p000.html#nowhere")]


def test_both_halves_falls_back_to_this_process_when_the_child_fails(monkeypatch) -> None:
    import os
    import threading

    from playbookgen import halves
    from playbookgen.halves import both_halves

    monkeypatch.setattr(halves, "usable_cpus", lambda: 2)  # whatever this machine has
    parent = os.getpid()
    alone = threading.active_count() == 1  # else it rightly does not fork
    assert both_halves(lambda: os.getpid(), lambda: os.getpid() != parent) == (parent, alone)

    def fails_in_the_child() -> int:
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        return 2

    assert both_halves(lambda: 1, fails_in_the_child) == (1, 2)


def test_the_cpus_counted_are_those_the_process_may_use() -> None:
    """Under taskset (or a container's CPU set) the machine's count would fork for a core that is not there."""
    import os

    import pytest

    from playbookgen.halves import usable_cpus

    if not hasattr(os, "sched_setaffinity"):
        pytest.skip("this system has no CPU affinity")
    allowed = os.sched_getaffinity(0)
    try:
        os.sched_setaffinity(0, {min(allowed)})
        assert usable_cpus() == 1
    finally:
        os.sched_setaffinity(0, allowed)
    assert usable_cpus() == len(allowed)
