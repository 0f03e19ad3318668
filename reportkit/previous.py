"""The previous checkup (data contract v2, `previous` in project.toml).

`load_previous` reads the project folder that `previous` names (relative to this
project), validates and scores it with the same code as this year's project, and
hangs the result on `project.previous`.  Its problems are reported as the
previous project's: every Source path is prefixed with the folder as the user
wrote it (``../2019/data/values.csv``), and one summary error names the setting.

Only one level is loaded: the previous project's own `previous` is not followed,
but a `previous` naming this project itself, or the previous project pointing back
here, is a loop and an error.  `follow_chain` follows `previous` as far as it goes
(the five-year assessment) and reports any loop on the way.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import Problem, Problems, Source, error, warning
from .model import Project
from .wording import Wording

# What the report and the sheets need of last year's checkup (the survey is not read).
REPORT_TABLES = ("indicators", "areas", "values", "departments", "recommendations")


@dataclass
class PreviousCheckup:
    project: Project
    scores: object          # reportkit.score.indicators.Scores of the previous year
    label: str              # the folder as written in project.toml, e.g. "../2019"
    current_root: Path | None = None   # this year's project (its templates/ override wording)
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def year(self) -> int:
        return self.project.settings.year

    def comparison(self, project: Project, scores):
        """This year against the previous checkup (reportkit.analyse.years.YearComparison)."""
        key = id(scores)
        if key not in self._cache:
            from .analyse.years import compare_years

            self._cache[key] = compare_years(self.project, self.scores, project, scores)
        return self._cache[key]


def _words(root: Path | None) -> Wording:
    return Wording.load("years.toml", root)


def prefixed(problem: Problem, prefix: str) -> Problem:
    """The same problem, its file shown under the previous project's folder."""
    src = problem.source
    path = (Path(prefix) / src.path).as_posix() if src is not None else prefix
    new_src = replace(src, path=path) if src is not None else Source(path)
    return replace(problem, source=new_src)


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except (OSError, ValueError, RuntimeError):
        return False


def check_target(root: Path, setting: str, problems: Problems, words: Wording,
                 display: str = "project.toml") -> Path | None:
    """The previous project's folder, or None (with an error) when it is missing or is
    this project itself."""
    src = Source(display, column="previous")
    target = root / setting
    try:
        exists = target.is_dir() and (target / "project.toml").is_file()
    except (OSError, ValueError):   # a name the file system cannot hold (NUL, too long …)
        problems.add(error(src, words.say("messages.missing", path=setting), setting, words.say("messages.missing_hint")))
        return None
    if _same(target, root):
        problems.add(error(src, words.say("messages.self"), setting, words.say("messages.self_hint")))
        return None
    if not exists:
        what = "messages.missing" if not target.is_dir() else "messages.no_toml"
        problems.add(error(src, words.say(what, path=setting), setting, words.say("messages.missing_hint")))
        return None
    return target


def load_previous(project: Project, problems: Problems, tables: tuple[str, ...] | None = REPORT_TABLES,
                  display: str = "project.toml") -> PreviousCheckup | None:
    """Load, validate and score the checkup `previous` names; None when it is not set
    or has errors (then reported in `problems`).  `tables=None` reads every table
    (what `reportkit validate` checks)."""
    from .load.project import load_project
    from .score.indicators import score_project
    from .validate import validate

    setting = project.settings.previous
    if not setting:
        return None
    words = _words(project.root)
    src = Source(display, column="previous")
    target = check_target(project.root, setting, problems, words, display)
    if target is None:
        return None
    own = Problems()
    prev, own = load_project(target, own, tables=tables)
    if prev is not None:
        back = prev.settings.previous
        if back and _same(target / back, project.root):
            problems.add(error(src, words.say("messages.loop", path=setting, back=back), setting,
                               words.say("messages.loop_hint")))
            return None
        validate(prev, own, tables=tables)
    errors = own.errors
    if errors:
        problems.add(error(src, words.say("messages.invalid", path=setting, n=len(errors)), setting,
                           words.say("messages.invalid_hint", path=setting)))
    for p in own.items:
        problems.add(prefixed(p, setting))
    if errors or prev is None:
        return None
    if prev.settings.year >= project.settings.year:
        problems.add(error(src, words.say("messages.year", path=setting, year=prev.settings.year,
                                          this_year=project.settings.year), setting))
        return None
    if prev.settings.city != project.settings.city:
        problems.add(warning(src, words.say("messages.city", path=setting, city=prev.settings.city,
                                            this_city=project.settings.city)))
    checkup = PreviousCheckup(prev, score_project(prev), setting, project.root)
    project.previous = checkup
    return checkup


def follow_chain(root: Path, problems: Problems, label: str | None = None) -> list[tuple[Path, str]]:
    """(folder, label) of this project and every earlier checkup its `previous` chain
    reaches, latest first.  A loop or a missing folder is an error in `problems` (the
    chain found so far is returned).  Only project.toml of each folder is read."""
    from .config import load_settings

    words = _words(root)
    label = label if label is not None else root.as_posix()
    chain: list[tuple[Path, str]] = [(root, label)]
    seen = {root.resolve()}
    here, here_label = root, label
    while True:
        own = Problems()
        settings = load_settings(here, own)
        if settings is None:   # reported when the project itself is loaded
            return chain
        setting = settings.previous
        if not setting:
            return chain
        display = (Path(here_label) / "project.toml").as_posix()
        target = check_target(here, setting, problems, words, display)
        if target is None:
            return chain
        next_label = Path(os.path.normpath(Path(here_label) / setting)).as_posix()
        resolved = target.resolve()
        if resolved in seen:
            names = " → ".join([lbl for _, lbl in chain] + [next_label])
            problems.add(error(Source(display, column="previous"), words.say("messages.chain_loop", chain=names),
                               setting, words.say("messages.loop_hint")))
            return chain
        seen.add(resolved)
        chain.append((target, next_label))
        here, here_label = target, next_label
