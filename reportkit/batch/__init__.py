"""Batch builds of a province: every city of province.toml, in worker processes.

    run_batch(province, out_dir, workers=None, scheduler=None) -> BatchResult

For each city: the content hash of its inputs (batch.fingerprint) is compared with
the one stored beside its last outputs; an unchanged city is skipped, the others are
built by an engine (batch.engine: a process pool, or Dask), each city's outputs
committed as a whole under OUT/cities/<city>/ (batch.store) as soon as it is done,
and OUT/batch.csv lists every city in province.toml order:
city, status (ok | failed), seconds, errors, message, project.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from .city import FAILED, OK, CityResult
from .store import (CITIES, city_folder, commit_city, marker_bytes, read_marker, recover, write_batch_csv,
                    batch_lock)


@dataclass
class BatchResult:
    results: list[CityResult]        # province.toml order
    csv: Path
    seconds: float
    engine: str
    cpu: float = 0.0                 # CPU seconds the workers spent on the cities built
    folders: dict = field(default_factory=dict)

    @property
    def built(self) -> list[CityResult]:
        return [r for r in self.results if r.status == OK and not r.skipped]

    @property
    def skipped(self) -> list[CityResult]:
        return [r for r in self.results if r.skipped]

    @property
    def failed(self) -> list[CityResult]:
        return [r for r in self.results if r.status == FAILED]


def city_folders(province) -> dict[str, str]:
    """City name -> its folder under OUT/cities/ (distinct, or a user error)."""
    from ..errors import ReportkitError
    from ..load.province import say

    folders: dict[str, str] = {}
    owner: dict[str, str] = {}
    for c in province.cities:
        f = city_folder(c.name)
        if f in owner:
            raise ReportkitError(say("folder_clash", province.root, a=owner[f], b=c.name, folder=f))
        owner[f] = c.name
        folders[c.name] = f
    return folders


def _longest_first(todo: list, out_dir: Path) -> list:
    """The biggest cities first (by the last batch's seconds, else by the size of the
    project folder), so that the pool does not wait on one big city at the end."""
    import os

    from .store import read_batch_csv

    last: dict[str, float] = {}
    try:
        for row in read_batch_csv(out_dir):
            try:
                last[row.get("city", "")] = float(row.get("seconds") or 0)
            except ValueError:
                pass
    except (OSError, UnicodeDecodeError, ValueError):
        pass

    def size(folder: Path) -> int:
        total = 0
        for dirpath, _, files in os.walk(folder):
            for f in files:
                try:
                    total += os.path.getsize(os.path.join(dirpath, f))
                except OSError:
                    pass
        return total

    sizes = {c.name: size(c.path) for c in todo}
    known = [c for c in todo if last.get(c.name, 0) > 0]
    # seconds where the last batch measured them; the others ranked by size among themselves, first
    return (sorted([c for c in todo if c not in known], key=lambda c: -sizes[c.name])
            + sorted(known, key=lambda c: -last[c.name]))


def run_batch(province, out_dir: Path, workers: int | None = None, scheduler: str | None = None,
              force: bool = False, progress=None, engine=None) -> BatchResult:
    """Build every city; `progress(result)` is called once per city as it finishes.
    `engine` (an engine.ProcessEngine or engine.DaskEngine) overrides workers/scheduler."""
    from ..load.province import say
    from .engine import make_engine
    from .fingerprint import city_hash, inputs_hash

    out_dir = Path(out_dir)
    t0 = time.perf_counter()
    folders = city_folders(province)
    with batch_lock(out_dir):
        recover(out_dir)
        exclude = (out_dir.resolve(),)
        inputs = {c.name: inputs_hash(c.path, exclude) for c in province.cities}
        keys = {c.name: city_hash(c.path, exclude, inputs[c.name]) for c in province.cities}
        results: dict[str, CityResult] = {}
        todo = []
        for c in province.cities:
            marker = read_marker(out_dir / CITIES / folders[c.name])
            if not force and marker.get("hash") == keys[c.name]:
                results[c.name] = CityResult(c.name, OK, message=say("batch_skipped", province.root), skipped=True)
                if progress:
                    progress(results[c.name])
            else:
                todo.append(c)
        todo = _longest_first(todo, out_dir)
        if engine is None and todo:
            engine = make_engine(workers, scheduler, len(todo))
        by_name = {c.name: c for c in province.cities}

        def on_result(r: CityResult) -> None:
            c = by_name[r.city]
            if r.status == OK:
                commit_city(out_dir, folders[c.name], r.files, marker_bytes(c.name, c.rel, keys[c.name], inputs[c.name]))
            r.files = {}
            results[r.city] = r
            if progress:
                progress(r)

        try:
            if engine is not None and todo:
                engine.run([(c.name, str(c.path)) for c in todo], on_result)
        finally:
            rows, ordered = [], []
            for c in province.cities:
                r = results.get(c.name) or CityResult(c.name, FAILED, errors=1,
                                                      message=say("batch_interrupted", province.root))
                ordered.append(r)
                rows.append({"city": c.name, "status": r.status, "seconds": round(r.seconds, 1),
                             "errors": r.errors, "message": r.message, "project": c.rel})
            path = write_batch_csv(out_dir, rows)
            recover(out_dir)
    return BatchResult(ordered, path, time.perf_counter() - t0, engine.name if engine and todo else "none",
                       sum(r.cpu for r in ordered), folders)
