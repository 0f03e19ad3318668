"""bars: a generic bar chart (survey results and other summaries).

data = {
    "labels": ["本地户籍", "外来人口"], "values": [72.4, None],   # None = no bar, `missing_label` shown
    "unit": "分", "axis_label": "满意度",                        # optional
    "orientation": "h" | "v",        # optional; default: horizontal when many or long labels
    "highlight": 0,                  # optional index drawn in series.city
    "colors": ["#2E7D32", "rating-短板", …],  # optional per-bar colours (hex or theme role)
    "reference": 70, "reference_label": "全市",  # optional line
    "max": 100,                      # optional fixed axis maximum
    "decimals": 1,                   # optional
    "missing_label": "样本不足",      # optional (default 无数据)
}
"""
from __future__ import annotations

import math

from ..messages import msg
from . import style
from .base import ChartSpec, data_error, need, register, same_length
from .words import words


def _data(spec: ChartSpec) -> tuple[list[str], list[float], int]:
    need(spec, "labels", "values")
    same_length(spec, "labels", "values")
    if spec.data.get("colors") is not None:
        same_length(spec, "labels", "colors")
    values = style.numbers(spec.data["values"])
    dec = style.spec_decimals(spec, values + [spec.data.get("reference")])
    return [str(x) for x in spec.data["labels"]], values, dec


def bars_alt(spec: ChartSpec, w) -> str:
    d = spec.data
    labels, values, dec = _data(spec)
    unit = d.get("unit", "")
    missing = d.get("missing_label") or w.get("common.missing")
    items = [w.say("bars.item", label=a, value=style.fmt(v, dec, missing=missing),
                   unit="" if math.isnan(v) else unit) for a, v in zip(labels, values)]
    reference = None
    if not style.is_missing(d.get("reference")):
        reference = w.say("common.reference_is", label=d.get("reference_label") or w.get("common.reference"),
                          value=style.fmt(d["reference"], dec), unit=unit)
    return w.say("bars.alt", what=d.get("axis_label") or spec.title, items=items, reference=reference)


@register("bars", alt=bars_alt)
def draw(spec: ChartSpec, theme):
    d = spec.data
    w = words(theme)
    labels, values, dec = _data(spec)
    c = theme.colors
    n = len(labels)
    orient = d.get("orientation")
    if orient not in ("h", "v", None):
        raise data_error(spec, msg("charts.orientation", value=repr(orient)))
    if orient is None:
        orient = "h" if n > 8 or max((len(s) for s in labels), default=0) > 6 else "v"
    horizontal = orient == "h"

    base = c["primary"]
    colors = [style.color(theme, x, base) for x in d["colors"]] if d.get("colors") else [base] * n
    hl = d.get("highlight")
    if hl is not None:
        if not 0 <= int(hl) < n:
            raise data_error(spec, msg("charts.highlight", value=hl, n=n))
        colors[int(hl)] = c["series"]["city"]
    missing = d.get("missing_label") or w.get("common.missing")
    texts = [style.fmt(v, dec, missing=missing) for v in values]
    bar_values = [0.0 if math.isnan(v) else v for v in values]
    axis_label = style.with_unit(d.get("axis_label", ""), d.get("unit", ""), theme)

    height = max(4.5, 1.6 + 0.5 * n) if horizontal else None
    fig = style.figure(spec, theme, height_cm=height)
    ax = fig.add_subplot()
    pos = list(range(n))
    if horizontal:
        bars = ax.barh(pos, bar_values, color=colors, height=0.62, zorder=2)
        ax.set_yticks(pos, labels)
        ax.invert_yaxis()
        ax.grid(axis="y", visible=False)
        ax.set_xlabel(axis_label)
    else:
        bars = ax.bar(pos, bar_values, color=colors, width=0.6, zorder=2)
        ax.set_xticks(pos, labels)
        ax.grid(axis="x", visible=False)
        ax.set_ylabel(axis_label)
    style.value_labels(ax, bars, values, texts, theme)
    for i, v in enumerate(values):
        if math.isnan(v):
            bars[i].set_visible(False)
    ticks = ax.get_yticklabels() if horizontal else ax.get_xticklabels()
    if hl is not None:
        ticks[int(hl)].set_color(c["series"]["city"])
    # a bar of length 0 shows no colour: its label carries the colour it was given (the
    # red of a town sheet's focus indicator ranked last, at 0 %)
    for i, v in enumerate(values):
        if not math.isnan(v) and v == 0 and colors[i] != base:
            ticks[i].set_color(colors[i])

    ref = None if style.is_missing(d.get("reference")) else float(d["reference"])
    if ref is not None:
        style.reference_line(ax, ref, d.get("reference_label") or w.get("common.reference"), style.fmt(ref, dec),
                             c["muted"], theme, horizontal_bars=horizontal)

    shown = [v for v in values if not math.isnan(v)] + ([ref] if ref is not None else [])
    lo = min(shown + [0.0])
    hi = max(shown + [0.0])
    top = float(d["max"]) if d.get("max") is not None else hi
    room = (top - lo) * (0.14 if horizontal else 0.12) or 1.0
    set_lim = ax.set_xlim if horizontal else ax.set_ylim
    set_lim(lo - (room if lo < 0 else 0), max(top, hi) + room)
    axis = ax.xaxis if horizontal else ax.yaxis
    style.number_axis(axis)
    return fig
