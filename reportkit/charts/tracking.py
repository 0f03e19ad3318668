"""tracking: follow-up status of the recommendations, overall and per lead department.

data = {
    "statuses": ["已开展", "正在研究", "暂未开展", "未反馈"],   # order of the stacks
    "counts": [18, 9, 4, 2],                                  # overall, one per status
    "departments": ["市自然资源局", …],                        # optional: one bar each
    "by_department": {"已开展": [5, …], "正在研究": [2, …], …},  # optional, per status
}
Colours: [colors.tracking] in the theme when it names the status, else the rating
colour of the same meaning (已开展 良好, 正在研究 预警, 暂未开展 短板, others 无数据).
"""
from __future__ import annotations

from ..messages import msg
from ..vocab import GOOD, NODATA, SHORT, TRACKING_STATUSES, WARN
from . import style
from .base import ChartSpec, data_error, need, register, same_length
from .words import words

DONE = TRACKING_STATUSES[0]
FALLBACK_ROLE = dict(zip(TRACKING_STATUSES, (f"rating-{r}" for r in (GOOD, WARN, SHORT))))


def status_color(theme, status: str) -> str:
    own = theme.colors.get("tracking", {})
    if status in own:
        return own[status]
    return style.color(theme, FALLBACK_ROLE.get(status, f"rating-{NODATA}"), theme.colors["muted"])


def _data(spec: ChartSpec):
    """(statuses, overall counts, department labels, per-status department counts)."""
    need(spec, "statuses", "counts")
    same_length(spec, "statuses", "counts")
    d = spec.data
    statuses = [str(s) for s in d["statuses"]]
    counts = [int(v or 0) for v in d["counts"]]
    depts = [str(x) for x in d.get("departments") or []]
    by = d.get("by_department") or {}
    rows = []
    if depts:
        for s in statuses:
            vals = [int(v or 0) for v in by.get(s, [0] * len(depts))]
            if len(vals) != len(depts):
                raise data_error(spec, msg("charts.status_counts", status=s, n=len(vals), departments=len(depts)))
            rows.append(vals)
    return statuses, counts, depts, rows


def _pct(part: int, whole: int) -> str:
    return f"{part / whole * 100:.0f}%" if whole else "0%"


def tracking_alt(spec: ChartSpec, w) -> str:
    statuses, counts, depts, rows = _data(spec)
    whole = sum(counts)
    unit, none = w.get("tracking.unit"), w.get("tracking.none")
    items = [w.say("tracking.item", status=s, n=v, unit=unit, share=_pct(v, whole))
             for s, v in zip(statuses, counts)]
    parts = []
    for i, dept in enumerate(depts):
        inner = [w.say("tracking.count", status=s, n=vals[i], unit=unit) for s, vals in zip(statuses, rows) if vals[i]]
        parts.append(w.say("tracking.part", department=dept, counts=inner, none=none))
    return w.say("tracking.alt", n=whole, unit=unit, items=items, parts=parts)


def _stack(ax, theme, labels: list[str], statuses: list[str], columns: list[list[int]]) -> list[int]:
    """Stacked horizontal bars, one row per label, one segment per status; returns totals."""
    c = theme.colors
    pos = list(range(len(labels)))
    left = [0] * len(labels)
    for status, vals in zip(statuses, columns):
        bars = ax.barh(pos, vals, left=left, height=0.62, color=status_color(theme, status),
                       label=status, zorder=2, edgecolor=c["background"], linewidth=0.6)
        ax.bar_label(bars, [str(v) if v else "" for v in vals], label_type="center",
                     color="#FFFFFF", fontsize=theme.chart["font_size"] * 0.9)
        left = [a + b for a, b in zip(left, vals)]
    ax.set_yticks(pos, labels)
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.grid(axis="y", visible=False)
    ax.set_xlim(0, max(left + [1]) * 1.3)
    ax.xaxis.get_major_locator().set_params(integer=True)
    return left


@register("tracking", alt=tracking_alt)
def draw(spec: ChartSpec, theme):
    statuses, counts, depts, rows = _data(spec)
    w = words(theme)
    unit = w.get("tracking.unit")
    c = theme.colors
    n = len(depts)
    fig = style.figure(spec, theme, height_cm=max(3.6, 3.0 + 0.6 * n) if n else 3.6)
    if n:
        top, bottom = fig.subplots(2, 1, height_ratios=[1.3, n])
    else:
        top, bottom = fig.subplots(1, 1), None
    whole = _stack(top, theme, [w.get("tracking.all")], statuses, [[v] for v in counts])[0]
    done = DONE in statuses
    note = w.say("tracking.total", n=whole, unit=unit, done=DONE if done else "",
                 share=_pct(counts[statuses.index(DONE)], whole) if done else "")
    top.annotate(note, (whole, 0), xytext=(4, 0), textcoords="offset points", va="center",
                 ha="left", color=c["text"])
    top.get_yticklabels()[0].set_color(c["primary"])
    top.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=len(statuses), frameon=False,
               handlelength=1.0, handleheight=1.0, columnspacing=1.2, borderaxespad=0.3)
    last = top
    if n:
        totals = _stack(bottom, theme, depts, statuses, rows)
        for i, total in enumerate(totals):
            bottom.annotate(str(total), (total, i), xytext=(4, 0), textcoords="offset points",
                            va="center", ha="left", color=c["muted"])
        last = bottom
    last.set_xlabel(w.say("tracking.axis", unit=unit))
    fig.align_ylabels()
    return fig
