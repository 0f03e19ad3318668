"""Satisfaction-survey charts: heatmap, screening, keywords, dumbbell.

heatmap: groups (rows, in sections) x dimensions (columns); 样本不足 cells grey,
hatched and labelled, never coloured as a number.
    data = {"columns": ["生态宜居", …], "rows": ["本地户籍", "外来人口", …],
            "sections": [["户籍", 2], ["职业", 8], …],     # optional: row blocks, in order
            "values": [[78.4, 77.5, …], [None, …], …],      # rows x columns, None = 样本不足
            "missing_label": "样本不足", "decimals": 1, "unit": "分"}

screening: collected questionnaires, valid vs rejected, and rejected by rule.
    data = {"collected": 87000, "valid": 79000, "valid_label": "有效问卷",
            "rejected_label": "无效问卷", "rules": ["重复作答", …], "counts": [2600, …],
            "unit": "份"}

keywords: the most frequent words of the open-text answers.
    data = {"words": ["公交", …], "counts": [5664, …], "unit": "次", "axis_label": "出现次数"}

dumbbell: two scores per row joined by a line (e.g. 本地户籍 vs 外来人口, or indicator
score vs satisfaction); flagged rows are highlighted.
    data = {"labels": ["生态宜居", …], "a": [78.4, …], "b": [76.8, …],
            "a_label": "本地户籍", "b_label": "外来人口", "flags": [False, True, …],
            "flag_label": "差距≥5分", "decimals": 1, "unit": "分", "axis_label": "满意度得分"}
"""
from __future__ import annotations

import math

from matplotlib.colors import LinearSegmentedColormap, Normalize
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from ..fmt import Formatter
from ..messages import msg
from ..vocab import SHORT
from . import style
from .base import ChartSpec, data_error, need, register, same_length
from .words import words


# --- heatmap ---------------------------------------------------------------------------
def _heat(spec: ChartSpec):
    need(spec, "columns", "rows", "values")
    cols = [str(c) for c in spec.data["columns"]]
    rows = [str(r) for r in spec.data["rows"]]
    values = spec.data["values"]
    if len(values) != len(rows):
        raise data_error(spec, msg("charts.heat_rows", values=len(values), rows=len(rows)))
    grid = []
    for i, r in enumerate(values):
        if len(r) != len(cols):
            raise data_error(spec, msg("charts.heat_row", row=i + 1, n=len(r), columns=len(cols)))
        grid.append(style.numbers(r))
    sections = [(str(s), int(k)) for s, k in spec.data.get("sections") or []]
    if sections and sum(k for _, k in sections) != len(rows):
        raise data_error(spec, msg("charts.heat_sections"))
    dec = int(spec.data.get("decimals", 1))
    return cols, rows, grid, sections, dec


def heatmap_alt(spec: ChartSpec, w) -> str:
    cols, rows, grid, sections, dec = _heat(spec)
    missing = spec.data.get("missing_label") or w.get("heatmap.missing")
    unit = spec.data.get("unit", "")
    parts = []
    for r, vals in zip(rows, grid):
        if all(math.isnan(v) for v in vals):
            parts.append(w.say("heatmap.row_missing", row=r, missing=missing))
            continue
        have = [(c, v) for c, v in zip(cols, vals) if not math.isnan(v)]
        lo = min(have, key=lambda x: x[1])
        hi = max(have, key=lambda x: x[1])
        parts.append(w.say("heatmap.row", row=r, hi_column=hi[0], hi=style.fmt(hi[1], dec), unit=unit,
                           lo_column=lo[0], lo=style.fmt(lo[1], dec)))
    return w.say("heatmap.alt", head=spec.title or w.get("heatmap.title"), rows=len(rows), columns=len(cols),
                 parts=parts)


def _cmap(theme):
    return LinearSegmentedColormap.from_list("survey", ["#F7FBFF", theme.colors["secondary"],
                                                        theme.colors["primary"]])


