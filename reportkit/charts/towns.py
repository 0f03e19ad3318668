"""towns: one indicator across the towns/districts (data/areas kind town), ranked bars or a map.

data = {
    "indicator": "人均公园绿地面积", "unit": "平方米/人", "year": 2020,
    "areas": ["甲街道", …], "values": [12.3, None, …],     # None = no value ("towns" also accepted)
    "city_value": 15.2, "city_label": "全市",                # optional vertical line
    "reference": 15.0, "reference_label": "规划目标",         # optional: colours shortfalls
    "direction": "+", "decimals": 1,                         # optional
    "additive": False,        # optional: True when town values add up to the city's (a total)
    "per_capita": [...], "city_per_capita": 2.5,             # optional, for a total: compared per capita
    "compare_labels": {"better": …, "worse": …, "same": …},  # optional (theme.toml [labels.town_compare])
    "geojson": {"type": "FeatureCollection", …},             # optional: draw a map instead
}
Every town is coloured by direction: better or worse than the city (its value
against the city value by the indicator's direction; a total per capita against
the city per capita, or not at all without populations), with its value.  No
rating is computed here: the rating rule lives in reportkit.score.indicators.
Bars: ranked best → worst, the figure grows with the number of towns so 30+
bars stay legible; the reference, if any, is a dashed line.  Towns without a
value get no bar: a note under the chart names them ("无数据：…"), so list every
town, with None where it has no value.
Map: one polygon per town (property `area`), filled better / worse / like the
city, its name and value written on it; towns without a value are grey.
"""
from __future__ import annotations

import math

from matplotlib.collections import PolyCollection
from matplotlib.colors import to_rgb
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ..messages import msg
from ..vocab import DEFAULT_TOWN_TERM
from . import style
from .base import ChartSpec, data_error, need, register, same_length
from .peers import ranked
from .words import words



def _pairs(spec: ChartSpec) -> list[tuple[str, float]]:
    key = "towns" if "towns" in spec.data and "areas" not in spec.data else "areas"
    need(spec, key, "values")
    same_length(spec, key, "values")
    return ranked([str(t) for t in spec.data[key]], style.numbers(spec.data["values"]),
                  spec.data.get("direction", "+"))


def _ref(spec: ChartSpec) -> float | None:
    r = spec.data.get("reference")
    return None if style.is_missing(r) else float(r)


BETTER, WORSE, SAME = "better", "worse", "same"


def _compare(v: float, city: float | None, direction: str, dec: int | None = None) -> str | None:
    """Better / worse / like the city; values that print the same (at `dec`) are alike."""
    if city is None or math.isnan(v):
        return None
    if math.isclose(v, city, rel_tol=1e-9, abs_tol=1e-12):
        return SAME
    if dec is not None and style.fmt(v, dec) == style.fmt(city, dec):
        return SAME
    return BETTER if (v > city) == (direction == "+") else WORSE


def compare_labels(spec: ChartSpec, theme=None) -> dict:
    """"优于全市" …: the spec's own, else the theme's [labels.town_compare]."""
    if spec.data.get("compare_labels"):
        return dict(spec.data["compare_labels"])
    if theme is None:
        from ..theme import load_theme

        theme = load_theme(None)
    return dict(theme.data.get("labels", {}).get("town_compare", {}))


def compare_color(theme, which: str | None) -> str:
    c = theme.colors
    return c.get("compare", {}).get(which, c["series"]["town"]) if which else c["series"]["town"]


def additive(spec: ChartSpec, values: list[float]) -> bool:
    """True when the towns' values add up to the city's (a total such as 改造面积, not a rate):
    then a town is not comparable with the city value or the city's target.

    data["additive"] decides when given; otherwise a city value above every town's
    and within 25% of their sum is taken as a total (an average never exceeds its parts)."""
    if "additive" in spec.data:
        return bool(spec.data["additive"])
    city = spec.data.get("city_value")
    have = [v for v in values if not math.isnan(v)]
    if style.is_missing(city) or len(have) < 2 or min(have) < 0:
        return False
    city, total = float(city), sum(have)
    return city > max(have) and abs(total - city) <= 0.25 * abs(city)


