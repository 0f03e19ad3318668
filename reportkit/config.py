"""project.toml -> typed settings with defaults.  Problems are collected, never raised one by one."""
from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from .errors import Problems, Source, error, warning
from .messages import join, msg

from .vocab import DEFAULT_DIMENSION_TERM, DEFAULT_TOWN_TERM  # noqa: E402  (defaults of [terms])


@dataclass(frozen=True)
class ScoringSettings:
    warning_band: float = 0.10   # 预警 band around the reference (contract default 10 %)
    flat_band: float = 0.01      # |relative change| <= this is 持平
    target_year: int | None = None  # horizon of planning targets, for progress-to-target


@dataclass(frozen=True)
class SurveySettings:
    min_duration_s: float = 120.0   # 答题过快 below this
    min_answered: float = 0.80      # 作答不完整 below this share of likert5 answered 1-5
    straight_min: int = 10          # 连续同一答案: this many or more likert5 answers, all equal
    min_group: int = 30             # groups smaller than this are 样本不足
    compare_gap: float = 10.0       # |satisfaction − indicator score| from which they disagree


@dataclass(frozen=True)
class FeedbackSettings:
    """Department sheets and tracking forms (contract v2 [feedback]).  `deadline` is a
    date when project.toml gives a TOML date (2024-10-31), else the text as written."""
    deadline: dt.date | str = ""
    contact: str = ""
    phone: str = ""
    issuer: str = ""          # 印发单位; load_settings fills in `organisation` when empty


@dataclass(frozen=True)
class Terms:
    """The project's own words (contract v2 [terms]): `town` for the town level, and
    `dimension` for what its indicator system groups indicators by (维度 in the 2020
    system, 层级 in the four-level system since 2023; an extension, docs/contract.md)."""
    town: str = DEFAULT_TOWN_TERM
    dimension: str = DEFAULT_DIMENSION_TERM

    def as_dict(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class Settings:
    city: str
    year: int
    title: str
    organisation: str
    survey_url: str
    subtitle: str = ""
    date: str = ""
    demo: bool = False
    scoring: ScoringSettings = field(default_factory=ScoringSettings)
    survey: SurveySettings = field(default_factory=SurveySettings)
    campaign: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)
    previous: str = ""   # v2: folder of the previous checkup, relative to this project
    terms: Terms = field(default_factory=Terms)
    feedback: FeedbackSettings = field(default_factory=FeedbackSettings)


REQUIRED = ("city", "year", "title", "organisation", "survey_url")
# the survey campaign's wording (reportkit promo); kept here so that a typo is reported
CAMPAIGN_KEYS = ("title", "slogan", "why", "duration", "deadline", "privacy")
CAMPAIGN_ALIASES = {"why": ("why", "reasons", "why_take_part"), "duration": ("duration", "time", "time_needed"),
                    "deadline": ("deadline", "ends", "end"), "privacy": ("privacy", "privacy_note")}
TOP_KNOWN = set(REQUIRED) | {"subtitle", "date", "demo", "scoring", "survey", "campaign", "previous", "terms",
                             "feedback"}
TOP_KNOWN |= {"intake"}   # v2: the filing workbooks (reportkit/products/intake/settings.py)
# a term is spliced into every wording template: no braces, no line breaks, short
_TERM_RE = re.compile(r"^[^{}\s]{1,16}$")
_DATE_RE = re.compile(r"^\s*(\d{4})\D{1,3}(\d{1,2})\D{1,3}(\d{1,2})\D{0,3}$")


