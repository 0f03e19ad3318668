"""project.toml [intake]: deadline, contact, phone, jump (contract v2)."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ...errors import Problems, Source, error, warning
from ...messages import join
from ...vocab import DATE_UNITS

DEFAULT_JUMP = 0.30
KEYS = ("deadline", "contact", "phone", "jump")
_Y, _M, _D = DATE_UNITS   # 2021年3月31日 is a date too
_DATE = re.compile(rf"^\s*(\d{{4}})\s*[-/.{_Y}]\s*(\d{{1,2}})\s*[-/.{_M}]\s*(\d{{1,2}})\s*{_D}?\s*$")


@dataclass(frozen=True)
class IntakeSettings:
    deadline: dt.date | None = None
    contact: str = ""
    phone: str = ""
    jump: float = DEFAULT_JUMP


def _date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    m = _DATE.match(str(value))
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def intake_settings(settings, problems: Problems | None = None, w=None) -> IntakeSettings:
    """The [intake] section of project.toml (kept by the settings loader in `extra`)."""
    raw = settings.extra.get("intake") if getattr(settings, "extra", None) else None
    problems = problems if problems is not None else Problems()
    if raw is None:
        return IntakeSettings()

    def say(key, **v):
        return w.say(f"settings.{key}", **v) if w is not None else key

    if not isinstance(raw, dict):
        problems.add(error(Source("project.toml", column="intake"), say("not_table")))
        return IntakeSettings()
    out = {}
    for key, value in raw.items():
        src = Source("project.toml", column=f"intake.{key}")
        if key not in KEYS:
            problems.add(warning(src, say("unknown", key=key), hint=say("known", keys=join(KEYS))))
        elif key == "deadline":
            got = _date(value)
            if got is None:
                problems.add(error(src, say("bad_date"), value))
            else:
                out["deadline"] = got
        elif key == "jump":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < 100:
                problems.add(error(src, say("bad_jump"), value))
            else:
                out["jump"] = float(value)
        elif not isinstance(value, str):
            problems.add(error(src, say("not_text"), value))
        else:
            out[key] = value.strip()
    return IntakeSettings(**out)
