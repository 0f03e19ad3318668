"""project.toml -> typed settings with defaults.  Problems are collected, never raised one by one."""
from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from .errors import Problems, Source, error, warning


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
    feedback: FeedbackSettings = field(default_factory=FeedbackSettings)


REQUIRED = ("city", "year", "title", "organisation", "survey_url")
# the survey campaign's wording (reportkit promo); kept here so that a typo is reported
CAMPAIGN_KEYS = ("title", "slogan", "why", "duration", "deadline", "privacy")
CAMPAIGN_ALIASES = {"why": ("why", "reasons", "why_take_part"), "duration": ("duration", "time", "time_needed"),
                    "deadline": ("deadline", "ends", "end"), "privacy": ("privacy", "privacy_note")}
TOP_KNOWN = set(REQUIRED) | {"subtitle", "date", "demo", "scoring", "survey", "campaign", "previous", "feedback"}
TOP_KNOWN |= {"intake"}   # v2: the filing workbooks (reportkit/products/intake/settings.py)


def _coerce(value, typ, src: Source, key: str, problems: Problems):
    want = typ if isinstance(typ, type) else None
    if typ in ("float", float) or typ == "float":
        want = float
    if isinstance(value, bool) and want is not bool:
        problems.add(error(src, f"“{key}”应为数字", value))
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
    problems.add(error(src, f"“{key}”的类型不对，应为 {getattr(want, '__name__', want)}", value))
    return None


def _section(cls, data, name: str, display: str, problems: Problems):
    if data is None:
        return cls()
    if not isinstance(data, dict):
        problems.add(error(Source(display), f"[{name}] 应为一个表（section）"))
        return cls()
    values = {}
    known = {f.name: f for f in fields(cls)}
    for key, val in data.items():
        src = Source(display, column=f"{name}.{key}")
        if key not in known:
            problems.add(warning(src, f"未知的设置项“{name}.{key}”，已忽略"))
            continue
        typ = known[key].type
        base = {"float": float, "int": int, "int | None": int}.get(str(typ), float)
        got = _coerce(val, base, src, f"{name}.{key}", problems)
        if got is not None:
            values[key] = got
    out = cls(**values)
    if isinstance(out, ScoringSettings):
        if not 0 <= out.warning_band < 1:
            problems.add(error(Source(display, column="scoring.warning_band"), "应在 0 与 1 之间", out.warning_band))
        if not 0 <= out.flat_band < 1:
            problems.add(error(Source(display, column="scoring.flat_band"), "应在 0 与 1 之间", out.flat_band))
    if isinstance(out, SurveySettings):
        if not 0 < out.min_answered <= 1:
            problems.add(error(Source(display, column="survey.min_answered"), "应在 0 与 1 之间", out.min_answered))
        if out.min_group < 1:
            problems.add(error(Source(display, column="survey.min_group"), "应至少为 1（建议 30）", out.min_group))
        for key in ("min_duration_s", "compare_gap"):
            if getattr(out, key) < 0:
                problems.add(error(Source(display, column=f"survey.{key}"), "不能为负数", getattr(out, key)))
        if out.straight_min < 2:
            problems.add(error(Source(display, column="survey.straight_min"), "应至少为 2", out.straight_min))
    if isinstance(out, ScoringSettings) and out.target_year is not None and not 1900 <= out.target_year <= 2100:
        problems.add(error(Source(display, column="scoring.target_year"), "应为四位年份", out.target_year))
    return out


def _feedback(data, display: str, problems: Problems) -> FeedbackSettings:
    """[feedback]: texts, the deadline also as a TOML date."""
    if data is None:
        return FeedbackSettings()
    if not isinstance(data, dict):
        problems.add(error(Source(display), "[feedback] 应为一个表（section）"))
        return FeedbackSettings()
    values = {}
    for key, val in data.items():
        src = Source(display, column=f"feedback.{key}")
        if key not in {f.name for f in fields(FeedbackSettings)}:
            problems.add(warning(src, f"未知的设置项“feedback.{key}”，已忽略"))
        elif isinstance(val, str) or (key == "deadline" and isinstance(val, dt.date)):
            values[key] = val.strip() if isinstance(val, str) else val
        else:
            problems.add(error(src, f"“feedback.{key}”应为文字", val))
    return FeedbackSettings(**values)


