"""The chart registry, the ChartSpec hand-off and deterministic PNG output."""
from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable

import matplotlib

matplotlib.use("Agg")

from ..errors import ReportkitError  # noqa: E402
from ..messages import join, msg  # noqa: E402

DRAWERS: dict[str, Callable] = {}
ALTS: dict[str, Callable] = {}
CHART_VERSION = "2"  # bump to invalidate every cached chart (the drawing code is hashed too)


@dataclass(frozen=True)
class ChartSpec:
    """Everything a chart needs, as plain JSON-able data (hashable for the cache)."""

    kind: str                  # a registered drawer, e.g. "trend"
    name: str                  # stable file stem, e.g. "trend-STYJ-01"
    data: dict = field(default_factory=dict)
    title: str = ""
    size: tuple[float, float] | None = None  # width, height in cm; theme default if None

    def key(self) -> dict:
        return {"kind": self.kind, "name": self.name, "data": self.data, "title": self.title,
                "size": list(self.size) if self.size else None}


def register(kind: str, alt: Callable | None = None):
    """Decorator: `@register("trend", alt=trend_alt)` on `draw(spec, theme) -> Figure`;
    `trend_alt(spec, wording)` writes the alternative text with the sentences of
    templates/charts.toml (reportkit.charts.words)."""
    def deco(fn):
        DRAWERS[kind] = fn
        if alt is not None:
            ALTS[kind] = alt
        return fn
    return deco


@lru_cache(maxsize=1)
def _environment() -> dict:
    """What else decides a chart's pixels: the drawing code, matplotlib and the font file."""
    from .. import fonts

    code = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        code.update(path.name.encode() + b"\0" + path.read_bytes())
    from ..theme import TEMPLATES
    from .words import NAME

    code.update(NAME.encode() + b"\0" + (TEMPLATES / NAME).read_bytes())   # the built-in wording
    try:
        font = fonts.resolve("sans")
        font_id = [font.path.name, font.index, font.path.stat().st_size]
    except ReportkitError:
        font_id = None
    return {"code": code.hexdigest()[:16], "matplotlib": matplotlib.__version__, "font": font_id}


def spec_hash(spec: ChartSpec, theme_data: dict, wording: dict | None = None) -> str:
    """The cache key of a chart; `wording` is a project's own chart wording (charts.words)."""
    key = {"v": CHART_VERSION, "env": _environment(), "spec": spec.key(), "theme": theme_data}
    if wording is not None:
        key["wording"] = wording
    payload = json.dumps(key,
                         ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:20]


def alt_text(spec: ChartSpec, theme=None) -> str:
    """Alternative text for a chart, written from the chart's own data in the wording of
    templates/charts.toml (the project's, when `theme` comes from a project)."""
    from .words import words

    fn = ALTS.get(spec.kind)
    if fn is None:
        return spec.title
    return fn(spec, words(theme)) if _takes_wording(fn) else fn(spec)


@lru_cache(maxsize=None)
def _takes_wording(fn) -> bool:
    """Alt-text writers take (spec, wording); one written as (spec) still works."""
    import inspect

    return len(inspect.signature(fn).parameters) > 1


def check_kind(spec: ChartSpec) -> None:
    if spec.kind not in DRAWERS:
        raise ReportkitError(msg("charts.unknown_kind", name=spec.name, kind=repr(spec.kind),
                                 known=join(sorted(DRAWERS))))


def spec_text(spec: ChartSpec) -> str:
    """Every string a chart may show: its title and all strings in its data.

    Of a GeoJSON only the `area` property is shown (as map labels)."""
    out: list[str] = [spec.title]

    def walk(obj):
        if isinstance(obj, str):
            out.append(obj)
        elif isinstance(obj, dict):
            for k, v in obj.items():
                if k == "geojson":
                    for feat in (v or {}).get("features", []) or []:
                        out.append(str(((feat or {}).get("properties") or {}).get("area", "")))
                    continue
                walk(k)
                walk(v)
        elif isinstance(obj, (list, tuple)):
            for v in obj:
                walk(v)

    walk(spec.data)
    return "\n".join(out)


def data_error(spec: ChartSpec, message: str) -> ReportkitError:
    return ReportkitError(msg("charts.data_error", name=spec.name, kind=spec.kind, message=message))


def need(spec: ChartSpec, *keys: str) -> None:
    """Raise a clear error when the spec's data lacks one of `keys`."""
    missing = [k for k in keys if k not in spec.data]
    if missing:
        raise data_error(spec, msg("charts.missing_fields", fields=join(missing)))


def same_length(spec: ChartSpec, *keys: str) -> int:
    lengths = {k: len(spec.data.get(k) or []) for k in keys}
    if len(set(lengths.values())) > 1:
        shown = join((msg("charts.length", key=k, n=n) for k, n in lengths.items()), "comma")
        raise data_error(spec, msg("charts.lengths_differ", lengths=shown))
    return next(iter(lengths.values()), 0)


def _figure_text(fig) -> str:
    from matplotlib.text import Text

    return "\n".join(t.get_text() for t in fig.findobj(Text))


def draw_png(spec: ChartSpec, theme) -> bytes:
    """Draw one chart and return reproducible PNG bytes (no timestamp, no version text).

    Before drawing, every string of the spec must be covered by one CJK font
    (else a ReportkitError names the characters); drawing starts from matplotlib's
    defaults plus the house style, whatever the calling process changed."""
    from .. import fonts
    from .style import rc_params

    check_kind(spec)
    where = msg("charts.where", name=spec.name)
    font = fonts.require_coverage(spec_text(spec), "sans", where=where, theme=theme)
    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        matplotlib.rcParams.update(rc_params(theme, font))
        fig = DRAWERS[spec.kind](spec, theme)
        if spec.title:
            fig.suptitle(spec.title, x=0.01, ha="left", fontsize=theme.chart["title_size"])
        missing = font.covers(_figure_text(fig))
        if missing:  # a label the drawer added itself (never from the data)
            raise ReportkitError(msg("charts.drawn_glyphs", where=where, family=font.family,
                                     chars="".join(sorted(missing))))
        return _png(fig, theme)


def _png(fig, theme) -> bytes:
    """The figure as reproducible RGB PNG bytes, drawn once.

    Charts sit on an opaque background, so they are stored as RGB, not RGBA: a third
    smaller, and the PDF writer copies an RGB PNG's image data as it is instead of
    decoding and re-encoding every chart with a separate alpha mask.  One Agg draw
    (the constrained layout runs inside it) and one PNG encoding: `savefig` would lay
    the figure out in a draw of its own first and encode an RGBA PNG that then had to
    be decoded again (the same pixels, a third more time).  zlib level 3: on charts
    (flat colours, antialiased edges) it is both faster than the default 6 (about a
    third less encoding time) and smaller (about 7 % over the demo's 100 charts), since
    levels 4-6 switch to lazy matching, which does not pay on such images.  No metadata
    chunk: no timestamp, no version text."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    fig.set_dpi(theme.chart["dpi"])
    fig.set_facecolor(theme.colors["background"])
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    size = canvas.get_width_height(physical=True)
    rgb = Image.frombuffer("RGBA", size, canvas.buffer_rgba(), "raw", "RGBA", 0, 1).convert("RGB")
    out = io.BytesIO()
    rgb.save(out, format="PNG", compress_level=3)
    return out.getvalue()
