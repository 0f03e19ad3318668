"""Satisfaction survey: screening, satisfaction indices and group breakdowns.

Input contract, "Survey validity" and "Satisfaction" (thresholds from
project.toml [survey]):

Screening.  Each questionnaire gets the FIRST failing rule, in this order:
  1. 重复作答      a `respondent` seen before; submissions are ordered by
                   `submitted_at`, then by row order, and the first one is kept.
                   An empty `respondent` is never a duplicate; an unreadable
                   `submitted_at` sorts after every readable one.
  2. 答题过快      `duration_s` < min_duration_s (an empty duration passes).
  3. 数值越界      a likert5 answer that is neither empty nor an integer 0-5
                   ("7", "-1", "5分", "3.5", an unknown label).  Answers given as
                   words (满意, 很不满意 …) are first mapped by the table in
                   templates/survey.toml [likert_labels].
  4. 作答不完整    fewer than min_answered (80 %) of the likert5 questions
                   answered 1-5.
  5. 连续同一答案  at least straight_min (10) likert5 questions answered 1-5
                   and all of those answers equal (0 / empty are not answers).
  6. 地区无效      `town` is not a town (kind = town) of data/areas.
Screening is vectorised: the likert block becomes one int8 matrix
(-1 invalid, 0 不了解/empty, 1-5), every rule a boolean mask over it.
An export without any row, or one in which every questionnaire is rejected,
is a user error (ReportkitError): nothing is published as "有效问卷0份"; the
error names the most frequent rule and its first questionnaire (row, column).

Indices over valid questionnaires.  question score = (mean of its 1-5 answers
- 1) / 4 x 100; dimension score = mean of its question scores; overall = mean
of the dimension scores.  The same formulas per group of hukou, occupation,
town, age_group and channel.

Small groups.  A group with fewer than min_group (30) valid questionnaires is
样本不足: null in survey/summary.json and no score anywhere.  Its size is not
published either (survey/groups.csv leaves `n` empty).  Complementary
suppression: when exactly one group of a breakdown is suppressed, the size of
the smallest remaining group (first in the breakdown's order on a tie) is
hidden too, so that no suppressed size can be recovered as the published
total minus the other groups.

Group order (summary.json, groups.csv): towns follow data/areas; values listed
in templates/survey.toml [groups.value_order] come first in that order (本地户籍,
外来人口; 线上, 线下); the rest in natural order (18岁以下 < 18-29岁 < … <
60岁及以上, then by code point), 其他 after them and an empty value last as 未填写.

Gaps.  Within each breakdown, a dimension whose best and worst published
groups differ by at least `gap_points` (templates/survey.toml, 5 points) is
flagged; 外来人口 vs 本地户籍 is reported per dimension (gap = migrant - local).

Outputs (`add_survey_outputs`): survey/summary.json (contract shape, floats
unrounded), rejected.csv (response_id, rule, detail), responses.csv (valid
questionnaires without `respondent`, likert answers as 1-5 with 不了解 empty,
free text with personal data masked), groups.csv, gaps.csv, questions.csv,
keywords.csv, themes.csv, compare.csv and hot_issues.csv.  The respondent id
is never written.
"""
from __future__ import annotations

import json
import math
import re
import warnings
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ReportkitError, Source, error
from ..load.encoded import column_codes, factorize_texts, lookup
from ..load.tables import write_csv_bytes
from ..messages import join, msg
from ..safety.wording import check_format, wrap
from ..theme import find_template
from ..wording import Wording
from ..vocab import EMPTY_AREA, HIDDEN_N, INSUFFICIENT, REJECT_RULES

GROUP_COLUMNS = ("hukou", "occupation", "town", "age_group", "channel")
INVALID = -1          # likert code of an out-of-range answer
_INT_RE = re.compile(r"^[+-]?\d+(?:\.0*)?$")
SORT_DISTINCT = 10_000   # more submission times than this: each distinct one is read once


# --- configuration (templates/survey.toml) ------------------------------------
@dataclass(frozen=True)
class SurveyConfig:
    path: Path
    labels: dict
    gap_points: float
    group_order: tuple
    group_names: dict
    empty_value: str
    value_order: dict
    local: str
    migrant: str
    last_values: tuple     # catch-all values ("其他") go last, before the empty value
    below: tuple           # "18岁以下": before the values of the same number
    above: tuple           # "60岁以上": after them
    details: dict
    messages: dict
    chapter: dict

    @property
    def wording(self) -> Wording:
        """The [messages] sentences, rendered in the narrative sandbox."""
        return Wording({"messages": self.messages}, "survey.toml")