def parse_date(value) -> dt.date | None:
    """A date written in project.toml: a TOML date, or text such as 2024-09-30, 2024/9/30 or
    the same digits with Chinese year/month/day marks.  None when it is not one."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        m = _DATE_RE.match(value)
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                return None
    return None


def _coerce(value, typ, src: Source, key: str, problems: Problems):
    want = typ if isinstance(typ, type) else None
    if typ in ("float", float) or typ == "float":
        want = float
    if isinstance(value, bool) and want is not bool:
        problems.add(error(src, msg("config.not_number", key=key), value))
        return None
    if want is float:
        if isinstance(value, (int, float)):
            return float(value)
    elif want is int:
        if isinstance(value, int):
            return value
    elif want is bool:
        if isinstance(value, bool):
            return value
    elif want is str:
        if isinstance(value, str):
            return value
    problems.add(error(src, msg("config.wrong_type", key=key, want=getattr(want, '__name__', want)), value))
    return None


def _section(cls, data, name: str, display: str, problems: Problems):
    if data is None:
        return cls()
    if not isinstance(data, dict):
        problems.add(error(Source(display), msg("config.not_table", name=name)))
        return cls()
    values = {}
    known = {f.name: f for f in fields(cls)}
    for key, val in data.items():
        src = Source(display, column=f"{name}.{key}")
        if key not in known:
            problems.add(warning(src, msg("config.unknown_key_ignored", name=name, key=key)))
            continue
        typ = str(known[key].type)
        if typ == "dt.date | str":
            if isinstance(val, (dt.date, str)) and not isinstance(val, dt.time):
                values[key] = val.date() if isinstance(val, dt.datetime) else val
            else:
                problems.add(error(src, msg("check.date_or_text", key=f"{name}.{key}"), val))
            continue
        base = {"float": float, "int": int, "int | None": int, "str": str}.get(typ, float)
        got = _coerce(val, base, src, f"{name}.{key}", problems)
        if got is not None:
            values[key] = got
    out = cls(**values)
    if isinstance(out, ScoringSettings):
        if not 0 <= out.warning_band < 1:
            problems.add(error(Source(display, column="scoring.warning_band"), msg("config.between_0_1"), out.warning_band))
        if not 0 <= out.flat_band < 1:
            problems.add(error(Source(display, column="scoring.flat_band"), msg("config.between_0_1"), out.flat_band))
    if isinstance(out, SurveySettings):
        if not 0 < out.min_answered <= 1:
            problems.add(error(Source(display, column="survey.min_answered"), msg("config.between_0_1"), out.min_answered))
        if out.min_group < 1:
            problems.add(error(Source(display, column="survey.min_group"), msg("config.min_group"), out.min_group))
        for key in ("min_duration_s", "compare_gap"):
            if getattr(out, key) < 0:
                problems.add(error(Source(display, column=f"survey.{key}"), msg("config.not_negative"), getattr(out, key)))
        if out.straight_min < 2:
            problems.add(error(Source(display, column="survey.straight_min"), msg("config.straight_min"), out.straight_min))
    if isinstance(out, Terms):
        for key in ("town", "dimension"):
            if not _TERM_RE.match(getattr(out, key)):
                problems.add(error(Source(display, column=f"terms.{key}"), msg(f"check.bad_term_{key}"),
                                   getattr(out, key), hint=msg(f"check.bad_term_{key}_hint")))
                out = replace(out, **{key: getattr(Terms(), key)})
    if isinstance(out, ScoringSettings) and out.target_year is not None and not 1900 <= out.target_year <= 2100:
        problems.add(error(Source(display, column="scoring.target_year"), msg("config.target_year"), out.target_year))
    return out


def _feedback(data, display: str, problems: Problems) -> FeedbackSettings:
    """[feedback]: texts, the deadline also as a TOML date."""
    if data is None:
        return FeedbackSettings()
    if not isinstance(data, dict):
        problems.add(error(Source(display), msg("config.not_table", name="feedback")))
        return FeedbackSettings()
    values = {}
    for key, val in data.items():
        src = Source(display, column=f"feedback.{key}")
        if key not in {f.name for f in fields(FeedbackSettings)}:
            problems.add(warning(src, msg("config.unknown_key_ignored", name="feedback", key=key)))
        elif isinstance(val, str) or (key == "deadline" and isinstance(val, dt.date)):
            values[key] = val.strip() if isinstance(val, str) else val
        else:
            problems.add(error(src, msg("config.not_text", key=f"feedback.{key}"), val))
    return FeedbackSettings(**values)


def load_settings(project_dir: Path, problems: Problems) -> Settings | None:
    path = project_dir / "project.toml"
    display = "project.toml"
    if not path.exists() and not path.is_symlink():
        problems.add(error(Source(display), msg("config.no_project_toml"),
                           hint=msg("config.no_project_toml_hint", project_dir=project_dir)))
        return None
    from .safety.files import FileRefused, read_file

    try:
        raw = read_file(path, project_dir, "settings", display).decode("utf-8-sig")
        data = tomllib.loads(raw)
    except FileRefused as exc:
        problems.add(exc.problem)
        return None
    except UnicodeDecodeError:
        problems.add(error(Source(display), msg("config.not_utf8")))
        return None
    except RecursionError:
        from .safety.messages import say

        problems.add(error(Source(display), say("toml.nesting")))
        return None
    except tomllib.TOMLDecodeError as exc:
        import re

        m = re.search(r"at line (\d+)", str(exc))
        line = getattr(exc, "lineno", None) or (int(m.group(1)) if m else None)
        problems.add(error(Source(display, line=line), msg("config.toml_syntax", reason=getattr(exc, 'msg', exc))))
        return None
    ok = True
    for key in REQUIRED:
        if key not in data or data[key] in ("", None):
            problems.add(error(Source(display, column=key), msg("config.missing_key", key=key),
                               hint=msg("config.missing_key_hint", key=key)))
            ok = False
    for key in data:
        if key not in TOP_KNOWN:
            problems.add(warning(Source(display, column=key), msg("config.unknown_key_kept", key=key)))
    year = data.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        problems.add(error(Source(display, column="year"), msg("config.year_int"), year))
        ok = False
    elif year is not None and not 1900 <= year <= 2100:
        problems.add(error(Source(display, column="year"), msg("config.year_digits"), year))
        ok = False
    for key in ("city", "title", "organisation", "survey_url", "subtitle", "date", "previous"):
        if key in data and not isinstance(data[key], str):
            problems.add(error(Source(display, column=key), msg("config.not_text", key=key), data[key]))
            ok = False
    url = data.get("survey_url")
    if isinstance(url, str) and url and not url.startswith(("https://", "http://")):
        problems.add(error(Source(display, column="survey_url"), msg("config.survey_url"), url))
        ok = False
    if "demo" in data and not isinstance(data["demo"], bool):
        problems.add(error(Source(display, column="demo"), msg("config.demo_bool"), data["demo"]))
        ok = False
    scoring = _section(ScoringSettings, data.get("scoring"), "scoring", display, problems)
    survey = _section(SurveySettings, data.get("survey"), "survey", display, problems)
    terms = _section(Terms, data.get("terms"), "terms", display, problems)
    campaign = data.get("campaign") or {}
    if not isinstance(campaign, dict):
        problems.add(error(Source(display, column="campaign"), msg("config.campaign_table")))
        campaign = {}
    known = set(CAMPAIGN_KEYS) | {a for names in CAMPAIGN_ALIASES.values() for a in names}
    for key in campaign:
        if key not in known:
            problems.add(warning(Source(display, column=f"campaign.{key}"),
                                 msg("config.campaign_unknown", key=key),
                                 hint=msg("config.available", keys=join(CAMPAIGN_KEYS))))
    feedback = _feedback(data.get("feedback"), display, problems)
    if not ok:
        return None
    extra = {k: v for k, v in data.items() if k not in TOP_KNOWN or k == "intake"}  # [intake]: products.intake
    return Settings(city=data["city"], year=data["year"], title=data["title"],
                    organisation=data["organisation"], survey_url=data["survey_url"],
                    subtitle=data.get("subtitle", ""), date=data.get("date", ""),
                    demo=data.get("demo", False), scoring=scoring, survey=survey,
                    campaign=campaign, extra=extra, previous=data.get("previous", "").strip(), terms=terms,
                    feedback=feedback if feedback.issuer else replace(feedback, issuer=data["organisation"]))
