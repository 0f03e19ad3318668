"""The house style for charts: matplotlib rcParams and fonts from templates/theme.toml.

Style lives in the theme file ([chart], [colors], [fonts]); this module only
translates it.  Drawers read colours through the theme and sizes through
`figure()`, and format numbers with `fmt()` so every chart looks alike.
"""
from __future__ import annotations

import math
from collections.abc import Iterable

import matplotlib
from matplotlib import font_manager
from matplotlib.ticker import Formatter

from .. import fonts

CM = 1 / 2.54  # inches per centimetre

_registered: set[tuple[str, int]] = set()


def register_font(font: fonts.Font) -> str:
    """Make `font` known to matplotlib (once per process) and return its family name.

    If another installed file carries the same family name, ours is moved to the
    front so matplotlib draws with exactly the resolved file (reproducible output).
    """
    key = (str(font.path), font.index)
    if key not in _registered:
        fm = font_manager.fontManager
        fm.addfont(str(font.path))
        ours = [e for e in fm.ttflist if e.fname == str(font.path)]
        rest = [e for e in fm.ttflist if e.fname != str(font.path)]
        fm.ttflist[:] = ours + rest
        _register_bold(fm, font)
        cached = getattr(fm, "_findfont_cached", None)  # addfont clears it; so must a reorder
        if cached is not None:
            cached.cache_clear()
        _registered.add(key)
    return font.family


def _register_bold(fm, font: fonts.Font) -> None:
    """Register the real Bold face under the regular face's family name, so that a
    fontweight="bold" label is drawn in it rather than in the regular face."""
    import dataclasses

    kind = "serif" if "serif" in font.family.lower() else "sans"
    try:
        bold = fonts.resolve_bold(kind)
    except Exception:   # no bold face installed: charts draw no bold text of their own
        return
    if any(e.fname == str(bold.path) for e in fm.ttflist):
        return
    fm.addfont(str(bold.path))
    fm.ttflist[:] = [dataclasses.replace(e, name=font.family, weight=700) if e.fname == str(bold.path) else e
                     for e in fm.ttflist]


def rc_params(theme, font: fonts.Font | None = None) -> dict:
    """rcParams for the theme, drawing every text with `font` (default: the first sans font)."""
    from cycler import cycler

    font = font or fonts.resolve("sans")
    family = register_font(font)
    c, ch = theme.colors, theme.chart
    size = float(ch["font_size"])
    small = float(ch.get("small_font_size", round(size * 0.9, 1)))
    return {
        "figure.dpi": ch["dpi"],
        "savefig.dpi": ch["dpi"],
        "figure.figsize": (ch["width_cm"] * CM, ch["height_cm"] * CM),
        "figure.facecolor": c["background"],
        "savefig.facecolor": c["background"],
        "figure.constrained_layout.use": True,
        "figure.constrained_layout.h_pad": 0.04,
        "figure.constrained_layout.w_pad": 0.04,
        "font.family": [family],
        "font.size": size,
        "axes.titlesize": ch["title_size"],
        "axes.titlelocation": "left",
        "axes.titlepad": 8.0,
        "axes.labelsize": size,
        "axes.labelcolor": c["text"],
        "axes.facecolor": c["background"],
        "axes.edgecolor": c["muted"],
        "axes.linewidth": 0.6,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "axes.axisbelow": True,
        "axes.prop_cycle": cycler(color=theme.palette),
        "axes.unicode_minus": False,
        "axes.formatter.use_locale": False,
        "grid.color": c["grid"],
        "grid.linewidth": 0.6,
        "grid.linestyle": "-",
        "xtick.labelsize": small,
        "ytick.labelsize": small,
        "xtick.color": c["muted"],
        "ytick.color": c["muted"],
        "xtick.labelcolor": c["text"],
        "ytick.labelcolor": c["text"],
        "xtick.major.size": 2.5,
        "ytick.major.size": 2.5,
        "legend.fontsize": small,
        "legend.frameon": False,
        "lines.linewidth": ch["line_width"],
        "lines.markersize": 4.5,
        "patch.linewidth": 0,
        "text.color": c["text"],
        "text.parse_math": False,   # "$" or "_" in a label is text, never math
        "svg.hashsalt": "reportkit",   # reproducible ids should anyone save SVG
        "pdf.fonttype": 42,
        "path.simplify": True,
    }


