"""The wide layout's stays (one row per deal, a 'Date entered' time per stage): SQL that takes each deal's
facts and stays straight from its row's 'Date entered' columns, with no long table of entries, no sort and
no grouping over a million deals.

Each builder returns SQL over the rows of the one pass over the file (``wide._rows``); a stage column
is a ``StageColumn`` (its alias there, its 'Date exited' alias if any, and the pipeline position it lands on).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["StageColumn", "current_at_sql", "deals_sql", "first_pos_sql", "first_sql", "furthest_sql"]


@dataclass(frozen=True)
class StageColumn:
    alias: str  # the parsed 'Date entered' time, milliseconds since 1970 UTC
    exit_alias: str | None  # the parsed 'Date exited' time of the same stage, when the export has it
    pos: int  # open stages 1..n, won n+1, lost n+2


def _by_pos(columns: list[StageColumn], open_only_below: int | None = None) -> dict[int, list[str]]:
    """Column aliases per pipeline position (two pipelines may share a stage), in position order."""
    found: dict[int, list[str]] = {}
    for c in sorted(columns, key=lambda c: c.pos):
        if open_only_below is None or c.pos <= open_only_below:
            found.setdefault(c.pos, []).append(c.alias)
    return found


def _latest_of(aliases: list[str]) -> str:
    return aliases[0] if len(aliases) == 1 else f"greatest({', '.join(aliases)})"


def current_at_sql(columns: list[StageColumn]) -> str:
    """When the deal entered its current stage ('Deal Stage'): that stage's column on its row."""
    if not columns:
        return "NULL::BIGINT"
    # One CASE on current_pos: each row stops at its own branch, where a CASE per column tests them all.
    branches = " ".join(f"WHEN {pos} THEN {_latest_of(aliases)}" for pos, aliases in _by_pos(columns).items())
    return f"CASE current_pos {branches} END"


def first_sql(columns: list[StageColumn]) -> str:
    """The deal's first entry into any stage."""
    return "least(" + ", ".join(c.alias for c in columns) + ")" if columns else "NULL::BIGINT"


def first_pos_sql(columns: list[StageColumn]) -> str:
    """The position of the stage the deal entered first: the column with the earliest time, ties going to
    the stage earlier in the playbook (a CASE on one ``least``, so it is computed once per row)."""
    if not columns:
        return "NULL::INTEGER"
    order = _ordered(columns)
    branches = " ".join(f"WHEN {columns[i].alias} THEN {columns[i].pos}" for i in order)
    return f"CASE {first_sql(columns)} {branches} END"


def furthest_sql(columns: list[StageColumn], n: int) -> str:
    """The furthest open stage the deal entered, its current stage included (the CRM may leave that cell empty)."""
    current = f"CASE WHEN current_pos <= {n} THEN current_pos END"
    entered = sorted(_by_pos(columns, n).items(), reverse=True)
    if not entered:
        return current
    # From the last stage back: a row stops at the furthest stage it entered.
    branches = " ".join(f"WHEN {' OR '.join(f'{a} IS NOT NULL' for a in aliases)} THEN {pos}"
                        for pos, aliases in entered)
    return f"greatest(CASE {branches} END, {current})"


def _ordered(columns: list[StageColumn]) -> list[int]:
    """Column indexes in the order that breaks ties between equal times: pipeline position, then file order.

    A deal that entered two stages in the same minute passed them in the playbook's order.
    """
    return sorted(range(len(columns)), key=lambda i: (columns[i].pos, i))


def _next_any_order(columns: list[StageColumn], i: int) -> str:
    """The deal's next entry after column i's, whatever the order of its times: the earliest of its other
    entries that come after it (a later time, or the same time and later in ``_ordered``).

    A CASE per pair of columns is O(columns²), but each is a cheap vectorised compare; it measured faster
    than sorting each row's times as a list, and than branch-free arithmetic on them.
    """
    order = _ordered(columns)
    later = set(order[order.index(i) + 1:])
    this = columns[i].alias
    candidates = [f"CASE WHEN {c.alias} {'>=' if j in later else '>'} {this} THEN {c.alias} END"
                  for j, c in enumerate(columns) if j != i]
    return "least(" + ", ".join(candidates) + ")" if candidates else "NULL::BIGINT"


