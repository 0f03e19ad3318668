"""Draw many charts: cached by content hash, misses drawn in parallel, files written atomically.

`render_charts` writes `<out_dir>/<spec.name>.png` for every spec.  A chart whose
hash (spec data + theme + drawing code + matplotlib + font, see `spec_hash`) is
already in the cache is copied, not redrawn.  Misses are drawn in a process pool whose
workers start fresh (never a fork of this process): "forkserver" with this module
preloaded where the platform has it, else "spawn"; a few misses are drawn in this
process, where a pool would cost more than it saves.  Every
PNG depends only on its spec and the theme, so the output is byte-identical
however the work is split.
"""
from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor, as_completed
import multiprocessing
from pathlib import Path
from typing import Callable

from .. import fonts
from ..errors import ReportkitError
from ..write import atomic_write
from .base import ChartSpec, check_kind, draw_png, spec_hash, spec_text

IN_PROCESS_MAX = 3  # this many misses or fewer are drawn without a pool


def _draw(spec: ChartSpec, theme) -> bytes:
    """Pool entry point: module level, so "spawn" workers can import it (importing this
    module imports the package, which registers every kind)."""
    return draw_png(spec, theme)


def _pool_context():
    """A clean-start context: workers import what they need instead of inheriting our state.
    The fork server imports matplotlib and the chart modules once; each worker is forked
    from it (about twice as fast as "spawn", which imports them again per worker)."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload([__name__])
        return ctx
    return multiprocessing.get_context("spawn")


def _put(path: Path, data: bytes) -> None:
    """Write atomically; leave an identical file untouched (its mtime too)."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return
    except FileNotFoundError:
        pass
    atomic_write(path, data)


def render_charts(specs: list[ChartSpec], out_dir: Path, theme, cache_dir: Path | None = None,
                  workers: int | None = None,
                  progress: Callable[[int, int], None] | None = None) -> dict[str, Path]:
    """Write every spec's PNG under `out_dir`; return {spec.name: path}.

    progress(done, total) is called after each chart (cache hits first)."""
    out_dir = Path(out_dir)
    cache = Path(cache_dir) if cache_dir is not None else out_dir / ".cache"
    names: dict[str, ChartSpec] = {}
    for spec in specs:  # check everything before drawing anything
        check_kind(spec)
        fonts.require_coverage(spec_text(spec), "sans", where=f"图表 {spec.name}")
        if spec.name in names and names[spec.name] != spec:
            raise ReportkitError(f"两张不同的图表使用了同一个文件名 {spec.name}.png")
        names[spec.name] = spec
    unique = list(names.values())
    total = len(unique)
    done = 0
    result = {s.name: out_dir / f"{s.name}.png" for s in unique}

    def tick():
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)

    misses: list[tuple[ChartSpec, Path]] = []
    for spec in unique:
        cached = cache / f"{spec_hash(spec, theme.data)}.png"
        if cached.is_file():
            _put(result[spec.name], cached.read_bytes())
            tick()
        else:
            misses.append((spec, cached))

    def finish(spec: ChartSpec, cached: Path, png: bytes) -> None:
        atomic_write(cached, png)
        _put(result[spec.name], png)
        tick()

    if workers is None:
        workers = min(2, os.cpu_count() or 1)
    if len(misses) <= IN_PROCESS_MAX or workers <= 1:
        for spec, cached in misses:
            finish(spec, cached, draw_png(spec, theme))
        return result

    with ProcessPoolExecutor(max_workers=min(workers, len(misses)),
                             mp_context=_pool_context()) as pool:
        futures = {pool.submit(_draw, spec, theme): (spec, cached) for spec, cached in misses}
        try:
            for fut in as_completed(futures):
                spec, cached = futures[fut]
                finish(spec, cached, fut.result())
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)  # don't draw the rest after a failure
            raise
    return result
