"""ratings: how many indicators of each dimension are 良好 / 预警 / 短板 / 无数据 / 无参照.

data = {
    "labels": ["生态宜居", "健康舒适", …],                 # one bar per dimension, top to bottom
    "counts": {"良好": [5, 3, …], "预警": [1, 0, …], …},  # any subset of the ratings
}
"""
from __future__ import annotations

from ..messages import join, msg
from ..vocab import RATINGS
from . import style
from .base import ChartSpec, data_error, need, register
from .words import words


def _counts(spec: ChartSpec) -> tuple[list[str], list[tuple[str, list[int]]]]:
    need(spec, "labels", "counts")
    labels = [str(x) for x in spec.data["labels"]]
    counts = spec.data["counts"]
    unknown = [r for r in counts if r not in RATINGS]
    if unknown:
        raise data_error(spec, msg("charts.unknown_rating", ratings=join(unknown), known=join(RATINGS)))
    rows = []
    for r in RATINGS:
        if r in counts:
            vals = [int(v or 0) for v in counts[r]]
            if len(vals) != len(labels):
                raise data_error(spec, msg("charts.rating_counts", rating=r, n=len(vals), dimensions=len(labels)))
            rows.append((r, vals))
    # a rating no indicator has is neither in the legend nor in the totals
    return labels, [row for row in rows if any(row[1])] or rows


def ratings_alt(spec: ChartSpec, w) -> str:
    labels, rows = _counts(spec)
    unit, none = w.get("ratings.unit"), w.get("ratings.none")
    parts = []
    for i, label in enumerate(labels):
        counts = [w.say("ratings.count", rating=r, n=vals[i], unit=unit) for r, vals in rows if vals[i]]
        parts.append(w.say("ratings.part", label=label, counts=counts, none=none))
    totals = [w.say("ratings.count", rating=r, n=sum(vals), unit=unit) for r, vals in rows]
    return w.say("ratings.alt", parts=parts, totals=totals)


@register("ratings", alt=ratings_alt)
def draw(spec: ChartSpec, theme):
    labels, rows = _counts(spec)
    c = theme.colors
    n = len(labels)
    fig = style.figure(spec, theme, height_cm=max(4.5, 2.2 + 0.62 * n))
    ax = fig.add_subplot()
    pos = list(range(n))
    left = [0] * n
    for rating, vals in rows:
        color = theme.rating_color(rating)
        bars = ax.barh(pos, vals, left=left, color=color, height=0.62, label=rating, zorder=2,
                       edgecolor=c["background"], linewidth=0.6)
        text = [str(v) if v else "" for v in vals]
        ax.bar_label(bars, text, label_type="center", color="#FFFFFF",
                     fontsize=theme.chart["font_size"] * 0.9)
        left = [a + b for a, b in zip(left, vals)]
    for i, total in enumerate(left):
        ax.annotate(f"{total}", (total, i), xytext=(4, 0), textcoords="offset points",
                    va="center", ha="left", color=c["muted"])
    ax.set_yticks(pos, labels)
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    ax.set_xlim(0, max(left + [1]) * 1.08)
    w = words(theme)
    ax.set_xlabel(w.say("ratings.axis", unit=w.get("ratings.unit")))
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=len(rows), frameon=False,
              handlelength=1.0, handleheight=1.0, columnspacing=1.2, borderaxespad=0.3)
    return fig