def deals_sql(columns: list[StageColumn], n: int, facts: dict[str, str], source: str) -> tuple[str, dict[int, str]]:
    """A SELECT over ``source``: one row per deal with ``facts`` (name -> expression, current_pos among them)
    and one column per open stage with the deal's ended stay there, in ms.

    A stay ends at the deal's next entry into a stage, else at the stage's 'Date exited'; a deal now in the
    stage is left out, and so is an exit earlier than the entry (reported as going back in time). Returns
    the SQL and, per position that has a column, the name of its stay column.
    """
    order = _ordered(columns)
    aliases = list(dict.fromkeys(a for c in columns for a in (c.alias, c.exit_alias) if a))
    # Step 1: next_<i>, the next filled column after column i in playbook order. From the last column back,
    # one level each: the column after i, or where it is empty, that column's own next. Two-way coalesces
    # measured faster than one long coalesce per column.
    step1 = f"SELECT {', '.join([*(f'{sql} AS {name}' for name, sql in facts.items()), *aliases])} FROM {source}"
    nexts: list[int] = []
    for k in range(len(order) - 2, -1, -1):
        i, j = order[k], order[k + 1]
        after = columns[j].alias if j not in nexts else f"coalesce({columns[j].alias}, next_{j})"
        step1 = f"SELECT *, {after} AS next_{i} FROM ({step1})"
        nexts.append(i)
    # Step 2: most deals enter their stages in the playbook's order; then next_<i> is the next entry, and only
    # the other rows pay for comparing every pair of columns.
    in_order = " AND ".join(f"coalesce({columns[i].alias} <= next_{i}, true)" for i in nexts) or "true"
    ends = [f"{_or_exit(_next_entry(columns, i, i in nexts), c.exit_alias)} AS end{i}"
            for i, c in enumerate(columns) if c.pos <= n]  # won and lost have no days in stage
    # Step 3: the stays.
    per_pos: dict[int, list[str]] = {}
    for i, c in enumerate(columns):
        if c.pos <= n:
            stay = f"CASE WHEN current_pos <> {c.pos} AND end{i} >= {c.alias} THEN end{i} - {c.alias} END"
            per_pos.setdefault(c.pos, []).append(stay)
    names = {pos: f"stay{pos}" for pos in sorted(per_pos)}
    stays = [f"{_sum(per_pos[pos])} AS {name}" for pos, name in names.items()]
    step2 = [*facts, *aliases, f"{in_order} AS in_order", *(f"next_{i}" for i in nexts)]
    sql = (f"SELECT {', '.join([*facts, *stays])} FROM ("
           f"SELECT {', '.join([*facts, *aliases, *ends])} FROM ("
           f"SELECT {', '.join(step2)} FROM ({step1})))")
    return sql, names


def _or_exit(entry: str, exit_alias: str | None) -> str:
    """A stay ends at the next entry, else at the stage's 'Date exited' where the export has one."""
    return f"coalesce({entry}, {exit_alias})" if exit_alias else entry


def _next_entry(columns: list[StageColumn], i: int, has_next: bool) -> str:
    if not has_next:  # last in playbook order: in order, nothing comes after it
        return f"CASE WHEN NOT in_order THEN {_next_any_order(columns, i)} END"
    return f"CASE WHEN in_order THEN next_{i} ELSE {_next_any_order(columns, i)} END"


def _sum(stays: list[str]) -> str:
    """The sum of the stays that ended, NULL when none did."""
    if len(stays) == 1:
        return stays[0]
    return (f"CASE WHEN {' AND '.join(f'({s}) IS NULL' for s in stays)} THEN NULL ELSE "
            + " + ".join(f"coalesce({s}, 0)" for s in stays) + " END")
