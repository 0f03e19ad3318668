"""Draw many charts and return their PNG bytes; nothing is written here.

A chart whose hash (spec data + theme + drawing code + matplotlib + font, see
`spec_hash`) is in the cache folder is read from it, not redrawn; the build
hands the new cache entries to the Writer with the documents, so figures,
cache and documents are committed together or not at all.  Every PNG depends
only on its spec and the theme, so the bytes are the same however the work is
split between processes (reportkit/workers.py draws the misses of a build).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .. import fonts
from ..errors import ReportkitError
from ..messages import msg
from .base import ChartSpec, check_kind, draw_png, spec_hash, spec_text
from .words import wording_key

CACHE_DIR = ".cache/figures"      # under --out


@dataclass
class Drawn:
    png: dict[str, bytes] = field(default_factory=dict)          # chart name -> PNG
    new_cache: dict[str, bytes] = field(default_factory=dict)    # cache file name -> PNG (misses)
    hits: int = 0


def check_specs(specs: list[ChartSpec], theme=None) -> list[ChartSpec]:
    """Every spec drawable (known kind, every character covered by a font) and one spec
    per name; the unique specs in order.  Runs before anything is drawn."""
    names: dict[str, ChartSpec] = {}
    for spec in specs:
        check_kind(spec)
        fonts.require_coverage(spec_text(spec), "sans", where=msg("charts.where", name=spec.name), theme=theme)
        if spec.name in names and names[spec.name] != spec:
            raise ReportkitError(msg("charts.same_name", name=spec.name))
        names[spec.name] = spec
    return list(names.values())


def cache_name(spec: ChartSpec, theme) -> str:
    return f"{spec_hash(spec, theme.data, wording_key(theme))}.png"


def from_cache(specs: list[ChartSpec], theme, cache_dir: Path | None) -> tuple[dict[str, bytes], list[ChartSpec]]:
    """(PNG of every cached spec, the specs still to draw)."""
    hits: dict[str, bytes] = {}
    misses: list[ChartSpec] = []
    for spec in specs:
        path = Path(cache_dir) / cache_name(spec, theme) if cache_dir is not None else None
        if path is not None and path.is_file():
            hits[spec.name] = path.read_bytes()
        else:
            misses.append(spec)
    return hits, misses


def draw_many(specs: list[ChartSpec], theme, cache_dir: Path | None = None,
              progress: Callable[[int, int], None] | None = None) -> Drawn:
    """Draw (or read from the cache) every spec in this process."""
    unique = check_specs(specs, theme)
    hits, misses = from_cache(unique, theme, cache_dir)
    out = Drawn(dict(hits), hits=len(hits))
    done = len(hits)
    if progress and done:
        progress(done, len(unique))
    for spec in misses:
        png = draw_png(spec, theme)
        out.png[spec.name] = png
        out.new_cache[cache_name(spec, theme)] = png
        done += 1
        if progress:
            progress(done, len(unique))
    out.png = {s.name: out.png[s.name] for s in unique}
    return out