def apply_theme(theme, font: fonts.Font | None = None) -> None:
    """Set matplotlib's global rcParams to the house style (registering the CJK font once)."""
    matplotlib.rcParams.update(rc_params(theme, font))


# -- helpers shared by the drawers --------------------------------------------

def figure(spec, theme, height_cm: float | None = None, width_cm: float | None = None):
    """A new constrained-layout Figure (not managed by pyplot): spec.size, else the given
    default height for this kind, else the theme's chart size."""
    if spec.size:
        w, h = spec.size
    else:
        w = width_cm or theme.chart["width_cm"]
        h = height_cm or theme.chart["height_cm"]
    if _SIZING:   # charts/size.py: only the figure's size was asked for
        raise Sized((w * CM, h * CM))
    from matplotlib.figure import Figure

    return Figure(figsize=(w * CM, h * CM), layout="constrained")


_SIZING: list = []


class Sized(Exception):
    """Raised by figure() while charts/size.py asks a drawer for its figure's size."""

    def __init__(self, figsize: tuple[float, float]):
        super().__init__("sized")
        self.figsize = figsize


def is_missing(v) -> bool:
    """None, NaN or pandas' NA."""
    if v is None:
        return True
    try:
        return math.isnan(float(v))
    except TypeError:
        return True


def numbers(values: Iterable) -> list[float]:
    """Values as floats, missing ones as NaN."""
    return [math.nan if is_missing(v) else float(v) for v in values]


def spec_decimals(spec, values: Iterable, max_decimals: int = 2) -> int:
    """The spec's own "decimals" (composers set it from reportkit.fmt, so that a chart
    prints its numbers as the tables and text do), else reportkit.fmt's rule for a set of
    values of one quantity (Formatter.decimals_needed)."""
    given = spec.data.get("decimals")
    if given is not None:
        return int(given)
    from ..fmt import Formatter

    return Formatter().decimals_needed(values, small=max_decimals)


def fmt(v, decimals: int = 1, missing: str = "—") -> str:
    """A number with thousands separators and fixed decimals ("—" when missing), written
    by reportkit.fmt (the same 四舍五入 rounding as the report's tables and text)."""
    if is_missing(v):
        return missing
    from ..fmt import Formatter

    return Formatter().num(float(v), decimals)


def shares(counts) -> list[str]:
    """Shares of one whole, as the tables print them (reportkit.fmt Formatter.shares)."""
    from ..fmt import Formatter

    return Formatter().shares(counts)


def with_unit(label: str, unit: str, theme=None) -> str:
    """An axis label carrying its unit: "人均公园绿地面积（平方米/人）" (charts.toml common.with_unit)."""
    label, unit = (label or "").strip(), (unit or "").strip()
    if label and unit:
        from .words import words

        return words(theme).say("common.with_unit", label=label, unit=unit)
    return label or unit


def direction_text(theme, direction: str | None) -> str:
    """"数值越高越好" / "数值越低越好" for "+" / "-", else "" (charts.toml common.direction)."""
    from .words import words

    return words(theme).get("common.direction").get(direction or "", "")


class NumberFormatter(Formatter):
    """Tick labels with thousands separators and just the decimals the ticks need
    (a 0.25 step shows 2 decimals, a 0.5 step 1, a 5 step none)."""

    decimals = 0

    def set_locs(self, locs):
        super().set_locs(locs)
        for d in range(4):
            if all(abs(round(x, d) - x) < 1e-6 * max(1.0, abs(x)) for x in locs):
                self.decimals = d
                break
        else:
            self.decimals = 3

    def __call__(self, x, pos=None):
        return fmt(x, self.decimals)


