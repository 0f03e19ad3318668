"""towns: one indicator across the towns/districts (data/areas kind town), ranked bars or a map.

data = {
    "indicator": "人均公园绿地面积", "unit": "平方米/人", "year": 2020,
    "areas": ["城关街道", …], "values": [12.3, None, …],     # None = no value ("towns" also accepted)
    "city_value": 15.2, "city_label": "全市",                # optional vertical line
    "reference": 15.0, "reference_label": "规划目标",         # optional: colours shortfalls
    "direction": "+", "warning_band": 0.10, "decimals": 1,   # optional
    "additive": False,        # optional: True when town values add up to the city's (a total)
    "town_term": "街道（镇）",  # optional: project.toml [terms] town, for the alt text
    "geojson": {"type": "FeatureCollection", …},             # optional: draw a map instead
}
Bars: ranked best → worst, the figure grows with the number of towns so 30+
bars stay legible.  With a reference, bars short of it take the 预警/短板 colour.
Towns without a value get no bar: a note under the chart names them ("无数据：…"),
so list every town, with None where it has no value.
Map: one polygon per town (property `area`), shaded by value with a colour bar;
towns without a value are grey.
"""
from __future__ import annotations

import math

from matplotlib.collections import PolyCollection
from matplotlib.colors import LinearSegmentedColormap, Normalize, to_rgb
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ..messages import msg
from ..vocab import DEFAULT_TOWN_TERM, GOOD, SHORT, WARN
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


def _rating(spec: ChartSpec, value: float) -> str:
    from ..score.indicators import rate  # the contract's rating rule, imported only when needed

    return rate(value, _ref(spec), spec.data.get("direction", "+"),
                float(spec.data.get("warning_band", 0.10)))


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
    return {"pairs": pairs, "values": values, "additive": is_total, "city": city, "ref": ref,
            "dec": style.spec_decimals(spec, values + [city, _ref(spec)]),
            "city_label": d.get("city_label") or w.get("common.city"),
            "ref_label": d.get("reference_label") or w.get("common.reference"),
            "total": sum(v for v in values if not math.isnan(v)),
            "missing": [t for t, v in pairs if math.isnan(v)]}


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
    short = [t for t, v in have if _rating(spec, v) in (WARN, SHORT)] if k["ref"] is not None else []
    return w.say("towns.alt", year=year, term=term, indicator=d.get("indicator", ""), order=w.get(f"towns.{order}"),
                 items=[w.say("towns.item", area=t, value=style.fmt(v, dec)) for t, v in have], unit=unit,
                 missing=k["missing"], additive=k["additive"], city_total=k["additive"] and _total_is_city(k),
                 city_label=k["city_label"], total=style.fmt(k["total"], dec),
                 city=style.fmt(k["city"], dec) if k["city"] is not None else None,
                 reference_label=k["ref_label"], reference=style.fmt(k["ref"], dec) if k["ref"] is not None else None,
                 short=len(short), direction="" if k["additive"] else w.get("common.direction").get(d.get("direction") or "", ""))


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
    base = c["series"]["town"]
    colors, seen = [], set()
    for _, v in pairs:
        r = _rating(spec, v) if ref is not None else GOOD
        colors.append(base if r == GOOD else theme.rating_color(r))
        seen.add(r)
    bars = ax.barh(pos, values, color=colors, height=0.66, zorder=2)
    style.value_labels(ax, bars, values, [style.fmt(v, dec) for v in values],
                       theme, padding=2.5, fontsize=size)
    ax.set_yticks(pos, [t for t, _ in pairs], fontsize=size)
    ax.set_ylim(n - 0.5, -0.5)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(style.with_unit(d.get("axis_label", ""), d.get("unit", ""), theme))
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
        if GOOD in seen:
            handles.append(Patch(color=base, label=w.say("towns.reached", reference=k["ref_label"])))
        for r in (WARN, SHORT):
            if r in seen:
                handles.append(Patch(color=theme.rating_color(r), label=r))
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


def _colormap(theme) -> LinearSegmentedColormap:
    c = theme.colors
    light = tuple(0.92 + 0.08 * x for x in to_rgb(c["secondary"]))  # a faint tint of the theme
    return LinearSegmentedColormap.from_list("reportkit", [light, c["secondary"], c["primary"]])


