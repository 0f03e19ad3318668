"""radar: 0–100 scores per dimension, optionally against a second series.

data = {
    "labels": ["生态宜居", "健康舒适", …], "values": [82.5, 71.0, …], "series_name": "体检评分",
    "compare": {"name": "居民满意度", "values": [76.1, 68.4, …]},        # optional
    "max": 100, "decimals": 1,                                           # optional
}
"""
from __future__ import annotations

import math

from ..messages import msg
from . import style
from .base import ChartSpec, data_error, need, register, same_length
from .words import words


def _series(spec: ChartSpec, w) -> list[tuple[str, list[float]]]:
    need(spec, "labels", "values")
    same_length(spec, "labels", "values")
    if len(spec.data["labels"]) < 3:
        raise data_error(spec, msg("charts.radar_dimensions"))
    out = [(spec.data.get("series_name") or w.get("radar.series"), style.numbers(spec.data["values"]))]
    comp = spec.data.get("compare")
    if comp:
        vals = style.numbers(comp.get("values") or [])
        if len(vals) != len(spec.data["labels"]):
            raise data_error(spec, msg("charts.radar_compare", n=len(vals), dimensions=len(spec.data["labels"])))
        out.append((comp.get("name") or w.get("radar.compare"), vals))
    return out


def radar_alt(spec: ChartSpec, w) -> str:
    labels = [str(x) for x in spec.data["labels"]]
    missing = w.get("common.missing")
    parts = []
    for name, vals in _series(spec, w):
        dec = int(spec.data.get("decimals", 1))
        items = [w.say("radar.item", label=a, value=style.fmt(v, dec, missing=missing)) for a, v in zip(labels, vals)]
        parts.append(w.say("radar.part", name=name, items=items))
    top = spec.data.get("max") or 100
    return w.say("radar.alt", top=style.fmt(top, 0), parts=parts)


@register("radar", alt=radar_alt)
def draw(spec: ChartSpec, theme):
    labels = [str(x) for x in spec.data["labels"]]
    w = words(theme)
    series = _series(spec, w)
    c = theme.colors
    top = float(spec.data.get("max") or 100)
    n = len(labels)
    angles = [2 * math.pi * i / n for i in range(n)]

    # A radar is shown narrower than the text (the report places it at 70 % of the text
    # width, 0.9 for other charts): drawn 12.5 cm wide, not the theme's full chart width,
    # its labels print at the size of every other chart's (9 pt drawn at 16 cm and shown at
    # 0.9 of the width), not at two thirds of it.
    fig = style.figure(spec, theme, height_cm=10.0, width_cm=12.5)
    ax = fig.add_subplot(projection="polar")
    ax.set_theta_offset(math.pi / 2)   # first dimension at the top,
    ax.set_theta_direction(-1)         # the others clockwise
    ax.set_ylim(0, top)
    ring = [top * k / 5 for k in range(1, 6)]
    ax.set_yticks(ring, [style.fmt(r, 0) for r in ring], color=c["muted"],
                  fontsize=theme.chart["font_size"] * 0.85)
    ax.set_rlabel_position(180 / n)
    # Each dimension's label carries the first series' score on a second line.
    first = series[0][1]
    dec = int(spec.data.get("decimals", 1))
    missing = w.get("common.missing")
    ax.set_xticks(angles, [w.say("radar.tick", label=a, value=style.fmt(v, dec, missing=missing))
                           for a, v in zip(labels, first)])
    ax.tick_params(axis="x", pad=6)
    ax.spines["polar"].set_color(c["grid"])
    ax.grid(color=c["grid"], linewidth=0.6)

    colors = [c["primary"], c["series"].get("city", c["accent"])] + theme.palette[2:]
    closed_a = angles + angles[:1]
    for k, (name, vals) in enumerate(series):
        color = colors[k % len(colors)]
        closed_v = vals + vals[:1]
        ax.plot(closed_a, closed_v, color=color, marker="o", label=name, zorder=3 + k,
                markersize=3.5, linestyle="-" if k == 0 else (0, (4, 2)))
        if k == 0 and not any(math.isnan(v) for v in vals):
            ax.fill(closed_a, closed_v, color=color, alpha=0.12, zorder=2)
    if len(series) > 1 or spec.data.get("series_name"):
        fig.legend(loc="outside lower center", ncols=len(series), frameon=False)
    return fig