def _read_config(path: str, data: dict) -> SurveyConfig:
    g = data.get("groups", {})
    lm = data.get("local_vs_migrant", {})
    return SurveyConfig(
        path=Path(path),
        labels={str(k): int(v) for k, v in data.get("likert_labels", {}).items()},
        gap_points=float(data.get("thresholds", {}).get("gap_points", 5.0)),
        group_order=tuple(g.get("order", GROUP_COLUMNS)),
        group_names=dict(g.get("names", {})),
        empty_value=str(g["empty_value"]),
        value_order={k: list(v) for k, v in g.get("value_order", {}).items()},
        local=lm["local"],
        migrant=lm["migrant"],
        last_values=tuple(g["last_values"]),
        below=tuple(g["below"]),
        above=tuple(g["above"]),
        details=wrap(dict(data.get("details", {})), "templates/survey.toml [details]"),
        messages=wrap(dict(data.get("messages", {})), "templates/survey.toml [messages]"),
        chapter=wrap(dict(data.get("chapter", {})), "templates/survey.toml [chapter]"),
    )


def load_config(project_root: Path | None = None, terms: dict | None = None) -> SurveyConfig:
    """templates/survey.toml, with the project's own copy laid over it (reportkit.wording)
    and the project's terms ([terms] in project.toml) spliced into its wording."""
    from ..wording import load_toml

    return _read_config(str(find_template("survey.toml", project_root)),
                        load_toml("survey.toml", project_root, terms=terms))


# --- small vectorised helpers ---------------------------------------------------
def _fill(template: str, const: dict, per_row: dict[str, pd.Series], index) -> pd.Series:
    """str.format over a whole column: constants once, per-row fields as Series."""
    out = pd.Series("", index=index, dtype=object)
    fields = check_format(template, set(const) | set(per_row), getattr(template, "where", None))
    for literal, name, spec, _conv in fields:
        if literal:
            out = out + literal
        if name is None:
            continue
        if name in per_row:
            out = out + per_row[name].astype(str).to_numpy()
        else:
            out = out + format(const.get(name, ""), spec or "")
    return out


def likert_lut(uniques, labels: dict) -> tuple[np.ndarray, dict]:
    """Codes for distinct answer texts: '' -> 0, '0'..'5' -> itself, a known label ->
    its score, anything else -> -1.  Returns (codes, {label: uniques index})."""
    codes = np.empty(len(uniques), dtype=np.int8)
    used = {}
    for i, u in enumerate(uniques):
        u = "" if u is None or (isinstance(u, float) and math.isnan(u)) else str(u).strip()
        if u == "":
            codes[i] = 0
        elif _INT_RE.match(u):
            v = int(float(u))
            codes[i] = v if 0 <= v <= 5 else INVALID
        elif u in labels:
            codes[i] = labels[u]
            used[u] = i
        else:
            codes[i] = INVALID
    return codes, used


def parse_likert(df: pd.DataFrame, qids: list[str], labels: dict) -> tuple[np.ndarray, dict]:
    """The likert block as an int8 matrix (rows x questions) and the labels met (label -> cells)."""
    n = len(df)
    mat = np.empty((n, len(qids)), dtype=np.int8, order="F")
    label_cells: dict[str, int] = {}
    for j, q in enumerate(qids):
        codes, uniques = column_codes(df[q].to_numpy(dtype=object))
        lut, used = likert_lut(list(uniques), labels)
        mat[:, j] = lut[codes]
        if used:
            counts = np.bincount(codes, minlength=len(uniques))
            for lab, i in used.items():
                label_cells[lab] = label_cells.get(lab, 0) + int(counts[i])
    order = {k: i for i, k in enumerate(labels)}
    return mat, dict(sorted(label_cells.items(), key=lambda kv: order.get(kv[0], 0)))


def _sort_times(s: pd.Series) -> np.ndarray:
    """submitted_at as sortable int64 (unreadable or empty -> after everything).

    One format is inferred for the column (fast path); values it cannot read are
    retried one by one ("mixed"); time zones are converted to UTC.  Should pandas
    refuse the column altogether, the text itself is the order (ISO-like strings
    sort by time).  Each distinct text is read once (answers share their second)."""
    if len(s) > SORT_DISTINCT:
        codes, uniq = factorize_texts(s.to_numpy(dtype=object))    # first appearance first, as read
        if len(uniq) < len(s) // 2:
            return _sort_times(pd.Series(uniq, dtype=object))[codes]
    vals = s.where(s != "")
    last = np.iinfo(np.int64).max
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t = pd.to_datetime(vals, errors="coerce", utc=True)
            bad = t.isna() & vals.notna()
            if bad.any():
                t[bad] = pd.to_datetime(vals[bad], errors="coerce", format="mixed", utc=True)
        naive = t.dt.tz_convert(None).to_numpy(dtype="datetime64[ns]")
    except (TypeError, ValueError, OverflowError):
        codes, _ = pd.factorize(vals, sort=True)
        return np.where(codes < 0, last, codes).astype(np.int64)
    arr = naive.view("i8").copy()
    arr[np.isnat(naive)] = last
    return arr


# --- screening -------------------------------------------------------------------
@dataclass
class Screening:
    rule: np.ndarray          # int8 per row: 0 valid, k = REJECT_RULES[k-1]
    detail: np.ndarray        # object per row ('' when valid)
    codes: np.ndarray         # int8 likert matrix (all rows)
    label_cells: dict


