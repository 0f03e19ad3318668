"""File-name stems of charts.  The figure and table keys a narrative may cite are not
listed anywhere: they are the ones the composition makes (ComposeContext.check_refs)."""
from __future__ import annotations


def safe_name(s: str) -> str:
    """A chart file name stem for a code: the code itself when it is safe, else a readable
    stem plus a short hash, so that two codes never share a chart (safety/names.py)."""
    from ..safety.names import ASCII_NAME, safe_stem

    return safe_stem(s, ASCII_NAME)



def trend_years(project, scores, code: str) -> tuple[list[int], list]:
    """The years a trend chart of `code` spans (every year of the project's values up to
    the checkup year) and the city's value in each (None where there is none).  A trend
    is drawn only from two or more years with a value: one point is no trend."""
    h = scores.history[scores.history["code"] == code]
    year = project.settings.year
    years = sorted(set(int(y) for y in project.values["year"].dropna().unique()) | {year})
    years = [y for y in years if y <= year]
    by_year = dict(zip(h["year"].astype(int), h["value"]))
    values = []
    for y in years:
        v = by_year.get(y)
        values.append(None if v is None or v != v else float(v))
    return years, values


def peers_fit_half_width(areas: list[str], theme, width_cm: float, height_cm: float = 6.2) -> bool:
    """Whether a bar chart of `areas` (names beside horizontal bars) is readable at
    `width_cm` × `height_cm`: the names take at most a third of the width (CJK characters
    are 1 em wide) and each bar gets at least 0.5 cm."""
    if not areas:
        return False
    em_cm = float(theme.chart["font_size"]) * 2.54 / 72
    longest = max(len(str(a)) for a in areas) * em_cm
    return longest <= width_cm / 3 and (height_cm - 1.8) / len(areas) >= 0.5
