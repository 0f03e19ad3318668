"""strip: many cities' values of several indicators against one reference, one row per
indicator, one dot per city (the provincial summary's distribution chart).

Values of different units are put on one axis as the degree to which each meets the
reference (100 = the reference is met exactly); the composer computes them.

data = {
    "rows": ["人均住房建筑面积", …],                   # top to bottom
    "values": [[96.2, 104.0, None, …], …],            # rows x cities, None = no value
    "roles": [["rating-预警", "rating-良好", …], …],   # same shape: each dot's colour role
    "reference": 100, "reference_label": "省级标准",
    "band": 90, "band_label": "预警线",                # optional second line
    "axis_label": "达到省级标准的程度（%）",
    "clip": [40, 160],                                 # optional: dots beyond drawn at the edge
    "legend": [["rating-良好", "良好"], …],            # optional
    "alt": "…",                                        # the alternative text, written by the composer
}
"""
from __future__ import annotations

import math

from matplotlib.lines import Line2D

from ..messages import msg
from . import style
from .base import ChartSpec, data_error, need, register, same_length

# vertical offsets of the dots of one row, so that equal values stay visible (deterministic)
_JITTER = (0.0, -0.18, 0.18, -0.09, 0.09, -0.27, 0.27, -0.04, 0.14, -0.22, 0.22, 0.04, -0.14)


def _data(spec: ChartSpec):
    need(spec, "rows", "values", "reference")
    same_length(spec, "rows", "values")
    rows = [str(r) for r in spec.data["rows"]]
    values = [style.numbers(v) for v in spec.data["values"]]
    roles = spec.data.get("roles") or [[None] * len(v) for v in values]
    if len(roles) != len(values) or any(len(a) != len(b) for a, b in zip(roles, values)):
        raise data_error(spec, msg("charts.strip_roles"))
    clip = spec.data.get("clip")
    if clip is not None and (len(clip) != 2 or float(clip[0]) >= float(clip[1])):
        raise data_error(spec, msg("charts.strip_clip"))
    return rows, values, roles


def strip_alt(spec: ChartSpec, w=None) -> str:
    _data(spec)
    return str(spec.data.get("alt") or spec.title)


@register("strip", alt=strip_alt)
def draw(spec: ChartSpec, theme):
    d = spec.data
    rows, values, roles = _data(spec)
    c = theme.colors
    n = len(rows)
    fig = style.figure(spec, theme, height_cm=max(4.5, 1.9 + 0.62 * n))
    ax = fig.add_subplot()
    lo, hi = (float(d["clip"][0]), float(d["clip"][1])) if d.get("clip") else (-math.inf, math.inf)
    shown = []
    for i, (vals, rs) in enumerate(zip(values, roles)):
        inside_x, inside_c, edge_x, edge_c, edge_m = [], [], [], [], []
        order = sorted(range(len(vals)), key=lambda k: (math.isnan(vals[k]), vals[k]))
        for rank, k in enumerate(order):
            v = vals[k]
            if math.isnan(v):
                continue
            colour = style.color(theme, rs[k], c["primary"]) if rs[k] else c["primary"]
            y = i + _JITTER[rank % len(_JITTER)]
            if v < lo or v > hi:
                edge_x.append((lo if v < lo else hi, y))
                edge_c.append(colour)
                edge_m.append("<" if v < lo else ">")
            else:
                inside_x.append((v, y))
                inside_c.append(colour)
                shown.append(v)
        if inside_x:
            ax.scatter([p[0] for p in inside_x], [p[1] for p in inside_x], s=22, c=inside_c, zorder=3,
                       edgecolors=c["background"], linewidths=0.5)
        for (x, y), colour, marker in zip(edge_x, edge_c, edge_m):
            ax.scatter([x], [y], s=30, c=[colour], marker=marker, zorder=3)
            shown.append(x)
    ref = float(d["reference"])
    style.mark_reference(ax.axvline(ref, color=c["text"], linewidth=1.0, zorder=2))
    band = d.get("band")
    if band is not None and not style.is_missing(band):
        style.mark_reference(ax.axvline(float(band), color=c["muted"], linewidth=0.8, linestyle="--", zorder=2))
    ax.set_yticks(range(n), rows)
    ax.set_ylim(n - 0.5, -0.5)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(d.get("axis_label", ""))
    left = min(shown + [ref, float(band) if band is not None else ref])
    right = max(shown + [ref])
    pad = (right - left) * 0.06 or 5.0
    ax.set_xlim(left - pad, right + pad)
    style.number_axis(ax.xaxis)
    handles = []
    for role, label in d.get("legend") or []:
        handles.append(Line2D([], [], linestyle="", marker="o", markersize=5,
                              color=style.color(theme, role, c["primary"]), label=str(label)))
    handles.append(Line2D([], [], color=c["text"], linewidth=1.0, label=str(d.get("reference_label", ""))))
    if band is not None:
        handles.append(Line2D([], [], color=c["muted"], linewidth=0.8, linestyle="--",
                              label=str(d.get("band_label", ""))))
    ax.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(handles), frameon=False,
              borderaxespad=0.3)
    return fig