def screen(df: pd.DataFrame, likert: list[str], towns: list[str], st, cfg: SurveyConfig) -> Screening:
    n = len(df)
    rule = np.zeros(n, dtype=np.int8)
    detail = np.full(n, "", dtype=object)
    codes, label_cells = parse_likert(df, likert, cfg.labels)
    q = len(likert)

    def assign(k: int, mask: np.ndarray) -> np.ndarray:
        new = mask & (rule == 0)
        rule[new] = k
        return np.flatnonzero(new)

    def put(rows: np.ndarray, key: str, const: dict, per_row: dict):
        if len(rows):
            ix = pd.RangeIndex(len(rows))
            per = {k: pd.Series(v, index=ix) for k, v in per_row.items()}
            detail[rows] = _fill(cfg.details.get(key, key), const, per, ix).to_numpy()

    # 1. 重复作答
    resp = df["respondent"].to_numpy(dtype=object)
    ts = _sort_times(df["submitted_at"])
    order = np.lexsort((np.arange(n), ts))
    rsorted = resp[order]
    fcodes, _ = factorize_texts(rsorted, uniques=False)
    _, first_idx = np.unique(fcodes, return_index=True)
    is_first = np.zeros(n, dtype=bool)
    is_first[first_idx] = True
    dup_sorted = ~is_first & (rsorted != "")
    dup = np.zeros(n, dtype=bool)
    dup[order] = dup_sorted
    first_row = np.empty(n, dtype=np.int64)
    first_row[order] = order[first_idx[fcodes]]
    rows = assign(1, dup)
    rid = df["response_id"].to_numpy(dtype=object)
    put(rows, REJECT_RULES[0], {}, {"first": rid[first_row[rows]]})

    # 2. 答题过快
    dcodes, duniq = column_codes(df["duration_s"].to_numpy(dtype=object))   # few distinct durations
    dvals = pd.to_numeric(pd.Series(duniq, dtype=object).where(pd.Series(duniq, dtype=object) != ""),
                          errors="coerce").to_numpy(float)
    dur = dvals[dcodes] if len(dcodes) else np.zeros(0)
    with np.errstate(invalid="ignore"):
        fast = dur < st.min_duration_s
    rows = assign(2, fast)
    put(rows, REJECT_RULES[1], {"min": _num(st.min_duration_s)},
        {"value": df["duration_s"].to_numpy(dtype=object)[rows]})

    # 3. 数值越界
    bad = codes == INVALID
    rows = assign(3, bad.any(axis=1) if q else np.zeros(n, bool))
    if len(rows):
        first_col = bad[rows].argmax(axis=1)
        vals = np.empty(len(rows), dtype=object)
        for j in np.unique(first_col):
            sel = first_col == j
            vals[sel] = df[likert[j]].to_numpy(dtype=object)[rows[sel]]
        put(rows, REJECT_RULES[2], {}, {"qid": np.asarray(likert, dtype=object)[first_col], "value": vals})

    # 4. 作答不完整
    answered = (codes >= 1).sum(axis=1) if q else np.zeros(n, int)
    need = st.min_answered * q
    rows = assign(4, answered < need - 1e-9)
    put(rows, REJECT_RULES[3], {"total": q, "share": f"{st.min_answered * 100:g}%", "need": math.ceil(need - 1e-9)},
        {"answered": answered[rows]})

    # 5. 连续同一答案
    if q:
        top = codes.max(axis=1)
        low = np.where(codes >= 1, codes, 9).min(axis=1)
        straight = (answered >= st.straight_min) & (top == low)
    else:
        straight = np.zeros(n, bool)
        top = np.zeros(n, np.int8)
    rows = assign(5, straight)
    put(rows, REJECT_RULES[4], {}, {"answered": answered[rows], "value": top[rows]})

    # 6. 地区无效
    town = df["town"]
    tcodes, tuniq = column_codes(town.to_numpy(dtype=object))     # each distinct town looked up once
    rows = assign(6, ~pd.Series(tuniq, dtype=object).isin(towns).to_numpy(dtype=bool)[tcodes])
    if len(rows):
        tv = town.to_numpy(dtype=object)[rows]
        empty = tv == ""
        put(rows[~empty], REJECT_RULES[5], {}, {"value": tv[~empty]})
        put(rows[empty], EMPTY_AREA, {}, {})
    return Screening(rule, detail, codes, label_cells)


def _num(x: float) -> str:
    return f"{x:g}"


# --- indices ---------------------------------------------------------------------
def histogram(codes: np.ndarray, groups: np.ndarray | None = None, n_groups: int = 1) -> np.ndarray:
    """Answer counts: shape (groups, questions, 6) for codes 0..5 (0 = 不了解/empty)."""
    nq = codes.shape[1]
    out = np.zeros((n_groups, nq, 6), dtype=np.int64)
    if groups is None:
        for j in range(nq):
            out[0, j, :] = np.bincount(codes[:, j], minlength=6)
        return out
    g6 = groups.astype(np.intp) * 6
    key = np.empty(len(codes), dtype=np.intp)      # one buffer for every question
    for j in range(nq):
        np.add(g6, codes[:, j], out=key)
        out[:, j, :] = np.bincount(key, minlength=n_groups * 6).reshape(n_groups, 6)
    return out


