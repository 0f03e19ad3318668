"""Charts that read checkups year against year.

changes: what became of last year's problems — each indicator's score in the previous
checkup (hollow dot) and this year (filled dot, coloured by its status) joined by an
arrow, on the 0–100 score scale that every indicator shares whatever its unit.
    data = {"labels": ["城市生活污水集中收集率", …],
            "before": [52.8, …], "after": [58.6, None, …],       # None = no score this year
            "status": ["improved", "unrated", …],                 # one key per row
            "status_labels": {"resolved": "已解决", …},            # legend, in this order
            "before_label": "2019年", "after_label": "2020年",
            "axis_label": "指标得分", "unit": "分", "missing_label": "本年无得分",
            "lines": [[60, "预警线"], [100, "达到参照值"]],           # optional
            "decimals": 1}
Status colours: [colors.change] in the theme when it names the key, else the role of
STATUS_ROLE (resolved 良好, improved secondary, persisting 预警, worse 短板, others muted).

series: several lines over the years (dimension scores, satisfaction indices).
    data = {"years": [2016, …, 2020],
            "series": [{"name": "生态宜居", "values": [70.1, None, …]}, …],
            "unit": "分", "axis_label": "得分", "decimals": 1,
            "highlight": "总体满意度"}                              # optional: drawn bold
"""
from __future__ import annotations

import math

from matplotlib.lines import Line2D

from ..vocab import GOOD, SHORT, WARN
from . import style
from .base import ChartSpec, data_error, need, register, same_length

STATUS_ROLE = {"resolved": f"rating-{GOOD}", "improved": "secondary", "persisting": f"rating-{WARN}",
               "worse": f"rating-{SHORT}"}
WRAP = 13           # characters per line of a row label
ROW_CM = 0.48       # height per row (one-line label): 32 rows and the legend fit a page with text


def status_color(theme, key: str) -> str:
    own = theme.colors.get("change", {})
    if isinstance(own, dict) and key in own:
        return own[key]
    return style.color(theme, STATUS_ROLE.get(key, "muted"), theme.colors["muted"])


def wrap(label: str, width: int = WRAP) -> str:
    """A long indicator name on two or more lines, cut evenly."""
    if len(label) <= width:
        return label
    n = math.ceil(len(label) / width)
    step = math.ceil(len(label) / n)
    return "\n".join(label[i:i + step] for i in range(0, len(label), step))


# --- changes ---------------------------------------------------------------------------
def _changes(spec: ChartSpec):
    need(spec, "labels", "before", "after", "status")
    same_length(spec, "labels", "before", "after", "status")
    d = spec.data
    labels = [str(x) for x in d["labels"]]
    before, after = style.numbers(d["before"]), style.numbers(d["after"])
    status = [str(s) for s in d["status"]]
    names = {str(k): str(v) for k, v in (d.get("status_labels") or {}).items()}
    unknown = sorted({s for s in status if s not in names}) if names else []
    if unknown:
        raise data_error(spec, f"status_labels: {', '.join(unknown)}")
    dec = int(d.get("decimals", 1))
    return labels, before, after, status, names, dec


def changes_alt(spec: ChartSpec, w) -> str:
    labels, before, after, status, names, dec = _changes(spec)
    d = spec.data
    unit = d.get("unit", "")
    miss = d.get("missing_label") or w.get("common.missing")
    parts = [w.say("changes.row", label=lab, before_label=d.get("before_label", ""), before=style.fmt(x, dec),
                   unit=unit, after_label=d.get("after_label", ""),
                   after=miss if math.isnan(y) else style.fmt(y, dec), after_unit="" if math.isnan(y) else unit,
                   status=names.get(s, s))
             for lab, x, y, s in zip(labels, before, after, status)]
    return w.say("changes.alt", head=d.get("axis_label") or spec.title, parts=parts)


