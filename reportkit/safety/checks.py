"""Contract checks against hostile input, run by validate():

- a survey question may not take the name of a column of the contract (a text
  question named `respondent` would publish respondent ids as "answers");
- survey columns outside the contract and the questionnaire are never published:
  said once, as a warning;
- control characters (NUL …) in the text of the tables that go into Word, PDF and
  XLSX outputs are errors by file, row and column (a workbook cannot hold them).
"""
from __future__ import annotations

import re

from ..errors import Problems, Source, error, warning
from ..messages import join
from .messages import say

SURVEY_COLUMNS = ("response_id", "submitted_at", "duration_s", "channel", "respondent", "town", "hukou",
                  "occupation", "age_group")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_REPORTED = 20
# tables whose text reaches documents and workbooks (the survey's free text is masked and cleaned)
TEXT_TABLES = ("indicators", "areas", "values", "departments", "recommendations", "tracking",
               "sub_indicators", "survey_questions")


MAX_URL_BYTES = 1000    # a QR code holds about 2,300 bytes at the error level the images use


def _any_control(df) -> bool:
    try:
        values = df.to_numpy(dtype=object).ravel()
        return CONTROL.search("\n".join(values)) is not None or any(CONTROL.search(str(c)) for c in df.columns)
    except TypeError:   # not all strings
        return True


def check(project, problems: Problems, usable) -> None:
    url = str(getattr(project.settings, "survey_url", "") or "")
    if len(url.encode("utf-8")) > MAX_URL_BYTES:
        problems.add(error(Source("project.toml", column="survey_url"),
                           say("qr.too_long", n=len(url.encode("utf-8"))), hint=say("qr.hint")))
    t = project.tables
    if usable("survey_questions"):
        qtab = t["survey_questions"]
        reserved = set(SURVEY_COLUMNS)
        for idx, qid in qtab.df["qid"].items():
            if qid in reserved:
                problems.add(error(qtab.source(idx, "qid"), say("checks.reserved_qid", qid=qid), qid,
                                   say("checks.reserved_hint", columns=join(SURVEY_COLUMNS))))
        if "survey" in t:
            stab = t["survey"]
            known = reserved | set(qtab.df["qid"])
            extra = [c for c in stab.df.columns if c not in known]
            if extra:
                shown = join(extra[:10]) + ("…" if len(extra) > 10 else "")
                problems.add(warning(Source(stab.display, 1), say("checks.extra_columns", columns=shown,
                                                                  n=len(extra))))
    for name in TEXT_TABLES:
        if name not in t:
            continue
        tab = t[name]
        df = tab.df
        found = 0
        if not _any_control(df):     # one scan of the whole table; columns only when something is found
            continue
        for col in df.columns:
            s = df[col]
            if s.dtype != object and not str(s.dtype).startswith(("str", "string")):
                continue
            hits = s.str.contains(CONTROL, regex=True, na=False)
            if not hits.any():
                continue
            for idx in df.index[hits.to_numpy()]:
                found += 1
                if found > MAX_REPORTED:
                    break
                problems.add(error(tab.source(idx, col), say("checks.control"),
                                   repr(CONTROL.sub("\ufffd", str(df.at[idx, col])))[1:-1][:80],
                                   say("checks.control_hint")))
        if any(CONTROL.search(str(c)) for c in df.columns):
            problems.add(error(Source(tab.display, 1), say("checks.control_header"), hint=say("checks.control_hint")))
