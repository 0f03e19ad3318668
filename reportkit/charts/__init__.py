"""Chart stage: ChartSpec (data only) -> PNG bytes, drawn in the house style.

Each chart kind lives in its own module and registers a drawer with
`@register(kind)`.  Importing this package imports every kind module.
"""
from . import bars, peers, radar, ratings, strip, survey, towns, tracking, trend, years  # noqa: F401  (register kinds)
from .base import ChartSpec, alt_text, draw_png, register, spec_hash  # noqa: F401