JOINT_COUNTS = 1 << 22    # at most this many counts (combinations x questions x 6) are kept at once


def group_histograms(codes: np.ndarray, groups: dict) -> dict:
    """histogram(codes, g, G) of each breakdown (`groups`: name -> (g, G)), the same counts.
    The answers are counted once per combination of the breakdowns' values (户籍 x 职业 x
    镇街 …: a few thousand), and each breakdown's histogram is the sum over the others:
    one pass over the answers instead of one per breakdown.  With more combinations than
    JOINT_COUNTS allows, each breakdown is counted on its own."""
    nq = codes.shape[1]
    todo = {c: v for c, v in groups.items() if v[1]}
    size = 1
    for _, G in todo.values():
        size *= G
    if len(todo) < 2 or size * nq * 6 > JOINT_COUNTS or size * 6 > len(codes):
        return {c: histogram(codes, g, G) if G else np.zeros((0, nq, 6), np.int64)
                for c, (g, G) in groups.items()}
    key = np.zeros(len(codes), dtype=np.intp)
    for g, G in todo.values():
        key *= G
        key += g
    joint = histogram(codes, key, size).reshape(*(G for _, G in todo.values()), nq, 6)
    axes = range(len(todo))
    out = {c: joint.sum(axis=tuple(a for a in axes if a != i)) for i, c in enumerate(todo)}
    return {c: out[c] if c in out else np.zeros((0, nq, 6), np.int64) for c in groups}