def _context(spec: ChartSpec, w) -> dict:
    d = spec.data
    pairs = _pairs(spec)
    values = [v for _, v in pairs]
    is_total = additive(spec, values)
    city = None if style.is_missing(d.get("city_value")) else float(d["city_value"])
    ref = None if is_total else _ref(spec)
    direction = d.get("direction", "+")
    key = "towns" if "towns" in d and "areas" not in d else "areas"
    dec = style.spec_decimals(spec, values + [city, _ref(spec)])
    if is_total:
        pc = dict(zip([str(t) for t in d[key]], style.numbers(d.get("per_capita") or [None] * len(d[key]))))
        cpc = None if style.is_missing(d.get("city_per_capita")) else float(d["city_per_capita"])
        cmp = {t: _compare(pc.get(t, math.nan), cpc, direction) for t, _ in pairs}
    else:
        cmp = {t: _compare(v, city, direction, dec) for t, v in pairs}
    return {"pairs": pairs, "values": values, "additive": is_total, "city": city, "ref": ref,
            "dec": dec,
            "city_label": d.get("city_label") or w.get("common.city"),
            "ref_label": d.get("reference_label") or w.get("common.reference"),
            "total": sum(v for v in values if not math.isnan(v)),
            "missing": [t for t, v in pairs if math.isnan(v)], "cmp": cmp}


def _share_text(v: float, k: dict, w) -> str:
    """A total's value with its share of the city total: "20（0.2%）"."""
    base = style.fmt(v, k["dec"])
    if not k["additive"] or not k["city"]:
        return base
    return w.say("towns.share", value=base, share=style.fmt(v / k["city"] * 100, 1))


def _total_is_city(k: dict) -> bool:
    """The towns' total, as shown, is the city value: say it once ("全市合计 11,850")."""
    return k["city"] is not None and style.fmt(k["total"], k["dec"]) == style.fmt(k["city"], k["dec"])


def missing_note(towns: list[str], width_chars: int, theme=None) -> str:
    """"无数据：甲镇、乙镇", broken between names into lines of about `width_chars`."""
    w = words(theme)
    head = w.say("towns.missing_note", missing=w.get("common.missing"))
    sep = w.get("towns.note_separator")
    lines, line = [], head
    for i, t in enumerate(towns):
        part = t + (sep if i < len(towns) - 1 else "")
        if len(line) + len(part) > width_chars and line != head:
            lines.append(line)
            line = ""
        line += part
    return "\n".join(lines + [line])


def towns_alt(spec: ChartSpec, w) -> str:
    d = spec.data
    k = _context(spec, w)
    unit, dec = d.get("unit", ""), k["dec"]
    have = [(t, v) for t, v in k["pairs"] if not math.isnan(v)]
    year = w.say("common.year", year=d["year"]) if d.get("year") else ""
    term = d.get("town_term") or DEFAULT_TOWN_TERM
    if not have:
        return w.say("towns.alt_none", year=year, term=term, indicator=d.get("indicator", ""))
    # totals are listed in the chart's order: best first, so smallest first when lower is better
    order = ("ascending" if d.get("direction") == "-" else "descending") if k["additive"] else "best_first"
    labels = compare_labels(spec)
    count = labels.get("count") or w.get("towns.compare_count")
    counts = [(labels.get(x, x), sum(1 for t, _ in have if k["cmp"].get(t) == x)) for x in (BETTER, WORSE)]
    return w.say("towns.alt", year=year, term=term, indicator=d.get("indicator", ""), order=w.get(f"towns.{order}"),
                 items=[w.say("towns.item", area=t, value=style.fmt(v, dec)) for t, v in have], unit=unit,
                 missing=k["missing"], additive=k["additive"], city_total=k["additive"] and _total_is_city(k),
                 city_label=k["city_label"], total=style.fmt(k["total"], dec),
                 city=style.fmt(k["city"], dec) if k["city"] is not None else None,
                 reference_label=k["ref_label"], reference=style.fmt(k["ref"], dec) if k["ref"] is not None else None,
                 counts=[w.say(count, _literal=True, label=lab, n=n) for lab, n in counts if n],
                 direction="" if k["additive"] else style.direction_text(None, d.get("direction")))


@register("towns", alt=towns_alt)
def draw(spec: ChartSpec, theme):
    if spec.data.get("geojson"):
        return _draw_map(spec, theme)
    return _draw_bars(spec, theme)


