"""The checkup project as loaded: settings, tables and narratives, nothing computed.

`Project` is the single object every later stage starts from.  Typed views
(`indicators`, `values`, …) are derived once validation has passed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from .config import Settings
from .load.narratives import Narrative
from .load.tables import Table
from .vocab import LIST_SEPARATORS_TOLERATED

LIST_SEP = ";"


def split_list(text: str) -> list[str]:
    """Split a `;`-separated id list (full-width ； and 、 tolerated)."""
    if not isinstance(text, str):
        return []
    for sep in LIST_SEPARATORS_TOLERATED:
        text = text.replace(sep, LIST_SEP)
    return [t.strip() for t in text.split(LIST_SEP) if t.strip()]


@dataclass
class Project:
    root: Path
    settings: Settings
    tables: dict[str, Table]
    narratives: list[Narrative] = field(default_factory=list)
    geojson: dict | None = None
    previous: object = None   # reportkit.previous.PreviousCheckup, once loaded (v2 `previous`)

    # -- raw access -------------------------------------------------------
    def table(self, name: str) -> Table | None:
        return self.tables.get(name)

    def df(self, name: str) -> pd.DataFrame:
        t = self.tables.get(name)
        return t.df if t is not None else pd.DataFrame()

    # -- typed views (valid only after validation) --------------------------
    @cached_property
    def indicators(self) -> pd.DataFrame:
        df = self.df("indicators").copy()
        for col in ("standard", "target"):
            if col in df.columns:
                df[col] = pd.to_numeric(df[col].replace("", None), errors="coerce").astype(float)
            else:
                df[col] = float("nan")
        df["key"] = df["key"].eq("1") if "key" in df.columns else False
        for col in ("method", "source"):
            if col not in df.columns:
                df[col] = ""
        df["department_list"] = df["departments"].map(split_list)
        df["lead"] = df["department_list"].map(lambda x: x[0] if x else "")
        return df.reset_index(drop=True)

    @cached_property
    def dimensions(self) -> list[str]:
        """Dimensions in order of first appearance in the catalogue."""
        return list(dict.fromkeys(self.indicators["dimension"]))

    @cached_property
    def categories(self) -> list[str]:
        return list(dict.fromkeys(self.indicators["category"]))

    @cached_property
    def areas(self) -> pd.DataFrame:
        return self.df("areas").copy()

    @property
    def city_area(self) -> str:
        a = self.areas
        return a.loc[a["kind"] == "city", "area"].iloc[0]

    @property
    def towns(self) -> list[str]:
        a = self.areas
        return a.loc[a["kind"] == "town", "area"].tolist()

    @property
    def peers(self) -> list[str]:
        a = self.areas
        return a.loc[a["kind"] == "peer", "area"].tolist()

    @cached_property
    def values(self) -> pd.DataFrame:
        df = self.df("values").copy()
        df["year"] = pd.to_numeric(df["year"], errors="coerce").astype("Int64")
        df["value"] = pd.to_numeric(df["value"].replace("", None), errors="coerce").astype(float)
        return df

    @cached_property
    def departments(self) -> pd.DataFrame:
        return self.df("departments").copy()

    @cached_property
    def department_names(self) -> dict[str, str]:
        d = self.departments
        return dict(zip(d["id"], d["name"]))

    @cached_property
    def recommendations(self) -> pd.DataFrame:
        df = self.df("recommendations").copy()
        df["indicator_list"] = df["indicators"].map(split_list)
        df["assist_list"] = df["assist"].map(split_list)
        return df

    @cached_property
    def tracking(self) -> pd.DataFrame | None:
        t = self.tables.get("tracking")
        return None if t is None else t.df.copy()

    @cached_property
    def sub_indicators(self) -> pd.DataFrame | None:
        t = self.tables.get("sub_indicators")
        return None if t is None else t.df.copy()

    @cached_property
    def survey_questions(self) -> pd.DataFrame:
        return self.df("survey_questions").copy()

    @property
    def survey(self) -> pd.DataFrame:
        return self.df("survey")

    @property
    def demo(self) -> bool:
        return bool(self.settings.demo)


def load_geojson(path: Path, display: str, problems, root: Path | None = None) -> dict | None:
    """data/areas.geojson, checked (reportkit/load/geojson.py)."""
    from .load.geojson import load_geojson as load

    return load(path, display, problems, root)