def value_labels(ax, bars, values: list[float], texts: list[str], theme, **kw) -> list:
    """Value labels at the bar ends, kept clear of reference lines; missing values muted."""
    c = theme.colors
    labels = ax.bar_label(bars, texts, padding=kw.pop("padding", 3), color=c["text"], **kw)
    for text, v in zip(labels, values):
        text.set_path_effects(halo(theme, 2.5))
        text.set_zorder(6)
        if is_missing(v):
            text.set_color(c["muted"])
    clear_of_lines(labels)
    return labels


REFERENCE_GID = "reportkit-reference"
LABEL_GAP = 2.0  # points between a value label and a reference line it was moved past


def mark_reference(line):
    """Mark a straight reference line (axvline / axhline) so that value labels keep clear of it."""
    line.set_gid(REFERENCE_GID)
    return line


def _reference_positions(ax) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    """(pixel x, half width) of the marked vertical lines and (pixel y, half width) of the
    horizontal ones, as drawn now."""
    xs, ys = [], []
    for line in ax.lines:
        if line.get_gid() != REFERENCE_GID or not line.get_visible():
            continue
        (x0, y0), (x1, y1) = line.get_transform().transform(line.get_xydata())[[0, -1]]
        half = line.get_linewidth() / 2 * ax.get_figure(root=True).dpi / 72
        if abs(x0 - x1) < 0.5:
            xs.append((float(x0), half))
        elif abs(y0 - y1) < 0.5:
            ys.append((float(y0), half))
    return xs, ys


def _shift_past(lo: float, hi: float, anchor: float, lines: list[tuple[float, float]],
                gap: float) -> float:
    """How far to move the span [lo, hi] (pixels, on one side of `anchor`) away from
    `anchor` so that no line runs through it or within `gap` of it: past the line, as far
    from it as from the anchor before (as if the bar ended at the line), at least `gap`."""
    outward = 1.0 if (lo + hi) / 2 >= anchor else -1.0
    shift = 0.0
    for pos, half in sorted(lines, key=lambda p: outward * p[0]):
        if outward * (pos - anchor) < 0:
            continue  # behind the point (inside the bar): never in the label's way
        clear = gap + half
        if lo + shift - clear < pos < hi + shift + clear:
            just_past = (pos + clear - lo) if outward > 0 else (pos - clear - hi)
            shift = outward * max(outward * just_past, outward * (pos - anchor))
    return shift


def _ink_rows(text, box, renderer) -> tuple[float, float]:
    """Bottom and top (pixels) of the glyphs of a one-line `text` laid out in `box`: the
    layout box is as tall as "lp" in the font, digits are much lower."""
    s = text.get_text()
    if "\n" in s or not s:
        return box.y0, box.y1
    prop = text.get_fontproperties()
    _, h, d = renderer.get_text_width_height_descent(s, prop, ismath=False)
    _, _, lp_d = renderer.get_text_width_height_descent("lp", prop, ismath=False)
    baseline = box.y0 + max(d, lp_d)
    return baseline - d, baseline - d + h


