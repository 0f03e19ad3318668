"""Column widths that fit their words: a unit (千米/平方千米), a dimension (小区（社区）),
a code or a rating pill is never broken over two lines; the free-text columns share the
rest of the width.

Widths are in em of the table's font (relative: renderers scale them to the text width).
The text width in em comes from the page: 444 pt portrait, 717 pt landscape (templates/
report.css), divided by the table's font size (9 pt small, 10.5 pt normal)."""
from __future__ import annotations

import unicodedata

PAD_EM = 1.3            # cell padding (1.8 mm each side) and a little air
TEXT_PT = {"portrait": 444.0, "landscape": 717.0}
FONT_PT = {"small": 9.0, "normal": 10.5}
HEADER_WORD_EM = 5.0   # a header of up to five characters stays on one line
PILL_EM = 4.3           # a three-character rating pill (font 0.9 em, padding) in its cell


def em(text: str) -> float:
    """Width of `text` in em: CJK and full-width characters 1, others about half."""
    return sum(1.0 if unicodedata.east_asian_width(c) in ("W", "F") else 0.55 for c in str(text or ""))


def total_em(size: str = "small", orientation: str = "portrait") -> float:
    return TEXT_PT[orientation] / FONT_PT[size]


def fit(columns, rows, size: str = "small", orientation: str = "portrait") -> tuple[float, ...]:
    """`columns`: one spec per column: ("fit", cap_em) — as wide as its longest cell, at
    most cap_em (longer text wraps); ("pill",) — a rating pill; ("flex", weight) — a share
    of what is left.  `rows`: the cells' texts, the header row first: a header word of
    up to HEADER_WORD_EM (对标排名, 满意度得分) is never broken, whatever the cap."""
    n = len(columns)
    longest = [0.0] * n
    head = [0.0] * n
    for r, row in enumerate(rows):
        for i, text in enumerate(row[:n]):
            longest[i] = max(longest[i], em(text))
            if r == 0:
                head[i] = em(text)
    widths = [0.0] * n
    flex = []
    for i, spec in enumerate(columns):
        kind = spec[0]
        if kind == "fit":
            cap = max(float(spec[1]), head[i] if head[i] <= HEADER_WORD_EM else 0.0)
            widths[i] = min(longest[i], cap) + PAD_EM
        elif kind == "pill":
            widths[i] = PILL_EM
        else:
            flex.append((i, float(spec[1])))
    rest = max(total_em(size, orientation) - sum(widths), 4.0 * max(1, len(flex)))
    weight = sum(w for _, w in flex) or 1.0
    for i, w in flex:
        widths[i] = max(4.0, rest * w / weight)
    return tuple(round(w, 2) for w in widths)
