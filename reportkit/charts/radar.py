"""radar: 0–100 scores per dimension, optionally against a second series.

data = {
    "labels": ["生态宜居", "健康舒适", …], "values": [82.5, 71.0, …], "series_name": "体检评分",
    "compare": {"name": "居民满意度", "values": [76.1, 68.4, …]},        # optional
    "max": 100, "decimals": 1,                                           # optional
}
"""
from __future__ import annotations

import math

from . import style
from .base import ChartSpec, data_error, need, register, same_length


def _series(spec: ChartSpec) -> list[tuple[str, list[float]]]:
    need(spec, "labels", "values")
    same_length(spec, "labels", "values")
    if len(spec.data["labels"]) < 3:
        raise data_error(spec, "雷达图至少需要 3 个维度")
    out = [(spec.data.get("series_name") or "评分", style.numbers(spec.data["values"]))]
    comp = spec.data.get("compare")
    if comp:
        vals = style.numbers(comp.get("values") or [])
        if len(vals) != len(spec.data["labels"]):
            raise data_error(spec, f"对比序列有 {len(vals)} 个数，维度有 {len(spec.data['labels'])} 个")
        out.append((comp.get("name") or "对比", vals))
    return out


def radar_alt(spec: ChartSpec) -> str:
    labels = [str(x) for x in spec.data["labels"]]
    parts = []
    for name, vals in _series(spec):
        dec = int(spec.data.get("decimals", 1))
        shown = "、".join(f"{a}{style.fmt(v, dec, missing='无数据')}" for a, v in zip(labels, vals))
        parts.append(f"{name}：{shown}")
    top = spec.data.get("max") or 100
    return f"各维度得分（满分{style.fmt(top, 0)}分），" + "；".join(parts) + "。"


@register("radar", alt=radar_alt)
def draw(spec: ChartSpec, theme):
    labels = [str(x) for x in spec.data["labels"]]
    series = _series(spec)
    c = theme.colors
    top = float(spec.data.get("max") or 100)
    n = len(labels)
    angles = [2 * math.pi * i / n for i in range(n)]

    fig = style.figure(spec, theme, height_cm=10.0)
    ax = fig.add_subplot(projection="polar")
    ax.set_theta_offset(math.pi / 2)   # first dimension at the top,
    ax.set_theta_direction(-1)         # the others clockwise
    ax.set_ylim(0, top)
    ring = [top * k / 5 for k in range(1, 6)]
    ax.set_yticks(ring, [style.fmt(r, 0) for r in ring], color=c["muted"],
                  fontsize=theme.chart["font_size"] * 0.75)
    ax.set_rlabel_position(180 / n)
    # Each dimension's label carries the first series' score on a second line.
    first = series[0][1]
    dec = int(spec.data.get("decimals", 1))
    ax.set_xticks(angles, [f"{a}\n{style.fmt(v, dec, missing='无数据')}" for a, v in zip(labels, first)])
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
