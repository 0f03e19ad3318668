"""A chart's size in pixels before it is drawn.

Every drawer makes its figure with `style.figure()` from the spec's data (the number of
bars, rows...) before it draws anything; asked for the size only, `figure()` stops the
drawer right there (style.Sized), before even a Figure is made, so the answer costs a
millisecond instead of the drawing (about 0.2 s a chart).  The PDF is laid out with images of that size while the
charts are drawn (render/deferred.py), and each drawn PNG is checked against it.
"""
from __future__ import annotations

import math

import matplotlib

from .base import ChartSpec, DRAWERS, check_kind
from . import style


def pixel_size(spec: ChartSpec, theme) -> tuple[int, int] | None:
    """(width, height) in pixels of the PNG `charts.base.draw_png(spec, theme)` makes, or
    None when the drawer cannot say without drawing (it does not make its figure with
    style.figure(), or fails first: the real draw then reports the problem)."""
    check_kind(spec)
    style._SIZING.append(True)
    try:
        with matplotlib.rc_context():
            DRAWERS[spec.kind](spec, theme)
    except style.Sized as sized:
        figsize = sized.figsize
    except Exception:
        return None
    else:
        return None
    finally:
        style._SIZING.pop()
    # Figure.bbox (figsize in inches times the dpi) is what the Agg canvas of
    # charts.base._png is made of: int() of each side
    dpi = theme.chart["dpi"]
    w, h = figsize[0] * dpi, figsize[1] * dpi
    if not (math.isfinite(w) and math.isfinite(h)) or w < 1 or h < 1:
        return None
    return int(w), int(h)
