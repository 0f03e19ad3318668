"""The yearly checkups an assessment reads: found, loaded, validated and scored.

`discover(paths)` turns what the user named — project folders, or folders holding
yearly project folders — into the list of checkups, following each project's
`previous` chain (a loop is an error), one folder per year.  `load_year` loads one
earlier checkup with the same code as any project (every table validated, scored,
the survey run when there is one); its problems carry the folder as the user named
it in front of each file (``content/history/2018/data/values.csv``).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ...errors import Problems, ReportkitError, Source, error
from ...messages import join
from ...previous import follow_chain, prefixed
from ...wording import Wording


@dataclass(frozen=True)
class Found:
    path: Path
    label: str      # the folder as the user would write it
    year: int


@dataclass
class YearCheckup:
    year: int
    label: str
    project: object         # model.Project
    scores: object          # score.indicators.Scores
    survey: dict | None     # the survey summary (survey/summary.json), None without a survey


def _words() -> Wording:
    return Wording.load("assess.toml")


def _label(path: Path) -> str:
    return Path(os.path.normpath(path)).as_posix()


def discover(paths, problems: Problems) -> list[Found]:
    """Every checkup reachable from `paths`, oldest first (errors in `problems`)."""
    from ...config import load_settings

    w = _words()
    candidates: list[tuple[Path, str]] = []
    for raw in paths:
        p = Path(raw)
        if not p.is_dir():
            problems.add(error(Source(_label(p)), w.say("messages.missing"), hint=w.say("messages.missing_hint")))
            continue
        if (p / "project.toml").is_file():
            candidates += follow_chain(p, problems, _label(p))
            continue
        inner = sorted(d for d in p.iterdir() if d.is_dir() and (d / "project.toml").is_file())
        if not inner:
            problems.add(error(Source(_label(p)), w.say("messages.no_projects"), hint=w.say("messages.missing_hint")))
        for d in inner:
            candidates += follow_chain(d, problems, _label(d))
    seen: dict[Path, Found] = {}
    by_year: dict[int, Found] = {}
    for path, label in candidates:
        key = path.resolve()
        if key in seen:
            continue
        own = Problems()
        settings = load_settings(path, own)
        for p in own.items:
            problems.add(prefixed(p, label))
        if settings is None:
            continue
        found = Found(path, label, settings.year)
        seen[key] = found
        if settings.year in by_year:
            other = by_year[settings.year]
            problems.add(error(Source(f"{label}/project.toml", column="year"),
                               w.say("messages.same_year", year=settings.year, other=other.label), settings.year))
            continue
        by_year[settings.year] = found
    years = sorted(by_year.values(), key=lambda f: f.year)
    if not problems.errors and len(years) < 2:
        where = years[0].label if years else join(str(p) for p in paths)
        problems.add(error(Source(where), w.say("messages.too_few", n=len(years)), hint=w.say("messages.too_few_hint")))
    return years


def load_year(found: Found, problems: Problems) -> YearCheckup | None:
    """One earlier checkup, validated in full; None when it has errors (in `problems`)."""
    from ...load.project import load_project
    from ...score.indicators import score_project
    from ...validate import validate

    own = Problems()
    project, own = load_project(found.path, own)
    if project is not None:
        validate(project, own)
    for p in own.items:
        problems.add(prefixed(p, found.label))
    if own.errors or project is None:
        return None
    scores = score_project(project)
    summary = survey_summary(project)
    project.tables.pop("survey", None)   # only its summary is read: 87,000 rows need not stay in memory
    return YearCheckup(found.year, found.label, project, scores, summary)


def survey_summary(project) -> dict | None:
    """The survey's summary, or None when the project's survey cannot be computed (no
    questionnaire rows, no likert question …): the assessment then says so for that year."""
    from ...score.survey import run_survey

    try:
        return run_survey(project).summary
    except ReportkitError:
        return None