def clear_of_lines(labels, gap: float = LABEL_GAP) -> None:
    """Keep annotations (placed at "data" points with an offset in points: value labels)
    clear of the axes' reference lines (see `mark_reference`): a label a line would run
    through is moved, away from its point, to just past the line.  Decided at draw time,
    when the layout is final, so it holds whatever size the figure ends up."""
    from matplotlib.text import Text
    from matplotlib.transforms import Affine2D

    def coords_for(ann):
        def coords(renderer):
            ax = ann.axes
            dpi = ann.get_figure(root=True).dpi
            anchor = ax.transData.transform(ann.xy)
            base = Affine2D().scale(dpi / 72).translate(*anchor)  # = "offset points"
            xs, ys = _reference_positions(ax)
            off_x, off_y = ann.xyann
            # a label beside its point (horizontal bars) moves across vertical lines only,
            # one above or below it (vertical bars, line charts) across horizontal ones only
            sideways = abs(off_x) >= abs(off_y)
            lines = xs if sideways else ys
            if not lines:
                return base
            ann.set_transform(base)  # measure the text where "offset points" puts it
            box = Text.get_window_extent(ann, renderer)
            px = gap * dpi / 72
            if sideways:
                return base.translate(_shift_past(box.x0, box.x1, anchor[0], lines, px), 0)
            y0, y1 = _ink_rows(ann, box, renderer)
            return base.translate(0, _shift_past(y0, y1, anchor[1], lines, px))
        return coords

    for ann in labels:
        if ann.xycoords == "data" and ann.anncoords == "offset points":
            ann.set_anncoords(coords_for(ann))


def reference_line(ax, ref: float, label: str, value_text: str, color: str, theme, *,
                   horizontal_bars: bool) -> None:
    """A dashed reference line across the plot, labelled outside the plot area so it
    never covers data: a horizontal line (values on y) is labelled in the right margin
    ("规划目标" over "15.0"); a vertical one (horizontal bars) just above the plot.
    Value labels (`value_labels`, `clear_of_lines`) are moved just past it."""
    kw = dict(color=color, path_effects=halo(theme, 2.5), zorder=7, textcoords="offset points",
              annotation_clip=False)
    if horizontal_bars:
        mark_reference(ax.axvline(ref, color=color, linestyle=(0, (5, 3)), linewidth=1.0, zorder=3))
        ax.annotate(f"{label} {value_text}", (ref, 1.0), xycoords=("data", "axes fraction"),
                    xytext=(0, 2), ha="center", va="bottom", **kw)
        return
    mark_reference(ax.axhline(ref, color=color, linestyle=(0, (5, 3)), linewidth=1.0, zorder=3))
    ax.annotate(f"{label}\n{value_text}", (1.0, ref), xycoords=("axes fraction", "data"),
                xytext=(4, 0), ha="left", va="center", linespacing=1.15, **kw)


def legend_columns(labels: list[str], width_chars: int = 48) -> int:
    """Legend columns: one row when the labels fit across the chart, else two rows."""
    need = sum(len(x) + 4 for x in labels)
    return len(labels) if need <= width_chars else max(1, math.ceil(len(labels) / 2))


def direction_note(ax, direction: str, theme) -> None:
    """"数值越高越好" / "数值越低越好" in small muted type above the plot's top-left corner."""
    note = direction_text(theme, direction)
    if note:
        ax.text(0.0, 1.02, note, transform=ax.transAxes, ha="left", va="bottom",
                color=theme.colors["muted"], fontsize=theme.chart["font_size"] * 0.9)


def number_axis(axis, integer: bool = False) -> None:
    """Round tick steps (1, 2, 5 × 10ⁿ) labelled with thousands separators; on a count
    axis (`integer`: questionnaires, mentions) whole numbers only, never "0.2 份"."""
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(nbins="auto", steps=[1, 2, 5, 10], integer=integer))
    axis.set_major_formatter(NumberFormatter())


def color(theme, name: str | None, default: str) -> str:
    """A colour given as hex ("#1F4E79") or as a theme role ("primary", "rating-短板")."""
    if not name:
        return default
    if name.startswith("#"):
        return name
    if name.startswith("series."):
        return theme.colors["series"].get(name[7:], default)
    return theme.role_color(name) or default


def halo(theme, width: float = 2.0, color: str | None = None) -> list:
    """An outline (background-coloured by default) so labels stay legible on bars and lines."""
    from matplotlib import patheffects

    return [patheffects.withStroke(linewidth=width, foreground=color or theme.colors["background"])]