@register("changes", alt=changes_alt)
def draw_changes(spec: ChartSpec, theme):
    labels, before, after, status, names, dec = _changes(spec)
    d = spec.data
    c = theme.colors
    shown = [wrap(x) for x in labels]
    # rows are as tall as their labels: a two-line name gets more room than a short one
    heights = [1.0 + 0.5 * s.count("\n") for s in shown]
    ys, at = [], 0.0
    for h in heights:
        ys.append(at + h / 2)
        at += h
    fig = style.figure(spec, theme, height_cm=max(5.0, 2.6 + ROW_CM * at))
    ax = fig.add_subplot()
    small = theme.chart["font_size"] * 0.85
    for ref, text in d.get("lines") or []:
        style.mark_reference(ax.axvline(float(ref), color=c["muted"], linestyle=(0, (4, 3)), linewidth=0.8,
                                        zorder=1))
        ax.annotate(str(text), (float(ref), 1.0), xycoords=("data", "axes fraction"), xytext=(0, 2),
                    textcoords="offset points", ha="center", va="bottom", color=c["muted"], fontsize=small,
                    annotation_clip=False)
    # one collection per kind of dot (fewer artists: a long list draws in a fraction of the time)
    hollow = [(x, i) for i, x in zip(ys, before) if not math.isnan(x)]
    if hollow:
        ax.scatter(*zip(*hollow), s=34, facecolor=c["background"], edgecolor=c["muted"], linewidth=1.2, zorder=3)
    filled = [(y, i, status_color(theme, s)) for i, y, s in zip(ys, after, status) if not math.isnan(y)]
    if filled:
        fx, fy, fc = zip(*filled)
        ax.scatter(fx, fy, s=40, c=list(fc), zorder=4)
    for i, (x, y, s) in zip(ys, zip(before, after, status)):
        col = status_color(theme, s)
        if math.isnan(y):
            text = names.get(s) if s in ("unrated", "dropped") and s in names else d.get("missing_label", "—")
            ax.annotate(text, (x if not math.isnan(x) else 0, i), xytext=(8, 0),
                        textcoords="offset points", ha="left", va="center", color=c["muted"], fontsize=small)
            continue
        if not math.isnan(x) and abs(y - x) > 0.8:
            ax.annotate("", (y, i), (x, i), arrowprops=dict(arrowstyle="-|>", color=col, linewidth=1.4,
                                                            shrinkA=4, shrinkB=4, mutation_scale=9), zorder=2)
        right = math.isnan(x) or y >= x   # the label sits on the side away from the arrow
        ax.annotate(style.fmt(y, dec), (y, i), xytext=(7 if right else -7, 0), textcoords="offset points",
                    ha="left" if right else "right", va="center", color=col, fontsize=small, zorder=5)
    ax.set_yticks(ys, shown)
    ax.set_ylim(at, -0.1)
    ax.grid(axis="y", visible=False)
    ax.set_xlim(-12, 108)   # room for a label left of a score near 0
    style.number_axis(ax.xaxis)
    ax.set_xlabel(style.with_unit(d.get("axis_label", ""), d.get("unit", "")))
    before_label = d.get("before_label", "")
    handles = [Line2D([], [], marker="o", linestyle="", markerfacecolor=c["background"],
                      markeredgecolor=c["muted"], label=before_label)] if before_label else []
    present = [k for k in names if k in status] if names else list(dict.fromkeys(status))
    handles += [Line2D([], [], marker="o", linestyle="", color=status_color(theme, k), label=names.get(k, k))
                for k in present]
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.06),
              ncols=style.legend_columns([h.get_label() for h in handles], 40),
              frameon=False, borderaxespad=0.3, handletextpad=0.3, columnspacing=1.0)
    return fig


# --- series ----------------------------------------------------------------------------
def _series(spec: ChartSpec):
    need(spec, "years", "series")
    d = spec.data
    years = [int(y) for y in d["years"]]
    out = []
    for i, s in enumerate(d["series"]):
        if not isinstance(s, dict) or "name" not in s or "values" not in s:
            raise data_error(spec, f"series[{i}]: name, values")
        vals = style.numbers(s["values"])
        if len(vals) != len(years):
            raise data_error(spec, f"series[{i}]: {len(vals)} / years: {len(years)}")
        out.append((str(s["name"]), vals))
    return years, out, int(d.get("decimals", 1))


def series_alt(spec: ChartSpec, w) -> str:
    years, series, dec = _series(spec)
    d = spec.data
    miss = d.get("missing_label") or "—"
    parts = [w.say("series.part", name=name, values=[w.say("series.value", year=y, value=style.fmt(v, dec, missing=miss))
                                                     for y, v in zip(years, vals)])
             for name, vals in series]
    return w.say("series.alt", head=d.get("axis_label") or spec.title, unit=d.get("unit", ""), parts=parts)


@register("series", alt=series_alt)
def draw_series(spec: ChartSpec, theme):
    years, series, dec = _series(spec)
    d = spec.data
    c = theme.colors
    fig = style.figure(spec, theme)
    ax = fig.add_subplot()
    x = list(range(len(years)))
    palette = theme.palette
    highlight = d.get("highlight")
    names = [n for n, _ in series]
    ends = []
    others = iter(palette[1:] * (len(series) // max(1, len(palette) - 1) + 1) if highlight in names
                  else palette * (len(series) // len(palette) + 1))
    for name, vals in series:
        bold = name == highlight
        col = palette[0] if bold else next(others)
        known = [(xi, v) for xi, v in zip(x, vals) if not math.isnan(v)]
        if len(known) < len(vals) and len(known) > 1:
            ax.plot(*zip(*known), color=col, linestyle=(0, (1, 2)), linewidth=1.0, zorder=2)
        ax.plot(x, vals, color=col, marker="o", markersize=5 if bold else 3.5,
                linewidth=2.4 if bold else 1.3, zorder=4 if bold else 3, label=name, clip_on=False)
        if known:
            ends.append((known[-1][1], col, known[-1][0]))
    shown = [v for _, vals in series for v in vals if not math.isnan(v)]
    lo, hi = (min(shown), max(shown)) if shown else (0.0, 100.0)
    pad = (hi - lo) * 0.15 or 2.0
    ax.set_ylim(lo - pad, hi + pad)
    # the latest value of each line at its end, spread apart so they never overlap
    if ends:
        ends.sort()
        span = (hi + pad) - (lo - pad)
        gap = span * 0.055
        placed = []
        for v, col, xi in ends:
            y = v if not placed or v - placed[-1] >= gap else placed[-1] + gap
            placed.append(y)
            ax.annotate(style.fmt(v, dec), (xi, v), xytext=(xi + 0.12, y), textcoords="data", ha="left",
                        va="center", color=col, fontsize=theme.chart["font_size"] * 0.85,
                        annotation_clip=False)
    ax.set_xticks(x, [str(y) for y in years])
    ax.set_xlim(-0.3, len(x) - 0.55)
    ax.grid(axis="x", visible=False)
    ax.set_ylabel(style.with_unit(d.get("axis_label", ""), d.get("unit", "")))
    style.number_axis(ax.yaxis)
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=style.legend_columns(names, 60), frameon=False,
              borderaxespad=0.3, handlelength=1.6, columnspacing=1.0)
    return fig