def _draw_bars(spec: ChartSpec, theme):
    d = spec.data
    w = words(theme)
    k = _context(spec, w)
    c = theme.colors
    ref, dec = k["ref"], k["dec"]
    # Towns without a value get no bar (an empty row reads as zero): a note names them.
    pairs = [(t, v) for t, v in k["pairs"] if not math.isnan(v)]
    values = [v for _, v in pairs]
    # A total's parts are not compared with the city total: no city line then.
    city = None if k["additive"] else k["city"]
    n = len(pairs)
    many = n > 20
    size = theme.chart["font_size"] * (0.85 if many else 1.0)
    per_bar = 0.42 if many else 0.55
    note = None
    if k["missing"]:
        width_cm = spec.size[0] if spec.size else theme.chart["width_cm"]
        per_line = max(12, int(width_cm / (size * 2.54 / 72)) - 2)  # CJK characters are 1 em wide
        note = missing_note(k["missing"], per_line, theme)

    note_cm = (note.count("\n") + 1) * size * 1.3 * 2.54 / 72 + 0.2 if note else 0.0
    fig = style.figure(spec, theme, height_cm=max(5.0, 2.6 + per_bar * n) + note_cm)
    ax = fig.add_subplot()
    pos = list(range(n))
    colors, seen = [], []
    for t, _ in pairs:
        which = k["cmp"].get(t)
        colors.append(compare_color(theme, which))
        if which and which not in seen:
            seen.append(which)
    bars = ax.barh(pos, values, color=colors, height=0.66, zorder=2)
    style.value_labels(ax, bars, values, [_share_text(v, k, w) for v in values],
                       theme, padding=2.5, fontsize=size)
    ax.set_yticks(pos, [t for t, _ in pairs], fontsize=size)
    ax.set_ylim(n - 0.5, -0.5)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(style.with_unit(d.get("axis_label", ""), d.get("unit", "")))
    ax.tick_params(axis="x", labelsize=size)

    handles = []
    if city is not None:
        label = f"{k['city_label']} {style.fmt(city, dec)}"
        style.mark_reference(ax.axvline(city, color=c["series"]["city"], linewidth=1.2, zorder=3))
        handles.append(Line2D([], [], color=c["series"]["city"], linewidth=1.2, label=label))
    if ref is not None:
        label = f"{k['ref_label']} {style.fmt(ref, dec)}"
        style.mark_reference(ax.axvline(ref, color=c["primary"], linestyle=(0, (5, 3)),
                                        linewidth=1.0, zorder=3))
        handles.append(Line2D([], [], color=c["primary"], linestyle=(0, (5, 3)), linewidth=1.0,
                              label=label))
    labels = compare_labels(spec, theme)
    for which in (BETTER, SAME, WORSE):
        if which in seen:
            handles.append(Patch(color=compare_color(theme, which), label=labels.get(which, which)))
    if k["additive"]:
        if _total_is_city(k):
            total = w.say("towns.city_total", city=k["city_label"], total=style.fmt(k["total"], dec))
        elif k["city"] is not None:
            total = w.say("towns.total_and_city", total=style.fmt(k["total"], dec), city=k["city_label"],
                          value=style.fmt(k["city"], dec))
        else:
            total = w.say("towns.total", total=style.fmt(k["total"], dec))
        handles.append(Line2D([], [], linestyle="none", label=total))
    elif style.direction_text(theme, d.get("direction")):
        handles.append(Line2D([], [], linestyle="none", label=style.direction_text(theme, d.get("direction"))))
    shown = [v for v in values if not math.isnan(v)] + [x for x in (city, ref) if x is not None]
    lo, hi = min(shown + [0.0]), max(shown + [0.0])
    room = (hi - lo) * 0.12 or 1.0
    ax.set_xlim(lo - (room if lo < 0 else 0), hi + room)
    style.number_axis(ax.xaxis)
    if handles:
        notes_only = all(_is_note(h) for h in handles)  # then no room for symbols either
        legend = ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.0),
                           ncols=style.legend_columns([h.get_label() for h in handles]),
                           frameon=False, handlelength=0 if notes_only else 1.6,
                           handletextpad=0 if notes_only else 0.8, columnspacing=1.2,
                           borderaxespad=0.3, fontsize=size)
        _mute_notes(legend, handles, c["muted"])
    if note:
        fig.supxlabel(note, x=0.01, ha="left", va="bottom", fontsize=size, color=c["muted"],
                      linespacing=1.3)
    return fig


def _is_note(handle) -> bool:
    return isinstance(handle, Line2D) and handle.get_linestyle() == "None"


def _mute_notes(legend, handles, color: str) -> None:
    """Legend entries without a symbol are notes: grey them."""
    for text, h in zip(legend.get_texts(), handles):
        if _is_note(h):
            text.set_color(color)


# -- map -----------------------------------------------------------------------

def _rings(geometry: dict) -> list[list[tuple[float, float]]]:
    """Exterior rings of a Polygon / MultiPolygon (holes are left to smaller polygons on top)."""
    kind, coords = geometry.get("type"), geometry.get("coordinates") or []
    if kind == "Polygon":
        polys = [coords]
    elif kind == "MultiPolygon":
        polys = coords
    else:
        raise ValueError(kind)
    return [[(float(p[0]), float(p[1])) for p in poly[0]] for poly in polys if poly and poly[0]]


def _area_centroid(ring: list[tuple[float, float]]) -> tuple[float, float, float]:
    """Signed-area centroid (shoelace); falls back to the vertex mean for degenerate rings."""
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
        cross = x0 * y1 - x1 * y0
        a += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(a) < 1e-15:
        xs, ys = zip(*ring)
        return sum(xs) / len(xs), sum(ys) / len(ys), 0.0
    return cx / (3 * a), cy / (3 * a), abs(a) / 2


