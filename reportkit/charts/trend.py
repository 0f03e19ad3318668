"""trend: one indicator of the city over the years, with its reference value.

data = {
    "indicator": "人均公园绿地面积", "area": "青岚市", "unit": "平方米/人",
    "years": [2017, 2018, 2019, 2020], "values": [14.1, None, 14.6, 15.2],   # None = no value
    "reference": 15.0, "reference_label": "规划目标",                         # optional
    "direction": "+", "decimals": 1,                                          # optional
}
"""
from __future__ import annotations

import math

from . import style
from .base import ChartSpec, need, register, same_length
from .words import words


def _values(spec: ChartSpec) -> tuple[list[int], list[float]]:
    need(spec, "years", "values")
    same_length(spec, "years", "values")
    return [int(y) for y in spec.data["years"]], style.numbers(spec.data["values"])


def trend_alt(spec: ChartSpec, w) -> str:
    d = spec.data
    years, values = _values(spec)
    unit = d.get("unit", "")
    dec = style.spec_decimals(spec, values + [d.get("reference")])
    span = (w.say("trend.span", first=years[0], last=years[-1]) if len(years) > 1
            else w.say("common.year", year=years[0]) if years else "")
    missing = w.get("common.missing")
    reference = None
    if not style.is_missing(d.get("reference")):
        reference = w.say("common.reference_is", label=d.get("reference_label") or w.get("common.reference"),
                          value=style.fmt(d["reference"], dec), unit=unit)
    return w.say("trend.alt", area=d.get("area", ""), span=span, indicator=d.get("indicator", ""),
                 values=[style.fmt(v, dec, missing=missing) for v in values],
                 unit_note=w.say("common.unit_note", unit=unit) if unit else "", reference=reference,
                 direction=w.get("common.direction").get(d.get("direction") or "", ""))


@register("trend", alt=trend_alt)
def draw(spec: ChartSpec, theme):
    d = spec.data
    w = words(theme)
    years, values = _values(spec)
    c = theme.colors
    ref = None if style.is_missing(d.get("reference")) else float(d["reference"])
    dec = style.spec_decimals(spec, values + ([ref] if ref is not None else []))

    fig = style.figure(spec, theme)
    ax = fig.add_subplot()
    x = list(range(len(years)))
    line_color = c["series"].get("city", c["primary"])
    # A year without a value is bridged by a thin dotted line; measured years are solid.
    known = [(xi, v) for xi, v in zip(x, values) if not math.isnan(v)]
    if len(known) < len(values) and len(known) > 1:
        ax.plot(*zip(*known), color=line_color, linestyle=(0, (1, 2)), linewidth=1.0, zorder=2)
    ax.plot(x, values, color=line_color, marker="o", zorder=3, clip_on=False)

    shown = [v for v in values if not math.isnan(v)]
    lo = min(shown + ([ref] if ref is not None else []), default=0.0)
    hi = max(shown + ([ref] if ref is not None else []), default=1.0)
    pad = (hi - lo) * 0.18 or abs(hi) * 0.1 or 1.0
    bottom = 0.0 if lo >= 0 and lo - pad < 0 else lo - pad
    top = hi + pad
    if shown:
        # room above the highest point for its value label (6pt up, one line of text), so
        # that it stays inside the axes, clear of the direction note above them
        need = 6 + theme.chart["font_size"] * 1.4
        axes_pt = fig.get_size_inches()[1] * 72 * 0.6
        frac = min(0.5, need / max(axes_pt, 1.0))
        top = max(top, (max(shown) - bottom * frac) / (1 - frac))
    ax.set_ylim(bottom, top)

    labels = []
    for xi, v in zip(x, values):
        if math.isnan(v):
            ax.annotate(w.get("common.missing"), (xi, bottom), xytext=(0, 4), textcoords="offset points",
                        ha="center", va="bottom", color=c["muted"])
            continue
        labels.append(ax.annotate(style.fmt(v, dec), (xi, v), xytext=(0, 6), textcoords="offset points",
                                  ha="center", va="bottom", color=c["text"],
                                  path_effects=style.halo(theme), zorder=4))
    style.clear_of_lines(labels)  # a value just under the reference line is labelled above it

    if ref is not None:
        style.reference_line(ax, ref, d.get("reference_label") or w.get("common.reference"), style.fmt(ref, dec),
                             c["primary"], theme, horizontal_bars=False)

    ax.set_xticks(x, [str(y) for y in years])
    ax.set_xlim(-0.5, len(x) - 0.5)
    ax.grid(axis="x", visible=False)
    ax.set_ylabel(style.with_unit(d.get("axis_label", ""), d.get("unit", ""), theme))
    style.number_axis(ax.yaxis)
    style.direction_note(ax, d.get("direction", ""), theme)
    return fig