@register("heatmap", alt=heatmap_alt)
def draw_heatmap(spec: ChartSpec, theme):
    cols, rows, grid, sections, dec = _heat(spec)
    c = theme.colors
    missing = spec.data.get("missing_label") or words(theme).get("heatmap.missing")
    nr, nc = len(rows), len(cols)
    fig = style.figure(spec, theme, height_cm=max(5.0, 2.4 + 0.52 * nr))
    ax = fig.add_subplot()
    vals = [v for r in grid for v in r if not math.isnan(v)]
    lo, hi = (min(vals), max(vals)) if vals else (0.0, 100.0)
    if math.isclose(lo, hi):
        lo, hi = lo - 1, hi + 1
    norm = Normalize(lo - (hi - lo) * 0.15, hi)
    cmap = _cmap(theme)
    small = theme.chart["font_size"] * 0.85
    for i, r in enumerate(grid):
        for j, v in enumerate(r):
            if math.isnan(v):
                ax.add_patch(Rectangle((j, i), 1, 1, facecolor="#E0E0E0", edgecolor="#9E9E9E",
                                       hatch="////", linewidth=0.0))
                ax.text(j + 0.5, i + 0.5, missing, ha="center", va="center", color=c["muted"],
                        fontsize=small * 0.9)
                continue
            rgb = cmap(norm(v))[:3]
            ax.add_patch(Rectangle((j, i), 1, 1, facecolor=rgb, edgecolor=c["background"], linewidth=1.0))
            lum = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]
            ax.text(j + 0.5, i + 0.5, style.fmt(v, dec), ha="center", va="center",
                    color="#FFFFFF" if lum < 0.5 else c["text"], fontsize=small)
    ax.set_xlim(0, nc)
    ax.set_ylim(nr, 0)
    ax.set_xticks([j + 0.5 for j in range(nc)], cols)
    ax.xaxis.tick_top()
    ax.tick_params(axis="x", length=0, labelsize=small)
    ax.set_yticks([i + 0.5 for i in range(nr)], rows)
    ax.tick_params(axis="y", length=0)
    ax.grid(False)
    for s in ax.spines.values():
        s.set_visible(False)
    if sections:
        y = 0
        for k, (label, count) in enumerate(sections):
            if k:
                ax.axhline(y, color=c["text"], linewidth=0.9)
            ax.annotate(label, (1.0, y + count / 2), xycoords=("axes fraction", "data"), xytext=(6, 0),
                        textcoords="offset points", ha="left", va="center", color=c["muted"],
                        rotation=0, fontsize=small)
            y += count
    return fig


# --- screening -------------------------------------------------------------------------
def _screen(spec: ChartSpec):
    need(spec, "collected", "valid", "rules", "counts")
    same_length(spec, "rules", "counts")
    collected = int(spec.data["collected"])
    valid = int(spec.data["valid"])
    counts = [int(x) for x in spec.data["counts"]]
    if valid + sum(counts) != collected:
        raise data_error(spec, msg("charts.screening_sum", valid=valid, rules=sum(counts), collected=collected))
    return collected, valid, [str(r) for r in spec.data["rules"]], counts


def _shares(valid: int, counts: list[int]) -> tuple[str, str, list[str]]:
    """Shares of the collected questionnaires (valid, rejected, each rule), each rounded
    on its own as the report's tables round them."""
    parts = style.shares([valid, *counts])
    collected = valid + sum(counts)
    return parts[0], Formatter().share(collected - valid, collected), parts[1:]


def screening_alt(spec: ChartSpec, w) -> str:
    collected, valid, rules, counts = _screen(spec)
    unit = spec.data.get("unit", w.get("screening.unit"))
    valid_share, _, rule_shares = _shares(valid, counts)
    parts = [w.say("screening.rule", rule=r, n=style.fmt(n, 0), unit=unit, share=sh)
             for r, n, sh in zip(rules, counts, rule_shares)]
    return w.say("screening.alt", collected=style.fmt(collected, 0), unit=unit,
                 valid_label=spec.data.get("valid_label", w.get("screening.valid")), valid=style.fmt(valid, 0),
                 valid_share=valid_share,
                 rejected_label=spec.data.get("rejected_label", w.get("screening.rejected")), rules=parts)


