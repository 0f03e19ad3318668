"""peers: the city against its benchmark cities (对标城市) for one indicator.

data = {
    "indicator": "人均公园绿地面积", "unit": "平方米/人", "year": 2020,
    "areas": ["青岚市", "甲市", …], "values": [15.2, 14.8, …],     # None = no value
    "city": "青岚市",                                             # highlighted bar
    "reference": 14.6, "reference_label": "对标城市中位数",         # optional
    "direction": "+",                                             # sort best → worst
    "decimals": 2,                                                # optional, else automatic
    "horizontal": True,                                           # optional: bars across (>10 areas: always)
}
"""
from __future__ import annotations

import math

from . import style
from .base import ChartSpec, need, register, same_length
from .words import words


def ranked(areas: list[str], values: list[float], direction: str) -> list[tuple[str, float]]:
    """Best first by `direction`; missing values last, ties in input order."""
    pairs = list(zip(areas, values))
    have = [p for p in pairs if not math.isnan(p[1])]
    have.sort(key=lambda p: -p[1] if direction != "-" else p[1])
    return have + [p for p in pairs if math.isnan(p[1])]


def _ranked(spec: ChartSpec) -> list[tuple[str, float]]:
    need(spec, "areas", "values")
    same_length(spec, "areas", "values")
    return ranked([str(a) for a in spec.data["areas"]], style.numbers(spec.data["values"]),
                  spec.data.get("direction", "+"))


def peers_alt(spec: ChartSpec, w) -> str:
    d = spec.data
    pairs = _ranked(spec)
    unit = d.get("unit", "")
    dec = style.spec_decimals(spec, [v for _, v in pairs] + [d.get("reference")])
    missing = w.get("common.missing")
    items = [w.say("peers.item", area=a, value=style.fmt(v, dec, missing=missing)) for a, v in pairs]
    city = d.get("city")
    have = [a for a, v in pairs if not math.isnan(v)]
    reference = None
    if not style.is_missing(d.get("reference")):
        reference = w.say("common.reference_is", label=d.get("reference_label") or w.get("common.reference"),
                          value=style.fmt(d["reference"], dec), unit=unit)
    return w.say("peers.alt", year=w.say("common.year", year=d["year"]) if d.get("year") else "",
                 indicator=d.get("indicator", ""), unit_note=w.say("common.unit_note", unit=unit) if unit else "",
                 items=items, city=city, rank=have.index(city) + 1 if city in have else None, of=len(have),
                 reference=reference)


@register("peers", alt=peers_alt)
def draw(spec: ChartSpec, theme):
    d = spec.data
    w = words(theme)
    pairs = _ranked(spec)
    c = theme.colors
    city = d.get("city")
    ref = None if style.is_missing(d.get("reference")) else float(d["reference"])
    values = [v for _, v in pairs]
    dec = style.spec_decimals(spec, values + ([ref] if ref is not None else []))
    colors = [c["series"]["city"] if a == city else c["series"]["peer"] for a, _ in pairs]
    horizontal = len(pairs) > 10 or bool(d.get("horizontal"))   # also on request (half-width charts)

    n = len(pairs)
    fig = style.figure(spec, theme, height_cm=max(6.0, 1.2 + 0.55 * n) if horizontal else None)
    ax = fig.add_subplot()
    pos = list(range(n))
    bar_values = [0.0 if math.isnan(v) else v for v in values]
    label_text = [style.fmt(v, dec, missing=w.get("common.missing")) for v in values]
    if horizontal:
        bars = ax.barh(pos, bar_values, color=colors, height=0.62, zorder=2)
        ax.set_yticks(pos, [a for a, _ in pairs])
        ax.invert_yaxis()
        ax.grid(axis="y", visible=False)
        ax.set_xlabel(style.with_unit(d.get("axis_label", ""), d.get("unit", ""), theme))
        style.value_labels(ax, bars, values, label_text, theme)
        ax.margins(x=0.12)
        axis = ax.xaxis
    else:
        bars = ax.bar(pos, bar_values, color=colors, width=0.6, zorder=2)
        ax.set_xticks(pos, [a for a, _ in pairs])
        ax.grid(axis="x", visible=False)
        ax.set_ylabel(style.with_unit(d.get("axis_label", ""), d.get("unit", ""), theme))
        style.value_labels(ax, bars, values, label_text, theme)
        ax.margins(y=0.15)
        axis = ax.yaxis
        if n > 7:
            for t in ax.get_xticklabels():
                t.set_rotation(30)
                t.set_ha("right")
                t.set_rotation_mode("anchor")
    for tick, (a, _) in zip(ax.get_yticklabels() if horizontal else ax.get_xticklabels(), pairs):
        if a == city:
            tick.set_color(c["series"]["city"])

    if ref is not None:
        style.reference_line(ax, ref, d.get("reference_label") or w.get("common.reference"), style.fmt(ref, dec),
                             c["primary"], theme, horizontal_bars=horizontal)
    lo, hi = (ax.get_xlim() if horizontal else ax.get_ylim())
    if ref is not None and ref > hi:
        (ax.set_xlim if horizontal else ax.set_ylim)(lo, ref * 1.1)
    style.number_axis(axis)
    style.direction_note(ax, d.get("direction", "+"), theme)
    return fig
