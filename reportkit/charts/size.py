"""A chart's size in pixels before it is drawn.

Every drawer makes its figure with `style.figure()` from the spec's data (the number of
bars, rows...) before it draws anything; asked for the size only, `figure()` stops the
drawer right there (style.Sized), so the answer costs a few milliseconds instead of the
drawing (about 0.2 s a chart).  The PDF is laid out with images of that size while the
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
        fig = sized.fig
    except Exception:
        return None
    else:
        return None
    finally:
        style._SIZING.pop()
    fig.set_dpi(theme.chart["dpi"])
    w, h = fig.bbox.size   # what the Agg canvas of charts.base._png is made of
    if not (math.isfinite(w) and math.isfinite(h)):
        return None
    return int(w), int(h)
