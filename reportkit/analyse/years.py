"""Year against year: what became of last year's problems and recommendations.

A *problem* of a checkup is an indicator rated 短板 or 预警 in it.  Each problem of
the previous checkup gets one status in this year's checkup (matched by code):

    dropped     the indicator is not in this year's catalogue;
    unrated     this year it is 无数据 or 无参照 (nothing to compare);
    resolved    this year it is rated 良好;
    improved    this year's rating is milder (短板 -> 预警), or the rating is the same
                and the value moved the good way by more than flat_band (relative);
    worse       this year's rating is more severe (预警 -> 短板), or the rating is the
                same and the value moved the bad way by more than flat_band;
    persisting  the same rating, the value within flat_band of last year's.

An indicator whose name, unit or direction changed between the two catalogues is
*not comparable by value*: its status is decided by the ratings alone (each year
rated against its own reference) and `changed` lists what changed, so documents
can say so.  The resolution rate is resolved / last year's problems.

A recommendation of last year *continues* when this year's table has the same id.
Its last tracking status is the previous project's data/tracking row (empty when the
department never reported).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from ..score.indicators import trend
from ..vocab import FLAT, GOOD, IMPROVED, NODATA, NOREF, SHORT, WARN, WORSENED

RESOLVED, IMPROVED_KEY, PERSISTING, WORSE, UNRATED, DROPPED = (
    "resolved", "improved", "persisting", "worse", "unrated", "dropped")
STATUSES = (RESOLVED, IMPROVED_KEY, PERSISTING, WORSE, UNRATED, DROPPED)
PROBLEM_RATINGS = (SHORT, WARN)
SEVERITY = {GOOD: 0, WARN: 1, SHORT: 2}
COMPARED_FIELDS = ("name", "unit", "direction")

PROBLEM_COLUMNS = ["code", "name", "dimension", "prev_name", "unit", "prev_unit", "direction", "prev_direction",
                   "prev_value", "prev_rating", "prev_score", "prev_reference", "value", "rating", "score",
                   "reference", "status", "changed", "comparable"]
REC_COLUMNS = ["id", "problem", "indicators", "lead", "status", "note", "updated", "continues", "resolved"]


def _nan(x) -> bool:
    try:
        return x is None or x != x or str(x) == "<NA>"
    except TypeError:
        return True


def _text(x) -> str:
    return "" if _nan(x) else str(x).strip()


def changed_fields(prev_row, row) -> tuple[str, ...]:
    """Which of name, unit, direction differ between two catalogue rows."""
    return tuple(f for f in COMPARED_FIELDS if _text(prev_row[f]) != _text(row[f]))


def classify(prev_rating: str, rating: str | None, prev_value: float, value: float, direction: str,
             flat_band: float, comparable: bool = True) -> str:
    """The status of one of last year's problems (see the module docstring)."""
    if rating is None:
        return DROPPED
    if rating in (NODATA, NOREF):
        return UNRATED
    if rating == GOOD:
        return RESOLVED
    before, now = SEVERITY[prev_rating], SEVERITY[rating]
    if now < before:
        return IMPROVED_KEY
    if now > before:
        return WORSE
    if not comparable:
        return PERSISTING
    moved = trend(value, prev_value, direction, flat_band)
    return {IMPROVED: IMPROVED_KEY, WORSENED: WORSE, FLAT: PERSISTING}.get(moved, PERSISTING)


@dataclass(frozen=True)
class YearComparison:
    prev_year: int
    year: int
    problems: pd.DataFrame         # PROBLEM_COLUMNS, one row per problem of last year
    recommendations: pd.DataFrame  # REC_COLUMNS, one row per recommendation of last year
    changed: pd.DataFrame          # code, prev_name, name, prev_unit, unit, prev_direction, direction, changed
    new_problems: tuple[str, ...]  # codes rated 短板/预警 this year that were not problems last year
    new_recommendations: tuple[str, ...]  # this year's ids that last year did not have

    def counts(self) -> dict[str, int]:
        c = self.problems["status"].value_counts()
        return {s: int(c.get(s, 0)) for s in STATUSES}

    @property
    def resolution_rate(self) -> float:
        n = len(self.problems)
        return self.counts()[RESOLVED] / n if n else math.nan

    def status_counts(self, statuses) -> dict[str, int]:
        """Recommendations by last tracking status, in the order of `statuses`; "" = not reported."""
        c = self.recommendations["status"].value_counts()
        return {s: int(c.get(s, 0)) for s in statuses}

    @property
    def continued(self) -> int:
        return int(self.recommendations["continues"].sum())

    @property
    def dropped(self) -> int:
        return len(self.recommendations) - self.continued

    def problem(self, code: str):
        hit = self.problems[self.problems["code"] == code]
        return None if hit.empty else hit.iloc[0]

    def last_status(self, rec_id: str):
        """Last year's tracking row of a recommendation (id, status, note, updated), or None."""
        hit = self.recommendations[self.recommendations["id"] == rec_id]
        return None if hit.empty else hit.iloc[0]


