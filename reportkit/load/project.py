"""Gather a whole checkup project from its folder.  Nothing is computed here."""
from __future__ import annotations

from pathlib import Path

from ..config import load_settings
from ..errors import Problems, Source, error
from ..messages import msg
from ..model import Project, load_geojson
from .narratives import load_narratives
from .tables import read_table

REQUIRED_TABLES = ("indicators", "areas", "values", "departments", "recommendations",
                   "survey_questions", "survey")
OPTIONAL_TABLES = ("tracking", "sub_indicators")


def load_project(project_dir: Path | str, problems: Problems | None = None,
                 tables: tuple[str, ...] | None = None) -> tuple[Project | None, Problems]:
    """Read project.toml, every contract table, the narratives and the optional GeoJSON.

    `tables` restricts which required tables are read (e.g. a command that
    does not need the survey skips its 87,000 rows).
    """
    problems = problems if problems is not None else Problems()
    root = Path(project_dir)
    if not root.is_dir():
        problems.add(error(Source(str(project_dir)), msg("project.no_dir"),
                           hint=msg("project.no_dir_hint")))
        return None, problems
    settings = load_settings(root, problems)
    loaded = {}
    wanted = REQUIRED_TABLES if tables is None else tuple(t for t in REQUIRED_TABLES if t in tables)
    for name in wanted:
        t = read_table(root, name, problems, required=True)
        if t is not None:
            loaded[name] = t
    for name in OPTIONAL_TABLES:
        t = read_table(root, name, problems, required=False)
        if t is not None:
            loaded[name] = t
    narratives = load_narratives(root, problems)
    geo = None
    gpath = root / "data" / "areas.geojson"
    if gpath.exists() or gpath.is_symlink():
        geo = load_geojson(gpath, "data/areas.geojson", problems, root)
    if settings is None:
        return None, problems
    return Project(root, settings, loaded, narratives, geo), problems


def open_project(project_dir: Path | str, tables: tuple[str, ...] | None = None,
                 what: str | None = None) -> tuple[Project, Problems]:
    """Load and validate; raise ReportkitError (exit 2) listing every error."""
    from ..validate import validate

    project, problems = load_project(project_dir, tables=tables)
    if project is not None:
        validate(project, problems, tables=tables)
    problems.raise_if_errors(what or msg("errors.project_invalid"))
    assert project is not None
    return project, problems