@register("screening", alt=screening_alt)
def draw_screening(spec: ChartSpec, theme):
    """Two panels, each with its own heading: the collected questionnaires as one 100 % bar
    (valid vs rejected, no axis: it is not on the scale below), then, after a gap, the
    rejected ones by rule on their own count axis."""
    collected, valid, rules, counts = _screen(spec)
    w = words(theme)
    c = theme.colors
    n = len(rules)
    unit = spec.data.get("unit", w.get("screening.unit"))
    vl = spec.data.get("valid_label", w.get("screening.valid"))
    rl = spec.data.get("rejected_label", w.get("screening.rejected"))
    rejected = collected - valid
    valid_share, rejected_share, rule_shares = _shares(valid, counts)
    heading = dict(loc="left", fontsize=theme.chart["font_size"], color=c["text"], pad=6)

    fig = style.figure(spec, theme, height_cm=max(7.0, 4.8 + 0.55 * n))
    top, gap, bottom = fig.subplots(3, 1, height_ratios=[1.0, 0.45, max(2, n)])
    gap.set_axis_off()  # keeps the two panels clearly apart

    # valid vs rejected, one 100 % bar
    top.set_title(w.say("screening.collected", n=style.fmt(collected, 0), unit=unit), **heading)
    top.barh([0], [valid], color=c["primary"], height=0.6)
    top.barh([0], [rejected], left=[valid], color=c["accent"], height=0.6)
    top.set_xlim(0, max(collected, 1))
    top.set_ylim(-0.5, 0.5)
    top.set_axis_off()
    top.text(valid / 2 if collected else 0, 0,
             w.say("screening.share", label=vl, n=style.fmt(valid, 0), share=valid_share),
             ha="center", va="center", color="#FFFFFF")
    top.annotate(w.say("screening.share", label=rl, n=style.fmt(rejected, 0), share=rejected_share),
                 (1.0, 0.8),
                 xycoords="axes fraction", xytext=(0, 3), textcoords="offset points", ha="right",
                 va="bottom", color=c["accent"])

    # rejected, by the first rule each one failed
    bottom.set_title(w.say("screening.by_rule", label=rl, n=style.fmt(rejected, 0), unit=unit), **heading)
    pos = list(range(n))
    bars = bottom.barh(pos, counts, color=c["accent"], height=0.6, zorder=2)
    bottom.bar_label(bars, [w.say("screening.bar", n=style.fmt(v, 0), share=sh) for v, sh in zip(counts, rule_shares)],
                     padding=3,
                     color=c["text"])
    bottom.set_yticks(pos, rules)
    bottom.invert_yaxis()
    bottom.grid(axis="y", visible=False)
    bottom.set_xlim(0, max(counts + [1]) * 1.35)
    style.number_axis(bottom.xaxis, integer=True)
    bottom.set_xlabel(style.with_unit(w.get("screening.axis"), unit, theme))
    return fig


# --- keywords --------------------------------------------------------------------------
def _words(spec: ChartSpec):
    need(spec, "words", "counts")
    same_length(spec, "words", "counts")
    return [str(w) for w in spec.data["words"]], [int(x) for x in spec.data["counts"]]


def keywords_alt(spec: ChartSpec, w) -> str:
    kws, counts = _words(spec)
    unit = spec.data.get("unit", w.get("keywords.unit"))
    if not kws:
        return w.say("keywords.alt_none")
    shown = [w.say("keywords.word", word=k, n=style.fmt(n, 0), unit=unit) for k, n in zip(kws, counts)]
    return w.say("keywords.alt", n=len(kws), words=shown)


@register("keywords", alt=keywords_alt)
def draw_keywords(spec: ChartSpec, theme):
    kws, counts = _words(spec)
    w = words(theme)
    c = theme.colors
    n = len(kws)
    fig = style.figure(spec, theme, height_cm=max(5.0, 1.8 + 0.42 * n))
    ax = fig.add_subplot()
    pos = list(range(n))
    bars = ax.barh(pos, counts, color=c["secondary"], height=0.64, zorder=2)
    if n:
        bars[0].set_color(c["primary"])
    ax.bar_label(bars, [style.fmt(v, 0) for v in counts], padding=3, color=c["text"])
    ax.set_yticks(pos, kws)
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    ax.set_xlim(0, max(counts + [1]) * 1.15)
    style.number_axis(ax.xaxis, integer=True)
    ax.set_xlabel(style.with_unit(spec.data.get("axis_label", w.get("keywords.axis")),
                                  spec.data.get("unit", w.get("keywords.unit")), theme))
    return fig


