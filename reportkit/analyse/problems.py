"""Main problems (主要问题): the sections of the report's 问题与成因 chapter.

A main problem is one of
- the recommendations a cause narrative names: a narrative with `section: problems`
  and `problem: <id or problem name>` (or a list of them) explains those lines of
  the 一览表; together they are one main problem titled by the narrative's title;
- a recommendation no narrative names whose indicators include one rated as in
  `[problems] main_ratings` of templates/report.toml (default 短板): a main
  problem of its own, titled by its `problem` text.  `reportkit validate` warns
  that it has no cause narrative.
Every other recommendation is not a main problem: it is kept in 对策建议 (by the
dimension of its first indicator) and in the 一览表.  Main problems follow the
order of their first recommendation in the 一览表.

Each recommendation also gets a priority (`[recommendations] priority_rules`):
1 when one of its indicators is rated as in `priority_1` (default 短板), 2 for
`priority_2` (预警), else 3.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import Problems, Source, error, warning
from ..messages import msg
from ..vocab import SHORT, WARN
from ..wording import load_toml


@dataclass(frozen=True)
class MainProblem:
    key: str                              # the first recommendation's id (stable)
    title: str
    recommendations: tuple[str, ...]      # ids, 一览表 order
    indicators: tuple[str, ...]           # codes, first appearance
    narrative: object = None              # the cause narrative (load.narratives.Narrative) or None


@dataclass
class ProblemPlan:
    main: list[MainProblem]
    others: list[str]                                  # recommendation ids in no main problem
    priority: dict[str, int]                           # recommendation id -> 1, 2 or 3
    unknown: list[tuple[object, str]] = field(default_factory=list)      # (narrative, item)
    claimed_twice: list[tuple[object, str, object]] = field(default_factory=list)

    def of(self, rec_id: str) -> MainProblem | None:
        for m in self.main:
            if rec_id in m.recommendations:
                return m
        return None


def _ratings(project_root, key: str, default: tuple[str, ...]) -> tuple[str, ...]:
    try:
        v = load_toml("report.toml", project_root)
        for part in key.split("."):
            v = v[part]
    except (KeyError, FileNotFoundError):
        return default
    return tuple(v) if isinstance(v, list) else (str(v),)


def plan_problems(project, scores) -> ProblemPlan:
    root = project.root
    recs = project.recommendations
    rating = dict(zip(scores.table["code"], scores.table["rating"]))
    main_ratings = _ratings(root, "problems.main_ratings", (SHORT,))
    p1 = _ratings(root, "recommendations.priority_1", (SHORT,))
    p2 = _ratings(root, "recommendations.priority_2", (WARN,))
    ids = list(recs["id"])
    by_id = {r.id: r for r in recs.itertuples()}
    by_name: dict[str, list[str]] = {}
    for r in recs.itertuples():
        by_name.setdefault(str(r.problem).strip(), []).append(r.id)

    priority = {}
    for r in recs.itertuples():
        rs = {rating.get(c) for c in r.indicator_list}
        priority[r.id] = 1 if rs & set(p1) else 2 if rs & set(p2) else 3

    claimed: dict[str, object] = {}
    groups: list[tuple[object, list[str]]] = []
    unknown, twice = [], []
    narratives = [n for n in project.narratives if n.section == "problems" and n.problem]
    for n in narratives:
        mine = []
        for item in n.problem:
            hits = [item] if item in by_id else by_name.get(item, [])
            if not hits:
                unknown.append((n, item))
                continue
            for rid in hits:
                if rid in claimed and claimed[rid] is not n:
                    twice.append((n, rid, claimed[rid]))
                    continue
                if rid not in mine:
                    claimed[rid] = n
                    mine.append(rid)
        if mine:
            groups.append((n, sorted(mine, key=ids.index)))

    def indicators_of(rids):
        out = []
        for rid in rids:
            for c in by_id[rid].indicator_list:
                if c not in out and c in rating:
                    out.append(c)
        return tuple(out)

    main = [MainProblem(rids[0], n.title, tuple(rids), indicators_of(rids), n) for n, rids in groups]
    for rid in ids:
        if rid in claimed:
            continue
        r = by_id[rid]
        if any(rating.get(c) in main_ratings for c in r.indicator_list):
            main.append(MainProblem(rid, str(r.problem).strip() or rid, (rid,), indicators_of([rid]), None))
    main.sort(key=lambda m: ids.index(m.key))
    inside = {rid for m in main for rid in m.recommendations}
    others = [rid for rid in ids if rid not in inside]
    return ProblemPlan(main, others, priority, unknown, twice)


def _front_matter_line(narrative, key: str) -> int:
    """The line of `key:` in a narrative's front matter (1 when it cannot be read)."""
    try:
        lines = narrative.path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return 1
    for i, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            break
        if re.match(rf"\s*{re.escape(key)}\s*:", line):
            return i
    return 1


def check_problems(project, scores, problems: Problems) -> ProblemPlan | None:
    """Cause narratives that name unknown or already explained recommendations are
    errors; a main problem without a cause narrative is a warning, and so is an
    indicator rated as a main problem (短板) that no recommendation cites: it would
    appear in no 问题与成因, 对策建议 or 一览表."""
    if not len(project.recommendations):
        return None
    plan = plan_problems(project, scores)
    for n, item in plan.unknown:
        problems.add(error(Source(n.display, line=_front_matter_line(n, "problem")),
                           msg("narrative.problem_unknown", item=item), item, msg("narrative.problem_unknown_hint")))
    for n, rid, other in plan.claimed_twice:
        problems.add(error(Source(n.display, line=_front_matter_line(n, "problem")),
                           msg("narrative.problem_twice", id=rid, other=other.display), rid))
    tab = project.table("recommendations")
    recs = project.recommendations
    for m in plan.main:
        if m.narrative is not None:
            continue
        idx = recs.index[recs["id"] == m.key]
        src = tab.source(idx[0], "problem") if tab is not None and len(idx) else Source("data/recommendations")
        problems.add(warning(src, msg("narrative.problem_no_cause", id=m.key, title=m.title),
                             hint=msg("narrative.problem_no_cause_hint", id=m.key)))
    _uncovered(project, scores, problems)
    return plan


def _uncovered(project, scores, problems: Problems) -> None:
    main_ratings = _ratings(project.root, "problems.main_ratings", (SHORT,))
    cited = {c for r in project.recommendations.itertuples() for c in r.indicator_list}
    ind, table = project.table("indicators"), project.indicators
    for r in scores.table.itertuples():
        if r.rating in main_ratings and r.code not in cited:
            idx = table.index[table["code"] == r.code]
            src = ind.source(idx[0], "code") if ind is not None and len(idx) else Source("data/indicators")
            problems.add(warning(src, msg("narrative.rating_uncovered", code=r.code, name=r.name, rating=r.rating),
                                 hint=msg("narrative.rating_uncovered_hint", code=r.code)))
