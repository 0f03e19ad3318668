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
DIRECTION_NOTE = {"+": "数值越高越好", "-": "数值越低越好"}

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
        cached = getattr(fm, "_findfont_cached", None)  # addfont clears it; so must a reorder
        if cached is not None:
            cached.cache_clear()
        _registered.add(key)
    return font.family


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
    from matplotlib.figure import Figure

    if spec.size:
        w, h = spec.size
    else:
        w = width_cm or theme.chart["width_cm"]
        h = height_cm or theme.chart["height_cm"]
    return Figure(figsize=(w * CM, h * CM), layout="constrained")


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


def auto_decimals(values: Iterable, max_decimals: int = 2) -> int:
    """Decimals that show these values sensibly: as few as the data needs, fewer for
    big numbers (≥1000: 0, ≥10: at most 1), never more than `max_decimals`."""
    vals = [abs(v) for v in numbers(values) if not math.isnan(v)]
    if not vals:
        return 0
    top = max(vals)
    cap = 0 if top >= 1000 else 1 if top >= 10 else max_decimals
    need = 0
    for v in vals:
        for d in range(cap + 1):
            if abs(round(v, d) - v) < 1e-9 * max(1.0, v):
                need = max(need, d)
                break
        else:
            need = cap
    return min(need, cap)


def spec_decimals(spec, values: Iterable, max_decimals: int = 2) -> int:
    """The spec's own "decimals" (set it to match tables and text), else `auto_decimals`."""
    given = spec.data.get("decimals")
    return int(given) if given is not None else auto_decimals(values, max_decimals)


def fmt(v, decimals: int = 1, missing: str = "—") -> str:
    """A number with thousands separators and fixed decimals ("—" when missing)."""
    if is_missing(v):
        return missing
    from ..fmt import round_text  # same 四舍五入 rounding as the report's tables and text

    return round_text(float(v), decimals)


def with_unit(label: str, unit: str) -> str:
    """An axis label carrying its unit: "人均公园绿地面积（平方米/人）"."""
    label, unit = (label or "").strip(), (unit or "").strip()
    if label and unit:
        return f"{label}（{unit}）"
    return label or unit


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
    """Value labels at the bar ends, kept legible over reference lines; missing values muted."""
    c = theme.colors
    labels = ax.bar_label(bars, texts, padding=kw.pop("padding", 3), color=c["text"], **kw)
    for text, v in zip(labels, values):
        text.set_path_effects(halo(theme, 2.5))
        text.set_zorder(6)
        if is_missing(v):
            text.set_color(c["muted"])
    return labels


def reference_line(ax, ref: float, label: str, value_text: str, color: str, theme, *,
                   horizontal_bars: bool) -> None:
    """A dashed reference line across the plot, labelled outside the plot area so it
    never covers data: a horizontal line (values on y) is labelled in the right margin
    ("规划目标" over "15.0"); a vertical one (horizontal bars) just above the plot."""
    kw = dict(color=color, path_effects=halo(theme, 2.5), zorder=7, textcoords="offset points",
              annotation_clip=False)
    if horizontal_bars:
        ax.axvline(ref, color=color, linestyle=(0, (5, 3)), linewidth=1.0, zorder=3)
        ax.annotate(f"{label} {value_text}", (ref, 1.0), xycoords=("data", "axes fraction"),
                    xytext=(0, 2), ha="center", va="bottom", **kw)
        return
    ax.axhline(ref, color=color, linestyle=(0, (5, 3)), linewidth=1.0, zorder=3)
    ax.annotate(f"{label}\n{value_text}", (1.0, ref), xycoords=("axes fraction", "data"),
                xytext=(4, 0), ha="left", va="center", linespacing=1.15, **kw)


def legend_columns(labels: list[str], width_chars: int = 48) -> int:
    """Legend columns: one row when the labels fit across the chart, else two rows."""
    need = sum(len(x) + 4 for x in labels)
    return len(labels) if need <= width_chars else max(1, math.ceil(len(labels) / 2))


def direction_note(ax, direction: str, theme) -> None:
    """"数值越高越好" / "数值越低越好" in small muted type above the plot's top-left corner."""
    note = DIRECTION_NOTE.get(direction or "")
    if note:
        ax.text(0.0, 1.02, note, transform=ax.transAxes, ha="left", va="bottom",
                color=theme.colors["muted"], fontsize=theme.chart["font_size"] * 0.9)


def number_axis(axis) -> None:
    """Round tick steps (1, 2, 5 × 10ⁿ) labelled with thousands separators."""
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(nbins="auto", steps=[1, 2, 5, 10]))
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