def _label_color(face, theme) -> tuple[str, bool]:
    """Label colour on `face`: dark text with a light halo on light fills, plain light text
    on dark fills (True = use the halo)."""
    r, g, b = to_rgb(face)
    light = 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.45
    return (theme.colors["text"], True) if light else (theme.colors["background"], False)


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

    vals = [v for v in value_of.values() if not math.isnan(v)]
    w = words(theme)
    k = _context(spec, w)
    ref, dec = k["ref"], k["dec"]
    city = None if k["additive"] else k["city"]
    vmin, vmax = (min(vals), max(vals)) if vals else (0.0, 1.0)
    if vmin == vmax:
        vmin, vmax = vmin - 1, vmax + 1
    norm, cmap = Normalize(vmin, vmax), _colormap(theme)
    nodata = "#E6E6E6"

    xs = [x for _, rings, _, _ in shapes for r in rings for x, _ in r]
    ys = [y for _, rings, _, _ in shapes for r in rings for _, y in r]
    geographic = max(map(abs, xs + ys)) <= 180
    aspect = 1 / math.cos(math.radians((min(ys) + max(ys)) / 2)) if geographic else 1.0
    w_cm = spec.size[0] if spec.size else theme.chart["width_cm"]
    map_h = w_cm * 0.8 * (max(ys) - min(ys)) * aspect / ((max(xs) - min(xs)) or 1)
    fig = style.figure(spec, theme, height_cm=min(w_cm * 1.2, max(8.0, map_h + 2.0)))
    ax = fig.add_subplot()
    polys, faces, label_colors = [], [], {}
    for town, rings, _, _ in shapes:
        v = value_of.get(town, math.nan)
        face = nodata if math.isnan(v) else cmap(norm(v))
        label_colors[town] = _label_color(face, theme)
        for r in rings:
            polys.append(r)
            faces.append(face)
    ax.add_collection(PolyCollection(polys, facecolors=faces, edgecolors=c["background"],
                                     linewidths=0.6, zorder=2))
    ax.set_xlim(min(xs), max(xs))
    ax.set_ylim(min(ys), max(ys))
    ax.set_aspect(aspect)
    ax.set_axis_off()
    label_size = theme.chart["font_size"] * (0.78 if len(shapes) > 20 else 0.9)
    for town, _, (x, y), _ in shapes:
        text_color, with_halo = label_colors[town]
        ax.text(x, y, town, ha="center", va="center", fontsize=label_size, color=text_color,
                path_effects=style.halo(theme, 1.6) if with_halo else None, zorder=4)

    from matplotlib.cm import ScalarMappable

    sm = ScalarMappable(norm=norm, cmap=cmap)
    bar = fig.colorbar(sm, ax=ax, orientation="horizontal", location="bottom", shrink=0.6,
                       aspect=40, pad=0.02)
    bar.set_label(style.with_unit(d.get("indicator", ""), d.get("unit", ""), theme))
    bar.outline.set_visible(False)
    style.number_axis(bar.ax.xaxis)
    handles = []
    for value, label, color, ls in (
            (city, k["city_label"], c["series"]["city"], "-"),
            (ref, k["ref_label"], c["text"], (0, (3, 2)))):
        if value is not None and vmin <= value <= vmax:
            bar.ax.axvline(value, color=color, linewidth=1.4, linestyle=ls)
            handles.append(Line2D([], [], color=color, linewidth=1.4, linestyle=ls,
                                  label=f"{label} {style.fmt(value, dec)}"))
    if any(math.isnan(value_of.get(t, math.nan)) for t, *_ in shapes):
        handles.append(Patch(color=nodata, label=w.get("common.missing")))
    note = None if k["additive"] else style.direction_text(theme, d.get("direction"))
    if note:
        handles.append(Line2D([], [], linestyle="none", label=note))
    if handles:
        legend = fig.legend(handles=handles, loc="outside upper left", ncols=len(handles),
                            frameon=False, handlelength=1.4, fontsize=theme.chart["font_size"] * 0.85)
        _mute_notes(legend, handles, c["muted"])
    return fig