def compare_tables(prev_table: pd.DataFrame, table: pd.DataFrame, flat_band: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(problems, changed) from two years' score tables (score.indicators.SCORE_COLUMNS)."""
    cur = table.set_index("code", drop=False)
    rows, changes = [], []
    for p in prev_table.itertuples(index=False):
        r = cur.loc[p.code] if p.code in cur.index else None
        changed = changed_fields(p._asdict(), r) if r is not None else ()
        if changed:
            changes.append({"code": p.code, "prev_name": p.name, "name": r["name"], "prev_unit": p.unit,
                            "unit": r["unit"], "prev_direction": p.direction, "direction": r["direction"],
                            "changed": changed})
        if p.rating not in PROBLEM_RATINGS:
            continue
        comparable = not changed
        status = classify(p.rating, None if r is None else r["rating"], p.value,
                          math.nan if r is None else r["value"], p.direction, flat_band, comparable)
        get = (lambda k, d=math.nan: d if r is None else r[k])
        rows.append({"code": p.code, "name": get("name", p.name), "dimension": get("dimension", p.dimension),
                     "prev_name": p.name, "unit": get("unit", p.unit), "prev_unit": p.unit,
                     "direction": get("direction", p.direction), "prev_direction": p.direction,
                     "prev_value": p.value, "prev_rating": p.rating, "prev_score": p.score,
                     "prev_reference": p.reference, "value": get("value"), "rating": get("rating", ""),
                     "score": get("score"), "reference": get("reference"), "status": status,
                     "changed": changed, "comparable": comparable})
    problems = pd.DataFrame(rows, columns=PROBLEM_COLUMNS)
    if len(problems):
        order = {s: i for i, s in enumerate(STATUSES)}
        problems["_o"] = problems["status"].map(order)
        problems = problems.sort_values("_o", kind="stable").drop(columns="_o").reset_index(drop=True)
    changed = pd.DataFrame(changes, columns=["code", "prev_name", "name", "prev_unit", "unit", "prev_direction",
                                             "direction", "changed"])
    return problems, changed


def compare_recommendations(prev_project, project, problems: pd.DataFrame | None = None) -> pd.DataFrame:
    """Last year's recommendations: last tracking status, whether each continues, and
    `resolved`: every one of its indicators that was a problem last year is resolved."""
    recs = prev_project.recommendations
    status_of = {} if problems is None else dict(zip(problems["code"], problems["status"]))
    tr = prev_project.tracking
    status = {}
    if tr is not None and len(tr):
        status = {r.id: (r.status, r.note, r.updated) for r in tr.itertuples(index=False)}
    names = prev_project.department_names
    now = set(project.recommendations["id"])
    rows = []
    for r in recs.itertuples(index=False):
        s, note, updated = status.get(r.id, ("", "", ""))
        mine = [status_of[c] for c in r.indicator_list if c in status_of]
        rows.append({"id": r.id, "problem": r.problem, "indicators": tuple(r.indicator_list),
                     "lead": names.get(r.lead, r.lead), "status": s, "note": note, "updated": updated,
                     "continues": r.id in now, "resolved": bool(mine) and all(m == RESOLVED for m in mine)})
    return pd.DataFrame(rows, columns=REC_COLUMNS)


def compare_years(prev_project, prev_scores, project, scores) -> YearComparison:
    flat = project.settings.scoring.flat_band
    problems, changed = compare_tables(prev_scores.table, scores.table, flat)
    was = set(prev_scores.table.loc[prev_scores.table["rating"].isin(PROBLEM_RATINGS), "code"])
    new = tuple(c for c, rating in zip(scores.table["code"], scores.table["rating"])
                if rating in PROBLEM_RATINGS and c not in was)
    prev_ids = set(prev_project.recommendations["id"])
    new_recs = tuple(i for i in project.recommendations["id"] if i not in prev_ids)
    return YearComparison(prev_scores.year, scores.year, problems,
                          compare_recommendations(prev_project, project, problems), changed, new, new_recs)


def problem_runs(tables: dict[int, pd.DataFrame], min_years: int = 3) -> pd.DataFrame:
    """Indicators rated 短板/预警 in `min_years` or more consecutive checkups (by code).

    `tables`: year -> score table.  Consecutive means consecutive in the checkups given
    (a year without a checkup does not break a run), and a year in which the indicator
    is 无数据 or 无参照 neither breaks nor extends a run: missing data says nothing about
    whether the problem went away.  The longest run of each code is returned: code, name
    (latest), first, last (the first and last years rated 短板/预警), years (how many
    years were rated 短板/预警), ratings (tuple, every year from first to last, a
    no-data year included), ongoing (the run reaches the latest checkup)."""
    years = sorted(tables)
    ratings: dict[str, dict[int, str]] = {}
    names: dict[str, str] = {}
    for y in years:
        for code, name, rating in zip(tables[y]["code"], tables[y]["name"], tables[y]["rating"]):
            ratings.setdefault(code, {})[y] = rating
            names[code] = name
    rows = []
    for code, by_year in ratings.items():
        best: list[int] = []
        run: list[int] = []
        for y in years:
            if by_year.get(y) in PROBLEM_RATINGS:
                run.append(y)
                if len(run) > len(best):
                    best = list(run)
            elif by_year.get(y) not in (NODATA, NOREF):
                run = []
        if len(best) >= min_years:
            span = [y for y in years if best[0] <= y <= best[-1]]
            rows.append({"code": code, "name": names[code], "first": best[0], "last": best[-1],
                         "years": len(best), "ratings": tuple(by_year.get(y, NODATA) for y in span),
                         "ongoing": best[-1] == years[-1]})
    out = pd.DataFrame(rows, columns=["code", "name", "first", "last", "years", "ratings", "ongoing"])
    if len(out):
        order = {c: i for i, c in enumerate(tables[years[-1]]["code"])}
        out["_o"] = out["code"].map(lambda c: order.get(c, len(order)))
        out = out.sort_values(["years", "_o"], ascending=[False, True], kind="stable").drop(columns="_o")
    return out.reset_index(drop=True)