def indices(hist: np.ndarray, qdim: np.ndarray, n_dims: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Contract formulas on a (groups, questions, 6) histogram.

    Returns question scores (G, Q), dimension scores (G, D), overall (G,); NaN where undefined."""
    counts = hist[..., 1:].sum(axis=-1).astype(float)
    sums = (hist[..., 1:] * np.arange(1, 6)).sum(axis=-1).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(counts > 0, sums / np.where(counts > 0, counts, 1), np.nan)
    qscore = (mean - 1.0) / 4.0 * 100.0
    G = hist.shape[0]
    dscore = np.full((G, n_dims), np.nan)
    for d in range(n_dims):
        cols = np.flatnonzero(qdim == d)
        if len(cols):
            dscore[:, d] = _nanmean(qscore[:, cols])
    overall = _nanmean(dscore) if n_dims else np.full(G, np.nan)
    return qscore, dscore, overall


def _nanmean(a: np.ndarray) -> np.ndarray:
    """Row means over the defined values (plain sum / count, NaN when none)."""
    ok = ~np.isnan(a)
    cnt = ok.sum(axis=1)
    s = np.where(ok, a, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(cnt > 0, s / np.where(cnt > 0, cnt, 1), np.nan)


_NUM_RE = re.compile(r"\d+")


def natural_key(value: str, below=(), above=()):
    """Order values like 18岁以下 < 18-24岁 < … < 60岁以上 (the words of `below` and
    `above`, templates/survey.toml [groups]); text without a number last."""
    m = _NUM_RE.search(value)
    first = int(m.group()) if m else math.inf
    tier = 0 if any(w in value for w in below) else 2 if any(w in value for w in above) else 1
    return (first, tier, value)


def order_values(column: str, values, cfg: SurveyConfig, towns: list[str]) -> list[str]:
    """Deterministic order of a breakdown's values: a listed order first, then natural order."""
    values = list(dict.fromkeys(values))
    preset = list(towns) if column == "town" else cfg.value_order.get(column, [])
    pos = {v: i for i, v in enumerate(preset)}
    head = sorted((v for v in values if v in pos), key=pos.get)
    last = [v for v in cfg.last_values if v in values and v not in pos]
    rest = sorted((v for v in values if v not in pos and v != cfg.empty_value and v not in last),
                  key=lambda v: natural_key(v, cfg.below, cfg.above))
    tail = [cfg.empty_value] if cfg.empty_value in values and cfg.empty_value not in pos else []
    return head + rest + last + tail


# --- the result --------------------------------------------------------------------
def _clean(x):
    """float for JSON: NaN -> None, numpy -> python."""
    if x is None:
        return None
    x = float(x)
    return None if math.isnan(x) else x


@dataclass
class SurveyResult:
    project: object
    config: SurveyConfig
    settings: object
    likert: list[str]                 # likert5 qids, questionnaire order
    text_qids: list[str]
    choice_qids: list[str]
    dimensions: list[str]             # dimensions with likert questions, catalogue order
    question_dims: dict[str, str]
    summary: dict
    screening: pd.DataFrame           # response_id, rule ('' if valid), detail; input order
    question_table: pd.DataFrame      # qid, text, dimension, answered, unknown, n1..n5, mean, score
    group_table: pd.DataFrame         # group, value, n (None if hidden), overall, <dims>, status
    gaps: pd.DataFrame                # group, dimension, high, high_score, low, low_score, gap, flagged
    hukou_gaps: pd.DataFrame          # dimension, local, migrant, gap, flagged
    label_cells: dict                 # likert labels met in the export -> number of cells mapped
    _valid_mask: np.ndarray = field(repr=False, default=None)
    _codes: np.ndarray = field(repr=False, default=None)
    pii_cache: dict = field(repr=False, default_factory=dict)   # open answer -> masked (computed once)

    # -- the contract's numbers, handy for code ---------------------------------------
    @property
    def collected(self) -> int:
        return self.summary["collected"]

    @property
    def n_valid(self) -> int:
        return self.summary["valid"]

    @property
    def overall(self) -> float | None:
        return self.summary["overall"]

    @property
    def dimension_scores(self) -> dict:
        return dict(self.summary["dimensions"])

    @property
    def question_scores(self) -> dict:
        return dict(self.summary["questions"])

    @property
    def rejected_counts(self) -> dict:
        return dict(self.summary["rejected"])

    @property
    def group_sizes(self) -> pd.DataFrame:
        """group, value, n (true size), n_published (None where hidden), suppressed, hidden."""
        t = self.group_table
        return t[["group", "value", "n_true", "n", "status"]].rename(
            columns={"n_true": "n", "n": "n_published"}).assign(
            suppressed=t["status"] == INSUFFICIENT, hidden=t["n"].isna())

    def groups(self, column: str) -> pd.DataFrame:
        return self.group_table[self.group_table["group"] == column]

    @property
    def rejected(self) -> pd.DataFrame:
        s = self.screening
        return s[s["rule"] != ""].reset_index(drop=True)

    # -- lazily built --------------------------------------------------------------------
    def valid_columns(self, categorical: bool = False) -> dict[str, np.ndarray]:
        """The columns of `valid` as object arrays (responses.csv is written from these
        without building the frame: a million rows stay within the memory budget);
        `categorical`: the likert answers as pd.Categorical of "", "1"…"5" instead, and the
        columns the reader kept as codes (load/encoded.py) as pd.Categorical of their texts."""
        from ..analyse.concerns import mask_distinct, mask_pii
        from ..load.encoded import lookup
        from ..safety.checks import SURVEY_COLUMNS

        df = self.project.survey
        qids = set(self.project.survey_questions["qid"])
        wanted = (set(SURVEY_COLUMNS) - {"respondent"}) | (qids - set(SURVEY_COLUMNS))
        keep = [c for c in df.columns if c in wanted]
        mask = self._valid_mask
        lut = np.array(["", "1", "2", "3", "4", "5"], dtype=object)
        codes = np.asfortranarray(self._codes[mask])
        likert = {q: j for j, q in enumerate(self.likert)}
        masked = set(self.text_qids + self.choice_qids)
        out = {}
        for c in keep:
            found = lookup(df[c].to_numpy(dtype=object)) if categorical and c not in likert else None
            if c in likert:
                out[c] = pd.Categorical.from_codes(codes[:, likert[c]], lut) if categorical \
                    else lut[codes[:, likert[c]]]
            elif found is not None:      # the reader's codes (load/encoded.py): distinct texts only
                vcodes, uniques = found[0][mask], np.asarray(found[1], dtype=object)
                if c in masked:
                    fields = mask_distinct(pd.Series(uniques, dtype=object).astype(str),
                                           self.pii_cache).to_numpy(dtype=object)
                    remap, uniques = pd.factorize(fields)      # two texts may mask alike
                    vcodes = remap[vcodes]
                out[c] = pd.Categorical.from_codes(vcodes, uniques)
            elif c in masked:
                out[c] = mask_pii(pd.Series(df[c].to_numpy(dtype=object)[mask]),
                                  self.pii_cache)[0].to_numpy(dtype=object)
            else:
                out[c] = df[c].to_numpy(dtype=object)[mask]
        return out

    @cached_property
    def valid(self) -> pd.DataFrame:
        """Valid questionnaires for analysts: the contract's columns without `respondent` and
        the questions, nothing else (an extra column of the export -- a phone number -- is
        never copied); likert answers 1-5 (不了解 and empty left empty); choice and text
        answers with personal data masked (***)."""
        cols = self.valid_columns()
        return pd.DataFrame({c: pd.Series(v, dtype=self.project.survey[c].dtype) for c, v in cols.items()})

    @cached_property
    def concerns(self):
        """Open-text concerns (jieba): see reportkit.analyse.concerns."""
        from ..analyse.concerns import analyse_concerns

        return analyse_concerns(self)

    def texts(self) -> pd.Series:
        """Every non-empty answer to a text question of a valid questionnaire (raw, unmasked)."""
        df = self.project.survey
        parts = [df.loc[self._valid_mask, q] for q in self.text_qids if q in df.columns]
        if not parts:
            return pd.Series([], dtype=object)
        s = pd.concat(parts, ignore_index=True).astype(object)
        codes, uniq = factorize_texts(s.to_numpy(dtype=object))   # answers repeat: strip each text once
        blank = (pd.Series(uniq, dtype=object).astype(str).str.strip() == "").to_numpy()
        return s[~blank[codes]].reset_index(drop=True)

    def text_counts(self) -> tuple[list, np.ndarray] | None:
        """texts().value_counts(sort=False) as (distinct texts, counts): the answers in order of
        first appearance, from the reader's codes (load/encoded.py) -- a million answers are
        not hashed again; None when a text column has no codes (then count texts())."""
        df = self.project.survey
        counts: dict[str, int] = {}
        for q in self.text_qids:
            if q not in df.columns:
                continue
            found = lookup(df[q].to_numpy(dtype=object))
            if found is None:
                return None
            codes, uniq = found[0][self._valid_mask], found[1]
            if not len(codes):
                continue
            present, first = np.unique(codes, return_index=True)
            n = np.bincount(codes, minlength=len(uniq))
            for k in present[np.argsort(first, kind="stable")].tolist():
                text = uniq[k]
                if not isinstance(text, str):
                    return None
                if text.strip():
                    counts[text] = counts.get(text, 0) + int(n[k])
        return list(counts), np.fromiter(counts.values(), dtype=np.int64, count=len(counts))

    def label_message(self) -> str:
        """Say that likert answers were given as words and how they were mapped ('' if not)."""
        if not self.label_cells:
            return ""
        w = self.config.wording
        counts = w.get("messages.label_separator").join(
            w.say("messages.label_count", label=k, score=self.config.labels[k], n=v)
            for k, v in self.label_cells.items())
        return w.say("messages.labels_mapped", table=f"templates/{self.config.path.name} [likert_labels]",
                     counts=counts, n=sum(self.label_cells.values()))

    def suppression_rule(self) -> str:
        return self.config.wording.say("messages.suppression", min=self.settings.min_group)


def _dimension_order(project, qdims: list[str]) -> list[str]:
    known: list[str] = []
    if "indicators" in project.tables:
        try:
            known = list(project.dimensions)
        except (KeyError, AttributeError):
            known = []
    present = [d for d in dict.fromkeys(qdims) if d]
    return [d for d in known if d in present] + [d for d in present if d not in known]


def run_survey(project) -> SurveyResult:
    """Screen the responses and compute every satisfaction index (contract rules)."""
    st = project.settings.survey
    from ..terms import project_terms

    cfg = load_config(project.root, project_terms(project))
    qs = project.survey_questions
    likert = qs.loc[qs["kind"] == "likert5", "qid"].tolist()
    text_qids = qs.loc[qs["kind"] == "text", "qid"].tolist()
    choice_qids = qs.loc[qs["kind"] == "choice", "qid"].tolist()
    qtab = project.table("survey_questions")
    stab = project.table("survey")
    if not likert:
        raise ReportkitError(msg("survey.no_likert"), [error(
            qtab.source(None, "kind") if qtab is not None else Source("data/survey_questions.csv"),
            msg("survey.no_likert_kind"), hint=msg("survey.no_likert_hint"))])
    df = project.survey
    missing = [q for q in likert + ["respondent", "submitted_at", "duration_s", "town"] if q not in df.columns]
    if missing:
        raise ReportkitError(msg("survey.missing_columns"), [error(
            stab.source(None, m) if stab is not None else Source("data/survey.csv", 1, m),
            msg("survey.missing_column", m=m)) for m in missing])
    if not len(df):
        raise ReportkitError(msg("survey.no_rows"), [error(
            stab.source() if stab is not None else Source("data/survey.csv"), msg("survey.no_rows_detail"),
            hint=msg("survey.no_rows_hint"))])
    qdims_list = [qs.loc[qs["qid"] == q, "dimension"].iloc[0] for q in likert]
    dims = _dimension_order(project, qdims_list)
    dpos = {d: i for i, d in enumerate(dims)}
    qdim = np.array([dpos.get(d, -1) for d in qdims_list], dtype=np.int64)

    sc = screen(df, likert, project.towns, st, cfg)
    n = len(df)
    valid_mask = sc.rule == 0
    rule_names = np.array([""] + list(REJECT_RULES), dtype=object)
    screening = pd.DataFrame({"response_id": df["response_id"].to_numpy(dtype=object),
                              "rule": rule_names[sc.rule], "detail": sc.detail})
    counts = np.bincount(sc.rule, minlength=len(REJECT_RULES) + 1)
    if not valid_mask.any():
        raise _none_valid(df, sc, counts, likert, stab, cfg)

    V = np.asfortranarray(sc.codes[valid_mask])     # a question a column: histograms read it down
    hist = histogram(V)
    qscore, dscore, overall = indices(hist, qdim, len(dims))

    qtext = dict(zip(qs["qid"], qs["text"]))
    h = hist[0]
    question_table = pd.DataFrame({
        "qid": likert, "text": [qtext.get(q, "") for q in likert], "dimension": qdims_list,
        "answered": h[:, 1:].sum(axis=1), "unknown": h[:, 0],
        **{f"n{k}": h[:, k] for k in range(1, 6)},
        "mean": [None if c == 0 else float((h[i, 1:] * np.arange(1, 6)).sum() / c)
                 for i, c in enumerate(h[:, 1:].sum(axis=1))],
        "score": [_clean(s) for s in qscore[0]],
    })

    # group breakdowns
    group_rows = []
    groups_json: dict[str, dict] = {}
    breakdowns = {}
    for col in cfg.group_order:
        if col in df.columns and col not in breakdowns:
            gcodes, uniq = _group_codes(df[col].to_numpy(dtype=object), valid_mask, cfg.empty_value)
            ordered = order_values(col, list(uniq), cfg, project.towns)
            remap = np.array([ordered.index(u) for u in uniq], dtype=np.int64)
            breakdowns[col] = (remap[gcodes] if len(gcodes) else gcodes, ordered)
    ghists = group_histograms(V, {c: (g, len(o)) for c, (g, o) in breakdowns.items()})
    for col in cfg.group_order:
        if col not in df.columns:
            groups_json[col] = {}
            continue
        g, ordered = breakdowns[col]
        G = len(ordered)
        ghist = ghists[col]
        _, gd, go = indices(ghist, qdim, len(dims)) if G else (None, np.zeros((0, len(dims))), np.zeros(0))
        sizes = np.bincount(g, minlength=G) if G else np.zeros(0, int)
        small = sizes < st.min_group
        hidden = small.copy()
        if small.sum() == 1 and (~small).any():
            cand = np.flatnonzero(~small)
            hidden[cand[np.argmin(sizes[cand])]] = True  # argmin: first minimum
        groups_json[col] = {}
        for i, v in enumerate(ordered):
            sup = bool(small[i])
            groups_json[col][v] = None if sup else _clean(go[i])
            row = {"group": col, "value": v, "n": None if hidden[i] else int(sizes[i]),
                   "overall": None if sup else _clean(go[i])}
            for d, name in enumerate(dims):
                row[name] = None if sup else _clean(gd[i, d])
            row["status"] = INSUFFICIENT if sup else (HIDDEN_N if hidden[i] else "")
            row["n_true"] = int(sizes[i])
            group_rows.append(row)
    group_table = pd.DataFrame(group_rows, columns=["group", "value", "n", "overall", *dims, "status", "n_true"])
    group_table["n"] = group_table["n"].astype("Int64")

    gaps, hukou_gaps = _gaps(group_table, dims, cfg)

    summary = {
        "collected": int(n),
        "valid": int(valid_mask.sum()),
        "rejected": {r: int(counts[i + 1]) for i, r in enumerate(REJECT_RULES)},
        "overall": _clean(overall[0]),
        "dimensions": {d: _clean(dscore[0, i]) for i, d in enumerate(dims)},
        "questions": {q: _clean(qscore[0, j]) for j, q in enumerate(likert)},
        "groups": groups_json,
    }
    return SurveyResult(project, cfg, st, likert, text_qids, choice_qids, dims, dict(zip(likert, qdims_list)),
                        summary, screening, question_table, group_table, gaps, hukou_gaps, sc.label_cells,
                        valid_mask, sc.codes)


def _group_codes(values: np.ndarray, valid: np.ndarray, empty: str) -> tuple[np.ndarray, np.ndarray]:
    """(codes, distinct values) of a breakdown's column over the valid questionnaires, an
    empty cell as `empty` (未填写); from the reader's codes when it kept them (the order of
    the values is order_values' business)."""
    found = lookup(values)
    if found is None:
        vals = values[valid]
        return factorize_texts(np.where(vals == "", empty, vals))
    codes, uniques = found
    sub = codes[valid]
    present = np.flatnonzero(np.bincount(sub, minlength=len(uniques)))
    named = np.asarray(uniques, dtype=object)[present]
    merged, uniq = pd.factorize(np.where(named == "", empty, named))   # "" and a typed 未填写 are one
    remap = np.full(len(uniques), -1, dtype=np.int64)
    remap[present] = merged
    return remap[sub], uniq


# The column that shows why a questionnaire failed a rule (数值越界: its first bad answer),
# and what to check.  Keyed by REJECT_RULES.
_RULE_COLUMNS = dict(zip(REJECT_RULES[:2], ("respondent", "duration_s"))) | {REJECT_RULES[5]: "town"}
# What to check, by rule: messages.toml [survey.hints], keyed by REJECT_RULES.


def _none_valid(df: pd.DataFrame, sc: Screening, counts: np.ndarray, likert: list[str], stab,
                cfg: SurveyConfig) -> ReportkitError:
    """Every questionnaire was rejected: say how many, why (the most frequent rule) and
    where (its first questionnaire, as a file/row/column), so that the export can be fixed."""
    n = len(df)
    k = int(np.argmax(counts[1:])) + 1          # most frequent rule, REJECT_RULES order on a tie
    rule = REJECT_RULES[k - 1]
    i = int(np.flatnonzero(sc.rule == k)[0])
    column = _RULE_COLUMNS.get(rule)
    if rule == REJECT_RULES[2]:
        column = likert[int((sc.codes[i] == INVALID).argmax())]
    value = df[column].iloc[i] if column and column != "respondent" else None   # never show who answered
    rid = df["response_id"].iloc[i] if "response_id" in df.columns else ""
    where = stab.source(i, column) if stab is not None else Source("data/survey.csv", i + 2, column)
    example = msg("survey.example", rid=rid, detail=sc.detail[i]) if rid else sc.detail[i]
    hint = msg(f"survey.hints.{rule}", labels=f"templates/{cfg.path.name} [likert_labels]")
    why = join((msg("survey.rule_count", rule=r, n=int(counts[j + 1])) for j, r in enumerate(REJECT_RULES)
                if counts[j + 1]), "comma")
    return ReportkitError(
        msg("survey.none_valid", n=n, why=why),
        [error(where, msg("survey.none_valid_detail", rule=rule, n=int(counts[k]), example=example),
               value, hint)])


def _gaps(group_table: pd.DataFrame, dims: list[str], cfg: SurveyConfig) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = []
    for col in cfg.group_order:
        sub = group_table[(group_table["group"] == col) & (group_table["status"] != INSUFFICIENT)]
        if len(sub) < 2:
            continue
        for d in dims:
            s = sub[["value", d]].dropna()
            s = s[s[d].map(lambda x: x is not None)]
            if len(s) < 2:
                continue
            vals = s[d].astype(float).to_numpy()
            hi, lo = int(np.argmax(vals)), int(np.argmin(vals))
            gap = float(vals[hi] - vals[lo])
            rows.append({"group": col, "dimension": d, "high": s["value"].iloc[hi], "high_score": float(vals[hi]),
                         "low": s["value"].iloc[lo], "low_score": float(vals[lo]), "gap": gap,
                         "flagged": gap >= cfg.gap_points - 1e-9})
    gaps = pd.DataFrame(rows, columns=["group", "dimension", "high", "high_score", "low", "low_score", "gap",
                                       "flagged"])
    hk = group_table[group_table["group"] == "hukou"].set_index("value")
    hrows = []
    for d in ["overall", *dims]:
        loc = hk[d].get(cfg.local) if cfg.local in hk.index else None
        mig = hk[d].get(cfg.migrant) if cfg.migrant in hk.index else None
        loc, mig = _clean(loc), _clean(mig)
        gap = None if loc is None or mig is None else mig - loc
        hrows.append({"dimension": d, "local": loc, "migrant": mig, "gap": gap,
                      "flagged": gap is not None and abs(gap) >= cfg.gap_points - 1e-9})
    return gaps, pd.DataFrame(hrows, columns=["dimension", "local", "migrant", "gap", "flagged"])


# --- outputs ------------------------------------------------------------------------
def summary_json(result: SurveyResult) -> bytes:
    return (json.dumps(result.summary, ensure_ascii=False, indent=2, allow_nan=False) + "\n").encode("utf-8")


def _csv(df: pd.DataFrame) -> bytes:
    out = df.copy()
    for c in out.columns:
        if out[c].dtype == bool:
            out[c] = out[c].map({True: 1, False: 0})
    return write_csv_bytes(out)


def responses_csv(result: SurveyResult) -> bytes:
    """survey/responses.csv, written from the columns (see SurveyResult.valid_columns)."""
    from ..load.csvwrite import columns_csv

    cols = result.valid_columns(categorical=True)
    likert = set(result.likert)
    plain = {i for i, c in enumerate(cols) if c in likert}    # "" and "1"…"5" from a lookup table
    data = columns_csv(list(cols), list(cols.values()), plain)
    return data if data is not None else _csv(result.valid)


def add_survey_outputs(writer, result: SurveyResult, scores=None) -> None:
    """Add every survey/ file to `writer` (nothing is written until writer.commit())."""
    writer.add("survey/summary.json", summary_json(result))
    writer.add("survey/rejected.csv", _csv(result.rejected[["response_id", "rule", "detail"]]))
    writer.add("survey/responses.csv", responses_csv(result))
    writer.add("survey/groups.csv", _csv(result.group_table.drop(columns=["n_true"])))
    writer.add("survey/gaps.csv", _csv(result.gaps))
    writer.add("survey/questions.csv", _csv(result.question_table))
    con = result.concerns
    writer.add("survey/keywords.csv", _csv(con.keywords))
    writer.add("survey/themes.csv", _csv(con.themes.drop(columns=["quotes"], errors="ignore")))
    if scores is not None:
        from ..analyse.compare import compare
        from ..analyse.hot_issues import hot_issues

        writer.add("survey/compare.csv", _csv(compare(scores, result)))
        writer.add("survey/hot_issues.csv", _csv(hot_issues(scores, result).top))