def _draw_map(spec: ChartSpec, theme):
    d = spec.data
    c = theme.colors
    pairs = _pairs(spec)
    value_of = dict(pairs)
    features = (d["geojson"] or {}).get("features") or []
    shapes = []  # (town, rings, label point, area)
    for i, feat in enumerate(features):
        props = (feat or {}).get("properties") or {}
        town = str(props.get("area", "")).strip()
        if not town:
            raise data_error(spec, msg("charts.geo_no_area", n=i + 1))
        try:
            rings = _rings((feat or {}).get("geometry") or {})
        except ValueError as exc:
            raise data_error(spec, msg("charts.geo_type", town=town, kind=exc))
        if not rings:
            continue
        cents = [_area_centroid(r) for r in rings]
        big = max(cents, key=lambda t: t[2])
        shapes.append((town, rings, (big[0], big[1]), sum(t[2] for t in cents)))
    if not shapes:
        raise data_error(spec, msg("charts.geo_empty"))
    shapes.sort(key=lambda s: -s[3])  # big first, so enclosed towns are drawn on top

    w = words(theme)
    k = _context(spec, w)
    dec = k["dec"]
    nodata = "#E6E6E6"
    labels = compare_labels(spec, theme)

    def fill(town: str) -> str:
        v = value_of.get(town, math.nan)
        if math.isnan(v):
            return nodata
        base = to_rgb(compare_color(theme, k["cmp"].get(town)))
        return tuple(0.45 + 0.55 * x for x in base)    # a light tint: names and values stay legible

    xs = [x for _, rings, _, _ in shapes for r in rings for x, _ in r]
    ys = [y for _, rings, _, _ in shapes for r in rings for _, y in r]
    geographic = max(map(abs, xs + ys)) <= 180
    aspect = 1 / math.cos(math.radians((min(ys) + max(ys)) / 2)) if geographic else 1.0
    w_cm = spec.size[0] if spec.size else theme.chart["width_cm"]
    map_h = w_cm * 0.8 * (max(ys) - min(ys)) * aspect / ((max(xs) - min(xs)) or 1)
    fig = style.figure(spec, theme, height_cm=min(w_cm * 1.2, max(8.0, map_h + 2.0)))
    ax = fig.add_subplot()
    polys, faces = [], []
    for town, rings, _, _ in shapes:
        face = fill(town)
        for r in rings:
            polys.append(r)
            faces.append(face)
    ax.add_collection(PolyCollection(polys, facecolors=faces, edgecolors=c["background"],
                                     linewidths=0.6, zorder=2))
    ax.set_xlim(min(xs), max(xs))
    ax.set_ylim(min(ys), max(ys))
    ax.set_aspect(aspect)
    ax.set_axis_off()
    label_size = theme.chart["font_size"] * (0.72 if len(shapes) > 20 else 0.85)
    for town, _, (x, y), _ in shapes:
        v = value_of.get(town, math.nan)
        text = town if math.isnan(v) else w.say("towns.map_label", town=town, value=_share_text(v, k, w))
        ax.text(x, y, text, ha="center", va="center", fontsize=label_size, color=c["text"],
                linespacing=1.1, path_effects=style.halo(theme, 1.6), zorder=4)
    handles = []
    seen = {k["cmp"].get(t) for t, *_ in shapes if not math.isnan(value_of.get(t, math.nan))}
    for which in (BETTER, SAME, WORSE):
        if which in seen:
            base = to_rgb(compare_color(theme, which))
            handles.append(Patch(color=tuple(0.45 + 0.55 * x for x in base), label=labels.get(which, which)))
    if any(math.isnan(value_of.get(t, math.nan)) for t, *_ in shapes):
        handles.append(Patch(color=nodata, label=w.get("common.missing")))
    city = None if k["additive"] else k["city"]
    if city is not None:
        handles.append(Line2D([], [], linestyle="none", label=f"{k['city_label']} {style.fmt(city, dec)}"))
    elif k["additive"]:
        handles.append(Line2D([], [], linestyle="none", label=w.say("towns.total", total=style.fmt(k["total"], dec))))
    if k["ref"] is not None:
        handles.append(Line2D([], [], linestyle="none", label=f"{k['ref_label']} {style.fmt(k['ref'], dec)}"))
    note = None if k["additive"] else (style.direction_text(theme, d.get("direction")) or None)
    if note:
        handles.append(Line2D([], [], linestyle="none", label=note))
    if handles:
        legend = fig.legend(handles=handles, loc="outside upper left",
                            ncols=min(len(handles), style.legend_columns([h.get_label() for h in handles], 60)),
                            frameon=False, handlelength=1.4, fontsize=theme.chart["font_size"] * 0.85)
        _mute_notes(legend, handles, c["muted"])
    return fig
