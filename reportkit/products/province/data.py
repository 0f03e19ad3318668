"""What the provincial summary reads: the cities as the batch built them.

The summary is made from the built cities, not by scoring the projects again, so
that it shows exactly the figures each city published:

- OUT/batch.csv                      which cities were built (status ok) and why not;
- OUT/cities/<city>/scores.csv       ratings, values, references and scores per indicator;
- OUT/cities/<city>/dimensions.csv   dimension scores;
- OUT/cities/<city>/survey/summary.json   satisfaction (collected, valid, overall, dimensions);
- the city project's data/recommendations and data/tracking (the follow-up status
  the departments reported; tracking is an input, not an output of the build).

A city whose project changed after the batch built it is still summarised from its
built outputs, with a warning that the batch should be run again.
"""
from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ...batch.store import CITIES, read_batch_csv, read_marker
from ...errors import Problems, ReportkitError, Source, error, warning
from ...load.province import CityEntry, Province, say

NUMERIC = ("value", "reference", "score", "standard", "target")


@dataclass
class CityData:
    entry: CityEntry
    status: str                         # ok | failed | missing (not in batch.csv)
    message: str = ""
    scores: pd.DataFrame | None = None  # scores.csv
    dimensions: pd.DataFrame | None = None
    survey: dict | None = None          # survey/summary.json
    recommendations: int = 0
    tracking: dict = field(default_factory=dict)   # status -> count (reported back)
    stale: bool = False
    errors: int = 0                     # problems the batch found in the city's data

    @property
    def name(self) -> str:
        return self.entry.name

    @property
    def built(self) -> bool:
        return self.status == "ok" and self.scores is not None


def _csv(path: Path) -> pd.DataFrame:
    text = path.read_bytes().decode("utf-8-sig")
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def _scores(path: Path) -> pd.DataFrame:
    df = _csv(path)
    for col in NUMERIC:
        if col in df.columns:
            df[col] = pd.to_numeric(df[col].replace("", None), errors="coerce").astype(float)
    if "key" in df.columns:
        df["key"] = df["key"].isin(["1", "True", "true"])
    return df


def _dimensions(path: Path) -> pd.DataFrame:
    df = _csv(path)
    df["score"] = pd.to_numeric(df["score"].replace("", None), errors="coerce").astype(float)
    return df


def _follow_up(project: Path, problems: Problems) -> tuple[int, dict]:
    """(number of recommendations, {status: count}) from the project's own tables."""
    from ...load.tables import read_table

    quiet = Problems()   # the city's build validated these tables already
    recs = read_table(project, "recommendations", quiet, required=False)
    track = read_table(project, "tracking", quiet, required=False)
    n = 0 if recs is None else int((recs.df.get("id", pd.Series(dtype=str)).astype(str).str.strip() != "").sum())
    counts: dict[str, int] = {}
    if track is not None and "status" in track.df.columns and recs is not None:
        ids = set(recs.df["id"].astype(str).str.strip())
        t = track.df[track.df["id"].astype(str).str.strip().isin(ids)]
        for s in t["status"].astype(str).str.strip():
            if s:
                counts[s] = counts.get(s, 0) + 1
    return n, counts


def load_cities(province: Province, out_dir: Path, problems: Problems, check_stale: bool = True) -> list[CityData]:
    from ...batch import city_folders
    from ...batch.fingerprint import city_hash, inputs_hash

    out_dir = Path(out_dir)
    batch = out_dir / "batch.csv"
    if not batch.is_file():
        raise ReportkitError(say("no_batch", province.root, path=str(batch), province=str(province.root),
                                 out=str(out_dir)))
    try:
        rows = {r.get("city", ""): r for r in read_batch_csv(out_dir)}
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ReportkitError(say("bad_city_output", province.root, detail=f"{batch}: {exc}")) from None
    folders = city_folders(province)
    cities = []
    outdated: list[str] = []
    for entry in province.cities:
        row = rows.get(entry.name)
        if row is None:
            cities.append(CityData(entry, "missing", say("city_not_in_batch", province.root)))
            continue
        status = row.get("status", "")
        if status != "ok":
            message = row.get("message", "")
            try:
                n_errors = int(row.get("errors") or 0)
            except ValueError:
                n_errors = 0
            if n_errors <= 0:   # an older batch.csv: count the problem lines of the message
                n_errors = sum(1 for x in message.splitlines() if x.strip().startswith("["))
            cities.append(CityData(entry, "failed", message, errors=n_errors))
            continue
        folder = out_dir / CITIES / folders[entry.name]
        try:
            scores = _scores(folder / "scores.csv")
            dims = _dimensions(folder / "dimensions.csv")
            survey = None
            summary = folder / "survey" / "summary.json"
            if summary.is_file():
                survey = json.loads(summary.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError, KeyError) as exc:
            problems.add(error(Source(str(folder)), say("bad_city_output", province.root, detail=str(exc))))
            cities.append(CityData(entry, "failed", say("bad_city_output", province.root, detail=str(exc))))
            continue
        n_recs, tracking = _follow_up(entry.path, problems)
        stale = False
        if check_stale:
            marker = read_marker(folder)
            inputs = inputs_hash(entry.path, (out_dir.resolve(),))
            if marker.get("inputs") != inputs:
                stale = True
                problems.add(warning(Source(entry.rel), say("stale_city", province.root, city=entry.name)))
            elif marker.get("hash") != city_hash(entry.path, (out_dir.resolve(),), inputs):
                outdated.append(entry.name)
        cities.append(CityData(entry, "ok", "", scores, dims, survey, n_recs, tracking, stale))
    if outdated:
        problems.add(warning(Source(str(batch)), say("stale_tools", province.root, cities=outdated)))
    return cities