def load_settings(project_dir: Path, problems: Problems) -> Settings | None:
    path = project_dir / "project.toml"
    display = "project.toml"
    if not path.exists() and not path.is_symlink():
        problems.add(error(Source(display), "找不到 project.toml",
                           hint=f"检查项目目录是否正确：{project_dir}"))
        return None
    from .safety.files import FileRefused, read_file

    try:
        raw = read_file(path, project_dir, "settings", display).decode("utf-8-sig")
        data = tomllib.loads(raw)
    except FileRefused as exc:
        problems.add(exc.problem)
        return None
    except UnicodeDecodeError:
        problems.add(error(Source(display), "project.toml 必须以 UTF-8 编码保存"))
        return None
    except RecursionError:
        from .safety.messages import say

        problems.add(error(Source(display), say("toml.nesting")))
        return None
    except tomllib.TOMLDecodeError as exc:
        import re

        m = re.search(r"at line (\d+)", str(exc))
        line = getattr(exc, "lineno", None) or (int(m.group(1)) if m else None)
        problems.add(error(Source(display, line=line), f"TOML 语法错误：{getattr(exc, 'msg', exc)}"))
        return None
    ok = True
    for key in REQUIRED:
        if key not in data or data[key] in ("", None):
            problems.add(error(Source(display, column=key), f"缺少必需的设置项“{key}”",
                               hint=f"在 project.toml 顶部加入 {key} = …"))
            ok = False
    for key in data:
        if key not in TOP_KNOWN:
            problems.add(warning(Source(display, column=key), f"未知的设置项“{key}”，已保留但不使用"))
    year = data.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        problems.add(error(Source(display, column="year"), "year 应为整数年份，如 2020", year))
        ok = False
    elif year is not None and not 1900 <= year <= 2100:
        problems.add(error(Source(display, column="year"), "year 应为四位年份，如 2020", year))
        ok = False
    for key in ("city", "title", "organisation", "survey_url", "subtitle", "date", "previous"):
        if key in data and not isinstance(data[key], str):
            problems.add(error(Source(display, column=key), f"“{key}”应为文字", data[key]))
            ok = False
    url = data.get("survey_url")
    if isinstance(url, str) and url and not url.startswith(("https://", "http://")):
        problems.add(error(Source(display, column="survey_url"), "问卷链接应以 https:// 或 http:// 开头", url))
        ok = False
    if "demo" in data and not isinstance(data["demo"], bool):
        problems.add(error(Source(display, column="demo"), "demo 应为 true 或 false", data["demo"]))
        ok = False
    scoring = _section(ScoringSettings, data.get("scoring"), "scoring", display, problems)
    survey = _section(SurveySettings, data.get("survey"), "survey", display, problems)
    campaign = data.get("campaign") or {}
    if not isinstance(campaign, dict):
        problems.add(error(Source(display, column="campaign"), "[campaign] 应为一个表"))
        campaign = {}
    known = set(CAMPAIGN_KEYS) | {a for names in CAMPAIGN_ALIASES.values() for a in names}
    for key in campaign:
        if key not in known:
            problems.add(warning(Source(display, column=f"campaign.{key}"),
                                 f"未知的设置项“campaign.{key}”，已忽略",
                                 hint=f"可用：{'、'.join(CAMPAIGN_KEYS)}"))
    feedback = _feedback(data.get("feedback"), display, problems)
    if not ok:
        return None
    extra = {k: v for k, v in data.items() if k not in TOP_KNOWN or k == "intake"}  # [intake]: products.intake
    return Settings(city=data["city"], year=data["year"], title=data["title"],
                    organisation=data["organisation"], survey_url=data["survey_url"],
                    subtitle=data.get("subtitle", ""), date=data.get("date", ""),
                    demo=data.get("demo", False), scoring=scoring, survey=survey,
                    campaign=campaign, extra=extra, previous=data.get("previous", "").strip(),
                    feedback=feedback if feedback.issuer else replace(feedback, issuer=data["organisation"]))
