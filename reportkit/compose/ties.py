"""The highest and the lowest of a set of scores, judged as printed.

One rule for the report's survey chapter and the campaign images: scores are compared
as they are printed (reportkit.fmt.round_text, GB/T 8170 修约值比较), so two scores that
print the same are a tie, and a tie names every tied item (住房、小区和城区最低（均为
50.0分）), never the first one only.
"""
from __future__ import annotations

from ..fmt import is_missing as _missing
from ..fmt import round_text


def printed(x, decimals: int = 1) -> float:
    """A score as printed with `decimals` decimals, as a number."""
    return float(round_text(float(x), decimals, False))


def extremes(scores: dict, decimals: int = 1) -> tuple[list, list]:
    """(the names at the top, the names at the bottom) of `scores` (name -> score; a
    missing score is left out), compared as printed; each list in the given order.
    When every score prints the same, both lists hold every name."""
    have = {k: printed(v, decimals) for k, v in scores.items() if not _missing(v)}
    if not have:
        return [], []
    hi, lo = max(have.values()), min(have.values())
    return [k for k, v in have.items() if v == hi], [k for k, v in have.items() if v == lo]


def join_names(names, sep: str, last: str) -> str:
    """"甲", "甲和乙", "甲、乙和丙": `sep` between the names, `last` before the last one."""
    names = [str(n) for n in names]
    if len(names) <= 1:
        return "".join(names)
    return sep.join(names[:-1]) + last + names[-1]