# --- dumbbell --------------------------------------------------------------------------
def _dumb(spec: ChartSpec):
    need(spec, "labels", "a", "b")
    same_length(spec, "labels", "a", "b")
    flags = spec.data.get("flags") or [False] * len(spec.data["labels"])
    if len(flags) != len(spec.data["labels"]):
        raise data_error(spec, msg("charts.flags_length"))
    dec = int(spec.data.get("decimals", 1))
    return ([str(x) for x in spec.data["labels"]], style.numbers(spec.data["a"]), style.numbers(spec.data["b"]),
            [bool(f) for f in flags], dec)


def dumbbell_alt(spec: ChartSpec, w) -> str:
    labels, a, b, flags, dec = _dumb(spec)
    d = spec.data
    an, bn = d.get("a_label", w.get("dumbbell.a")), d.get("b_label", w.get("dumbbell.b"))
    unit = d.get("unit", "")
    flag = d.get("flag_label", w.get("dumbbell.flag"))
    parts = [w.say("dumbbell.row", label=lab, a_label=an, a=style.fmt(x, dec), b_label=bn, b=style.fmt(y, dec),
                   unit=unit, flag=flag, flagged=f)
             for lab, x, y, f in zip(labels, a, b, flags)]
    return w.say("dumbbell.alt", head=d.get("axis_label") or spec.title, parts=parts)


@register("dumbbell", alt=dumbbell_alt)
def draw_dumbbell(spec: ChartSpec, theme):
    labels, a, b, flags, dec = _dumb(spec)
    d = spec.data
    c = theme.colors
    n = len(labels)
    ca, cb = c["primary"], c["accent"]
    fig = style.figure(spec, theme, height_cm=max(5.0, 2.4 + 0.6 * n))
    ax = fig.add_subplot()
    for i, (x, y, f) in enumerate(zip(a, b, flags)):
        if not (math.isnan(x) or math.isnan(y)):
            ax.plot([x, y], [i, i], color=theme.rating_color(SHORT) if f else c["grid"],
                    linewidth=3.0 if f else 2.0, zorder=1, solid_capstyle="round")
    ax.scatter(a, range(n), color=ca, s=36, zorder=3, label=d.get("a_label", ""))
    ax.scatter(b, range(n), color=cb, s=36, zorder=3, marker="D", label=d.get("b_label", ""))
    for i, (x, y) in enumerate(zip(a, b)):
        left_first = (x <= y) if not (math.isnan(x) or math.isnan(y)) else True
        for v, color, side in ((x, ca, -1 if left_first else 1), (y, cb, 1 if left_first else -1)):
            if math.isnan(v):
                continue
            ax.annotate(style.fmt(v, dec), (v, i), xytext=(7 * side, 0), textcoords="offset points",
                        ha="left" if side > 0 else "right", va="center", color=color,
                        fontsize=theme.chart["font_size"] * 0.85)
    ax.set_yticks(list(range(n)), labels)
    for tick, f in zip(ax.get_yticklabels(), flags):
        if f:
            tick.set_color(theme.rating_color(SHORT))
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    shown = [v for v in a + b if not math.isnan(v)]
    if shown:
        lo, hi = min(shown), max(shown)
        pad = max(3.0, (hi - lo) * 0.18)
        ax.set_xlim(lo - pad, hi + pad)
    style.number_axis(ax.xaxis)
    ax.set_xlabel(style.with_unit(d.get("axis_label", ""), d.get("unit", ""), theme))
    handles = [Line2D([], [], color=ca, marker="o", linestyle="", label=d.get("a_label", "")),
               Line2D([], [], color=cb, marker="D", linestyle="", label=d.get("b_label", ""))]
    if any(flags):
        handles.append(Patch(color=theme.rating_color(SHORT), label=d.get("flag_label", words(theme).get("dumbbell.flag"))))
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.0), ncols=len(handles), frameon=False,
              borderaxespad=0.3)
    return fig

