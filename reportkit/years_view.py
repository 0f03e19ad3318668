"""`indicator('CODE').last_checkup` in narratives: the indicator in the previous checkup.

    {{ indicator('STYJ-08').last_checkup.year }}     2019
    {{ indicator('STYJ-08').last_checkup }}          55.3%  (value with last year's unit)
    .value .unit .name .rating .score .reference     as last year's checkup had them
    .status                                          what became of it, if it was a problem
                                                     last year (已解决 / 有所改善 / …), else —
    .was_problem                                     rated 短板 or 预警 last year
    {% if indicator('STYJ-08').has_last_checkup %}   the code is in last year's catalogue

Citing `last_checkup` when project.toml sets no `previous`, or for a code that last
year's catalogue does not have, is a problem naming the narrative's file and line
(`has_last_checkup` is the guard).
"""
from __future__ import annotations

from .narrative import View
from .wording import Wording

def _na() -> str:
    """What a narrative shows for a citation that cannot be answered (narrative.toml)."""
    from .wording import load_toml

    return load_toml("narrative.toml")["placeholders"]["unknown"]


def _words(ctx) -> Wording:
    root = None
    prev = getattr(ctx, "previous", None)
    if prev is not None:
        root = getattr(prev, "current_root", None)
    return Wording.load("years.toml", root)


class LastCheckupView(View):
    _allowed = frozenset({"year", "value", "unit", "name", "rating", "score", "reference", "status",
                          "was_problem"})

    def __init__(self, row, year: int, fmt, status: str):
        self._row, self._year, self._fmt, self._status = row, year, fmt, status

    def __str__(self):
        return self._fmt.with_unit(self._row["value"], self._row["unit"])

    year = property(lambda s: str(s._year))
    value = property(lambda s: s._fmt.value(s._row["value"], s._row["unit"]))
    unit = property(lambda s: s._row["unit"])
    name = property(lambda s: s._row["name"])
    rating = property(lambda s: s._row["rating"])
    score = property(lambda s: s._fmt.score(s._row["score"]))
    reference = property(lambda s: s._fmt.like(s._row["reference"], s._row["value"], s._row["unit"]))
    status = property(lambda s: s._status or s._fmt.dash)
    was_problem = property(lambda s: bool(s._status))


def has_last_checkup(ctx, code: str) -> bool:
    prev = getattr(ctx, "previous", None)
    return prev is not None and bool((prev.scores.table["code"] == code).any())


def last_checkup(ctx, code: str, fmt):
    words = _words(ctx)
    prev = getattr(ctx, "previous", None)
    if ctx is None:
        return _na()
    if prev is None:
        ctx.problem(words.say("messages.no_previous", code=code))
        return _na()
    t = prev.scores.table
    hit = t[t["code"] == code]
    if hit.empty:
        ctx.problem(words.say("messages.not_in_previous", code=code, year=prev.year))
        return _na()
    status = ""
    comparison = getattr(ctx, "comparison", None)
    if comparison is not None:
        row = comparison.problem(code)
        if row is not None:
            status = words.get("status")[row["status"]]
    return LastCheckupView(hit.iloc[0], prev.year, fmt, status)
