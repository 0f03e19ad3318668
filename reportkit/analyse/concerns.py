"""Residents' concerns: personal data masked, keywords, themes, choices and quotations.

Works on any questionnaire and any indicator system.  Order of work, per
distinct answer text (answers repeat, so each text is handled once and weighted
by how often it occurs):

  1. personal data are replaced with *** BEFORE anything else sees the text:
     mobile and landline phone numbers, 18/15-digit ID numbers, any other run
     of 7+ digits, e-mail addresses, WeChat ids, and names introduced by
     我叫 / 姓名 / 名字是 / 联系人 / 我姓 …;
  2. keywords: jieba.posseg segmentation (default dictionary + the user
     dictionaries); nouns and verbs only, each at least as specific as a minimum
     general-language IDF (jieba.analyse's table), no stop word (the stopwordsiso
     general Chinese list + templates/jieba/stopwords.txt + the project's own);
     ranked by TF-IDF weight (count x IDF);
  3. themes (templates/concerns.toml, merged with the project's own copy): an
     answer mentions a theme when one of the theme's patterns (stems, synonyms)
     occurs in it outside the spans the theme's exclusions cover.  Each theme finds its indicators in the
     project's catalogue by words in their names and units, and its dimension as
     the one holding most of them (then most matching satisfaction questions, then
     a dimension whose name holds a theme word) -- never by a fixed list of
     dimension names;
  4. choice questions about what needs improving (kind `choice`, text matching
     [choices] improvement): every option chosen is counted, and matched to the
     themes like an answer.  A theme's concern is the mean of the shares of the
     sources that could have counted it: the share of open answers mentioning it
     and, only when an option of a choice question is the theme's, the share of
     those questions' respondents choosing it -- a theme no option stands for is
     judged by the open answers alone.  Options of no theme stay in the choices
     table (what residents chose);
  5. quotations: for the most raised themes, the most frequent answers that needed
     no masking (and are of a readable length), near-duplicates (the same words
     up to punctuation, particles and a few characters) merged into one.

jieba is initialised quietly (log level WARNING) with its cache file in a
fixed, writable folder: $REPORTKIT_CACHE_DIR, else $XDG_CACHE_HOME/reportkit,
else ~/.cache/reportkit, else <tmp>/reportkit-<uid>.
"""
from __future__ import annotations

import dataclasses
import logging
import os
import re
import tempfile
import time
import warnings
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..wording import load_toml as builtin_template   # the built-in file (no project override)

MASK = "***"

# Separators people put inside numbers: - . _ / and spaces (one or two between digits).
_SEP = r"[\s\-._/]{0,3}"
# Order matters: e-mail first, ID numbers before phone numbers before any long digit run.
# Each pattern: (regex, group) -- the text from the end of `group` (0: the start of the
# match) to the end of the match is replaced by ***.
_PRIVACY = builtin_template("concerns.toml")["privacy"]   # the patterns with words in them
_PII: list[tuple[re.Pattern, int]] = [
    (re.compile(_PRIVACY["email"],
                re.ASCII | re.IGNORECASE), 0),
    (re.compile(r"(?<![0-9A-Za-z])\d{6}(?:19|20)\d{2}(?:0[1-9]|1[0-2])\d{2}\d{3}[\dXx](?![0-9A-Za-z])", re.ASCII), 0),
    (re.compile(rf"(?<![0-9A-Za-z])\d(?:{_SEP}\d){{16}}{_SEP}[\dXx](?![0-9A-Za-z])", re.ASCII), 0),
    (re.compile(r"(?<!\d)\d{15}(?!\d)", re.ASCII), 0),
    (re.compile(rf"(?<!\d)(?:\+?86{_SEP})?1{_SEP}[3-9](?:{_SEP}\d){{9}}(?!\d)", re.ASCII), 0),
    (re.compile(rf"(?<!\d)0\d{{2,3}}{_SEP}\d(?:{_SEP}\d){{6,7}}(?!\d)", re.ASCII), 0),
    (re.compile(rf"\d(?:{_SEP}\d){{6,}}", re.ASCII), 0),
    (re.compile(_PRIVACY["im"]), 1),
    (re.compile(_PRIVACY["name"]), 1),
]
# Full-width digits, letters and the characters used in numbers and e-mail addresses are
# read as their ASCII forms (１３８－００１３, ａｂｃ＠ｑｑ．ｃｏｍ); one character each, so
# the positions found in the normalised text are those of the original.
_FULL = {**{0xFF10 + i: 0x30 + i for i in range(10)}, **{0xFF21 + i: 0x41 + i for i in range(26)},
         **{0xFF41 + i: 0x61 + i for i in range(26)},
         0xFF20: ord("@"), 0xFE6B: ord("@"), 0xFF0E: ord("."), 0x3002: ord("."), 0xFF0D: ord("-"),
         0x2010: ord("-"), 0x2011: ord("-"), 0x2012: ord("-"), 0x2013: ord("-"), 0x2014: ord("-"),
         0x2212: ord("-"), 0xFF3F: ord("_"), 0xFF0F: ord("/"), 0xFF0B: ord("+"), 0x3000: ord(" "),
         0x00A0: ord(" "), 0xFF08: ord("("), 0xFF09: ord(")"), 0xFF3B: ord("["), 0xFF3D: ord("]")}
_NEEDS_NORMALISING = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_FULL)) + "]")
# kept for code that lists the patterns (regex, replacement)
_PII_PATTERNS = [(p, MASK if g == 0 else r"\1" + MASK) for p, g in _PII]


def mask_text(text: str) -> str:
    """Personal data in one text replaced by ***, whatever the digits' width or the
    separators between them."""
    norm = text.translate(_FULL)
    if norm == text:
        for pat, repl in _PII_PATTERNS:
            text = pat.sub(repl, text)
        return text
    for pat, group in _PII:
        spans = [(m.end(group) if group else m.start(), m.end()) for m in pat.finditer(norm)]
        for a, b in reversed(spans):
            text = text[:a] + MASK + text[b:]
            norm = norm[:a] + MASK + norm[b:]
    return text


def mask_pii(texts: pd.Series, cache: dict | None = None) -> tuple[pd.Series, pd.Series]:
    """Mask personal data in every text (vectorised over distinct values).  `cache`
    (text -> masked) is consulted and filled, so texts masked once -- the survey's open
    answers, for the concerns and for responses.csv -- are not masked again.

    Returns (masked texts, True where something was masked)."""
    s = texts.astype(object).fillna("")
    if not len(s):
        return s, pd.Series([], dtype=bool)
    from ..score.survey import factorize_texts

    codes, uniq = factorize_texts(s.to_numpy(dtype=object))
    u = pd.Series(uniq, dtype=object).astype(str)
    m = mask_distinct(u, cache)
    masked = pd.Series(m.to_numpy()[codes], index=s.index, dtype=object)
    changed = pd.Series((m != u).to_numpy()[codes], index=s.index)
    return masked, changed


def mask_distinct(u: pd.Series, cache: dict | None = None) -> pd.Series:
    """`mask_pii` of distinct texts (a Series of str): the masked texts, same index."""
    m = u.copy()
    known = np.zeros(len(u), dtype=bool)
    if cache:
        got = u.map(cache)
        known = got.notna().to_numpy()
        m[known] = got[known]
    todo = ~known
    odd = u.str.contains(_NEEDS_NORMALISING, regex=True).to_numpy() & todo
    plain = m[todo & ~odd]
    for pat, repl in _PII_PATTERNS:
        plain = plain.str.replace(pat, repl, regex=True)
    m[todo & ~odd] = plain
    if odd.any():   # full-width forms: the careful way, one text at a time
        m[odd] = [mask_text(x) for x in u[odd]]
    if cache is not None and todo.any():
        cache.update(zip(u[todo].tolist(), m[todo].tolist()))
    return m


# --- jieba ----------------------------------------------------------------------------
def cache_dir() -> Path:
    candidates = []
    if os.environ.get("REPORTKIT_CACHE_DIR"):
        candidates.append(Path(os.environ["REPORTKIT_CACHE_DIR"]))
    if os.environ.get("XDG_CACHE_HOME"):
        candidates.append(Path(os.environ["XDG_CACHE_HOME"]) / "reportkit")
    candidates.append(Path.home() / ".cache" / "reportkit")
    uid = os.getuid() if hasattr(os, "getuid") else "user"
    candidates.append(Path(tempfile.gettempdir()) / f"reportkit-{uid}")
    for c in candidates:
        try:
            c.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if os.access(c, os.W_OK):
            return c
    return Path(tempfile.mkdtemp(prefix="reportkit-jieba-"))


def cache_store(path: Path, data: bytes) -> bool:
    """Put `data` at `path` in the cache folder whole or not at all (a temporary file
    renamed into place); False when the folder cannot be written (the value is simply
    computed again next time)."""
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, path)
        return True
    except OSError:
        return False
    finally:
        if tmp.exists():
            tmp.unlink()


@lru_cache(maxsize=4)
def tokenizer(userdicts: tuple[str, ...] | str | None):
    """A private jieba Tokenizer (the global one is left alone), initialised quietly."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba
    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.tmp_dir = str(cache_dir())
    tok.cache_file = "jieba-default.cache"  # the default dictionary's prefix dict
    tok.initialize()
    for path in ([userdicts] if isinstance(userdicts, str) else userdicts or ()):
        tok.load_userdict(path)
    return tok



def read_stopwords(*paths: Path) -> frozenset[str]:
    words = set()
    for path in paths:
        for line in path.read_text(encoding="utf-8-sig").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                words.add(line)
    return frozenset(words)


@lru_cache(maxsize=1)
def general_stopwords() -> frozenset[str]:
    """The general Chinese stop-word list of the stopwordsiso package (stopwords-iso, MIT)."""
    import stopwordsiso

    return frozenset(stopwordsiso.stopwords("zh"))


@lru_cache(maxsize=1)
def idf_table() -> tuple[dict, float]:
    """jieba.analyse's general-language IDF table (jieba/analyse/idf.txt: "word idf" per
    line) and its median (for unknown words), read directly: importing jieba.analyse
    also loads TextRank and costs as much again as the table."""
    import importlib.util

    spec = importlib.util.find_spec("jieba")
    path = Path(spec.origin).parent / "analyse" / "idf.txt"
    idf = _idf_columns(path)
    if idf is None:
        idf = {}
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                word, _, value = line.rstrip("\n").rpartition(" ")
                if word:
                    idf[word] = float(value)
    values = sorted(idf.values())
    return idf, values[len(values) // 2] if values else 0.0


def _idf_columns(path: Path) -> dict | None:
    """The IDF table parsed by pandas' C reader when every line is exactly "word idf" (one
    space; the numbers converted as float() does), else None (read line by line)."""
    import csv

    with open(path, "rb") as fh:
        if fh.read(3) == b"\xef\xbb\xbf":
            return None
    try:
        df = pd.read_csv(path, sep=" ", header=None, names=["word", "idf"], dtype={"word": object, "idf": object},
                         quoting=csv.QUOTE_NONE, na_filter=False, keep_default_na=False, encoding="utf-8",
                         engine="c", skip_blank_lines=True)
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError):
        return None
    words = df["word"].to_numpy(dtype=object)
    values = df["idf"].to_numpy(dtype=object)
    if not len(words) or (words == "").any() or (values == "").any():
        return None
    try:
        return dict(zip(words.tolist(), map(float, values.tolist())))
    except (TypeError, ValueError):
        return None


_WORDY = re.compile(r"[A-Za-z\u4e00-\u9fff]")


def _files(name: str, project_root: Path | None) -> list[Path]:
    """The built-in template file, then the project's own copy (both are used)."""
    from ..theme import templates_dir

    out = []
    for d in reversed(list(templates_dir(project_root))):
        if (d / name).exists() and (d / name) not in out:
            out.append(d / name)
    return out


# --- configuration --------------------------------------------------------------------
@dataclass(frozen=True)
class Theme:
    name: str
    dimension: str | None           # resolved against the project's own dimensions
    patterns: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    indicators: tuple[str, ...] = ()  # words for the project's indicator names and units
    codes: tuple[str, ...] = ()       # the project's indicators of this theme (resolved)
    pinned: bool = False              # the project's own file names the dimension

    @property
    def keywords(self) -> tuple[str, ...]:
        return self.patterns

    def regex(self) -> str:
        return "|".join(f"(?:{p})" for p in self.patterns)

    def exclude_regex(self) -> str:
        return "|".join(f"(?:{p})" for p in self.exclude)

    def matches(self, texts: pd.Series) -> pd.Series:
        """True where a text mentions the theme: one of its patterns occurs outside every
        span an exclusion covers (卫生院 is not 卫生, yet "卫生院看不了病，垃圾没人清"
        still mentions the rubbish)."""
        if not self.patterns or not len(texts):
            return pd.Series(False, index=texts.index)
        s = texts.astype(str)
        if self.exclude:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                s = s.str.replace(self.exclude_regex(), " ", regex=True)
        return _contains(s, self.regex())

    def mentioned_in(self, text: str) -> bool:
        """matches() for one text."""
        if not self.patterns:
            return False
        if self.exclude:
            text = re.sub(self.exclude_regex(), " ", str(text))
        return re.search(self.regex(), str(text)) is not None


@dataclass(frozen=True)
class ConcernsConfig:
    path: Path
    themes: tuple[Theme, ...]
    min_length: int
    top_keywords: int
    quotes: dict
    compare: dict
    compare_labels: dict
    hot: dict
    keywords: dict = field(default_factory=dict)
    choices: dict = field(default_factory=dict)
    paths: tuple[Path, ...] = ()


class ConcernsConfigError(ValueError):
    pass


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        if k == "themes":
            continue
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def _theme(t: dict, path: Path, pinned_ok: bool) -> Theme:
    name = str(t.get("name", "")).strip()
    pats = t.get("patterns", None)
    if pats is None:   # an older file: plain keywords
        pats = [re.escape(k) for k in t.get("keywords", [])]
    pats = [pats] if isinstance(pats, str) else list(pats)
    excl = t.get("exclude", [])
    excl = [excl] if isinstance(excl, str) else list(excl)
    for p in pats + excl:
        try:
            re.compile(p)
        except re.error as exc:
            raise ConcernsConfigError(f"{path}: {name}: {p!r}: {exc}") from None
    words = t.get("indicators", [])
    dim = t.get("dimension") if pinned_ok else None
    if isinstance(dim, list):
        dim = dim[0] if dim else None
    return Theme(name, dim, tuple(str(p) for p in pats), tuple(str(p) for p in excl),
                 tuple(str(w) for w in ([words] if isinstance(words, str) else words)), (), bool(dim))


def load_concerns_config(project_root: Path | None = None, dimensions=(), project=None,
                         questions=None) -> ConcernsConfig:
    """templates/concerns.toml (built-in) merged with the project's own copy, the themes
    resolved against the project's indicator catalogue (`project`) or, without one,
    against the given `dimensions` names only."""
    from ..safety.files import load_toml

    paths = _files("concerns.toml", project_root)
    data: dict = {}
    themes: dict[str, Theme] = {}
    for i, path in enumerate(paths):
        part = load_toml(path, "templates/concerns.toml")
        own = i > 0      # the project's file may pin dimensions
        if own and part.get("replace_themes"):
            themes = {}
        data = _merge(data, part)
        for t in part.get("themes", []):
            th = _theme(t, path, own)
            themes[th.name] = th
    resolved = resolve_themes(tuple(themes.values()), project, list(dimensions), questions)
    kw = data.get("keywords", {})
    compare = data.get("compare", {})
    return ConcernsConfig(paths[-1], resolved, int(kw.get("min_length", 2)), int(kw.get("top", 20)),
                          dict(data.get("quotes", {})), dict(compare), dict(compare.get("labels", {})),
                          dict(data.get("hot_issues", {})), dict(kw), dict(data.get("choices", {})),
                          tuple(paths))


def _contains(series: pd.Series, regex: str) -> pd.Series:
    if not regex or not len(series):
        return pd.Series(False, index=series.index)
    s = series.astype(str)
    texts = s.tolist()
    if all(type(t) is str for t in texts):     # what str.contains does, without its per-call cost
        search = re.compile(regex).search
        return pd.Series([search(t) is not None for t in texts], index=series.index, dtype=bool)
    with warnings.catch_warnings():     # groups in a pattern are fine: only the match counts
        warnings.simplefilter("ignore", UserWarning)
        return s.str.contains(regex, regex=True)


def resolve_themes(themes: tuple[Theme, ...], project=None, dimensions: list[str] | None = None,
                   questions: pd.DataFrame | None = None) -> tuple[Theme, ...]:
    """Each theme's indicators (codes) and dimension in this project.

    Indicators: those whose name or unit holds one of the theme's `indicators` words.
    Dimension: the one with most of those indicators, then most likert questions whose
    text matches the theme's patterns, then one whose name holds a theme word; the first
    in catalogue order on a tie.  A theme with none of these has no dimension."""
    inds = None
    if project is not None and "indicators" in getattr(project, "tables", {}):
        inds = project.indicators
        dimensions = list(project.dimensions)
        if questions is None and "survey_questions" in project.tables:
            qs = project.survey_questions
            questions = qs[qs["kind"] == "likert5"]
    dimensions = list(dict.fromkeys(dimensions or []))
    if questions is not None and len(questions):
        dimensions += [d for d in dict.fromkeys(questions["dimension"]) if d and d not in dimensions]
    order = {d: i for i, d in enumerate(dimensions)}
    out = []
    for th in themes:
        words = th.indicators or tuple(p for p in th.patterns if re.escape(p) == p)
        wrx = "|".join(re.escape(w) for w in words)
        codes: list[str] = []
        count: dict[str, list[int]] = {d: [0, 0, 0] for d in dimensions}
        if inds is not None and wrx:
            text = inds["name"].astype(str) + " " + inds["unit"].astype(str)
            # an indicator counts once per theme word it holds: 老旧小区改造完成率 (two words)
            # speaks for the theme more than 村级工业园改造面积 (one)
            strength = sum(_contains(text, re.escape(w)).astype(int) for w in words)
            hit = inds[strength > 0]
            for c, d, k in zip(hit["code"], hit["dimension"], strength[strength > 0]):
                count.setdefault(d, [0, 0, 0])[0] += int(k)
                codes.append(c)
        if questions is not None and len(questions) and th.patterns:
            qhit = questions[th.matches(questions["text"]).to_numpy()]
            for d in qhit["dimension"]:
                if d in count:
                    count[d][1] += 1
        for d in count:
            if wrx and re.search(wrx, d) or th.mentioned_in(d):
                count[d][2] = 1
        dim = None
        if th.pinned:
            dim = th.dimension if th.dimension in order else None
        else:
            ranked = sorted((d for d, c in count.items() if sum(c)), key=lambda d: (
                -count[d][0], -count[d][1], -count[d][2], order.get(d, len(order))))
            dim = ranked[0] if ranked else None
        if dim is not None and inds is not None:
            own = set(inds.loc[inds["dimension"] == dim, "code"])
            codes = [c for c in codes if c in own]
        out.append(dataclasses.replace(th, dimension=dim, codes=tuple(dict.fromkeys(codes))))
    return tuple(out)


# --- the analysis -----------------------------------------------------------------------
@dataclass
class Concerns:
    answers: int                      # non-empty text answers of valid questionnaires
    distinct: int                     # distinct answer texts segmented
    masked: int                       # answers in which personal data were masked
    keywords: pd.DataFrame            # word, pos, count, answers, weight (TF-IDF order)
    themes: pd.DataFrame              # theme, dimension, mentions, share, choices, choice_share, choosable,
                                      # concern, ...: choosable = an option of a choice question is the
                                      # theme's; concern = mean of share and (if choosable) choice_share
    quotes: dict = field(default_factory=dict)   # theme -> [quotation]
    mask_seconds: float = 0.0
    segment_seconds: float = 0.0
    config: ConcernsConfig | None = None
    choices: pd.DataFrame | None = None          # qid, question, option, count, share, theme
    choice_respondents: dict = field(default_factory=dict)   # qid -> respondents who answered
    quote_counts: dict = field(default_factory=dict)          # quotation -> answers it stands for
    choice_multiple: dict = field(default_factory=dict)       # qid -> multiple choice (chosen so, or said so)

    def top_themes(self, n: int = 5) -> pd.DataFrame:
        t = self.themes[self.themes["concern"] > 0]
        return t.head(n)


THEME_COLUMNS = ["theme", "dimension", "mentions", "share", "choices", "choice_share", "choosable", "concern",
                 "keywords", "indicators"]
CHOICE_COLUMNS = ["qid", "question", "option", "count", "share", "theme"]


def _pos_class(flag: str, cfg: dict) -> str | None:
    if flag in cfg.get("pos_noun", ()):
        return "noun"
    if flag in cfg.get("pos_verb", ()):
        return "verb"
    return None


def segment(texts: list[str], tok, stopwords: frozenset[str], kw: dict, user_words: frozenset[str]) -> list[list]:
    """Keep, per text, the [word, pos] pairs that count as keywords (module docstring)."""
    import jieba.posseg

    pos = jieba.posseg.POSTokenizer(tok)
    idf, _median = idf_table()
    min_len = int(kw.get("min_length", 2))
    floor = {"noun": float(kw.get("min_idf_noun", 5.0)), "verb": float(kw.get("min_idf_verb", 6.0))}
    known = tok.FREQ      # jieba's dictionary and the user dictionaries (a prefix only: 0)
    out = []
    for t in texts:
        words = []
        for pair in pos.cut(t):
            w, flag = pair.word.strip(), pair.flag
            if len(w) < min_len or w in stopwords or not _WORDY.search(w) or MASK in w:
                continue
            cls = _pos_class(flag, kw)
            if cls is None and w not in user_words:
                continue
            if w not in user_words and w in idf and idf[w] < floor.get(cls, 0.0):
                continue
            if flag == "nr" and w not in idf and w not in user_words:
                continue      # an unknown personal name is never a keyword
            if not known.get(w) and w not in user_words and (w[0] in stopwords or w[-1] in stopwords):
                continue      # a word jieba made up around a stop word ("要排" of 要排队): a fragment
            words.append([w, flag])
        out.append(words)
    return out


def _user_words(paths: list[Path]) -> frozenset[str]:
    words = set()
    for p in paths:
        for line in p.read_text(encoding="utf-8-sig").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                words.add(line.split()[0])
    return frozenset(words)


def segment_cached(texts: list[str], project_root: Path | None, kw: dict) -> list[list]:
    """segment(), remembered on disk: an unchanged set of answers (the usual case when
    analysts rebuild the report) is not segmented again and jieba is not even loaded."""
    import hashlib
    import json

    try:
        from importlib.metadata import version
        jv = version("jieba") + "/" + version("stopwordsiso")
    except Exception:  # pragma: no cover - metadata missing
        jv = "?"
    dicts = _files("jieba/userdict.txt", project_root)
    stops = _files("jieba/stopwords.txt", project_root)
    h = hashlib.sha256()
    for part in (jv, "posseg-2", json.dumps(kw, sort_keys=True, ensure_ascii=False),
                 *(p.read_text(encoding="utf-8") for p in dicts + stops), "\x1e".join(texts)):
        h.update(part.encode("utf-8"))
        h.update(b"\x1f")
    path = cache_dir() / f"keywords-{h.hexdigest()[:24]}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    tok = tokenizer(tuple(str(p) for p in dicts))
    words = segment(texts, tok, general_stopwords() | read_stopwords(*stops), kw, _user_words(dicts))
    cache_store(path, json.dumps(words, ensure_ascii=False).encode("utf-8"))
    return words


def analyse_concerns(result, config: ConcernsConfig | None = None) -> Concerns:
    """Keywords, themes, choices and quotations of the answers of a SurveyResult."""
    root = getattr(result.project, "root", None)
    cfg = config or load_concerns_config(root, project=result.project,
                                         questions=_likert_questions(result))
    counted = result.text_counts() if hasattr(result, "text_counts") else None
    return analyse_texts(None if counted is not None else result.texts(), cfg, root, choice_answers(result, cfg),
                         getattr(result, "pii_cache", None), counted=counted)


def _likert_questions(result) -> pd.DataFrame | None:
    qt = getattr(result, "question_table", None)
    return None if qt is None else qt[["qid", "text", "dimension"]]


def improvement_questions(questions: pd.DataFrame, cfg: ConcernsConfig) -> pd.DataFrame:
    """The choice questions about what needs improving (concerns.toml [choices])."""
    ch = cfg.choices
    qs = questions[questions["kind"] == "choice"]
    listed = set(ch.get("questions", []))
    rx = "|".join(f"(?:{p})" for p in ch.get("improvement", []))
    hit = qs["qid"].isin(listed)
    if rx:
        hit |= _contains(qs["text"], rx)
    return qs[hit]


def choice_answers(result, cfg: ConcernsConfig) -> list[tuple[str, str, pd.Series]]:
    """(qid, question text, answers of valid questionnaires) of each improvement question."""
    p = result.project
    if "survey_questions" not in getattr(p, "tables", {}):
        return []
    out = []
    df = p.survey
    for q in improvement_questions(p.survey_questions, cfg).itertuples():
        if q.qid in df.columns:
            s = df.loc[result._valid_mask, q.qid].astype(object).fillna("").astype(str)
            out.append((q.qid, q.text, s[s.str.strip() != ""].reset_index(drop=True)))
    return out


def split_options(answers: pd.Series, separators) -> pd.DataFrame:
    """One row per (answer, option chosen): columns row, option."""
    seps = "|".join(re.escape(s) for s in separators) or r"$^"
    parts = answers.astype(str).str.split(seps, regex=True)
    rows = [(i, o.strip()) for i, opts in enumerate(parts) for o in dict.fromkeys(x.strip() for x in opts) if o.strip()]
    return pd.DataFrame(rows, columns=["row", "option"])


def _theme_hits(texts: pd.Series, themes) -> dict[str, np.ndarray]:
    return {th.name: th.matches(texts).to_numpy().copy() for th in themes if th.patterns}


_NORM = re.compile(builtin_template("concerns.toml")["quotes"]["normalise"])
_FILLERS = re.compile(builtin_template("concerns.toml")["quotes"].get("fillers") or r"$^")


def _bigrams(text: str) -> frozenset[str]:
    t = _NORM.sub("", _FILLERS.sub("", text))
    return frozenset(t[i:i + 2] for i in range(len(t) - 1)) or frozenset([t])


def near_duplicate(a: frozenset, b: frozenset) -> bool:
    """Two answers say the same (up to punctuation, particles and a few characters):
    their character bigrams overlap by 70% of the shorter one, or half of all of them."""
    inter = len(a & b)
    if not inter:
        return False
    return inter / min(len(a), len(b)) >= 0.7 or inter / len(a | b) >= 0.5


def analyse_texts(raw: pd.Series | None, cfg: ConcernsConfig, project_root: Path | None = None,
                  choices: list | None = None, mask_cache: dict | None = None,
                  counted: tuple | None = None) -> Concerns:
    """`raw`: the answers; or `counted`: (distinct answers, how often each), as
    raw.value_counts(sort=False) makes them (SurveyResult.text_counts)."""
    t0 = time.perf_counter()
    if counted is None:
        counts = raw.astype(object).value_counts(sort=False)
        uniq = pd.Series(counts.index.astype(object), dtype=object)
        weights = counts.to_numpy().astype(np.int64)
    else:
        uniq = pd.Series(counted[0], dtype=object)
        weights = np.asarray(counted[1], dtype=np.int64)
    masked, changed = mask_pii(uniq, mask_cache)
    # a text that already held *** is never quoted either
    changed = changed | uniq.astype(str).str.contains(re.escape(MASK), regex=True)
    t1 = time.perf_counter()
    n_answers = int(weights.sum())

    words = segment_cached(masked.tolist(), project_root, cfg.keywords or {"min_length": cfg.min_length})
    t2 = time.perf_counter()

    idf, median = idf_table()
    total: Counter = Counter()
    per_answer: Counter = Counter()
    tags: dict[str, Counter] = {}
    for ws, w in zip(words, weights):
        for word, flag in ws:
            total[word] += int(w)
            tags.setdefault(word, Counter())[flag] += int(w)
        for word in {x for x, _ in ws}:
            per_answer[word] += int(w)
    rows = [(word, tags[word].most_common(1)[0][0], c, per_answer[word], c * idf.get(word, median))
            for word, c in total.items()]
    kw = pd.DataFrame(rows, columns=["word", "pos", "count", "answers", "weight"])
    kw = kw.sort_values(["weight", "count", "word"], ascending=[False, False, True], kind="stable")
    kw = kw.reset_index(drop=True)

    # themes in the open text
    hits = _theme_hits(masked, cfg.themes)
    # choice questions: options chosen, matched to themes
    choice_rows, respondents, theme_choosers, theme_base = [], {}, Counter(), Counter()
    multi: dict[str, bool] = {}
    seps = cfg.choices.get("separators", [])
    said_multi = "|".join(f"(?:{p})" for p in cfg.choices.get("multiple", []))
    for qid, text, answers in choices or []:
        respondents[qid] = len(answers)
        opts = split_options(answers, seps)
        # multiple choice: some respondent chose several options, or the question says so
        multi[qid] = bool(len(opts) and opts["row"].duplicated().any()) or \
            bool(said_multi and re.search(said_multi, str(text)))
        if not len(opts):
            continue
        oc = opts.groupby("option", sort=False)["row"].nunique()
        uniq_opts = pd.Series(oc.index.astype(str))
        ohits = _theme_hits(uniq_opts, cfg.themes)
        opt_theme = {}
        for th in cfg.themes:
            if th.name in ohits:
                for o in uniq_opts[ohits[th.name]]:
                    opt_theme.setdefault(o, th.name)
        for o, n in oc.sort_values(ascending=False, kind="stable").items():
            choice_rows.append({"qid": qid, "question": text, "option": o, "count": int(n),
                                "share": n / len(answers) if len(answers) else 0.0, "theme": opt_theme.get(o, "")})
        for th in cfg.themes:
            if th.name in ohits and ohits[th.name].any():
                # the theme could be chosen in this question: its respondents are the base
                chosen = set(uniq_opts[ohits[th.name]])
                theme_choosers[th.name] += int(opts.loc[opts["option"].isin(chosen), "row"].nunique())
                theme_base[th.name] += len(answers)
    choice_df = pd.DataFrame(choice_rows, columns=CHOICE_COLUMNS)

    trows = []
    for th in cfg.themes:
        hit = hits.get(th.name, np.zeros(len(uniq), bool))
        mentions = int(weights[hit].sum())
        share = mentions / n_answers if n_answers else 0.0
        chosen = int(theme_choosers.get(th.name, 0))
        base = int(theme_base.get(th.name, 0))
        cshare = chosen / base if base else 0.0
        # averaged over the sources that could have counted the theme: the open answers
        # (if any), and the choice questions only when one of their options is the theme's
        parts = ([share] if n_answers else []) + ([cshare] if base else [])
        concern = sum(parts) / len(parts) if parts else 0.0
        kwc = Counter()
        for ws, w, h in zip(words, weights, hit):
            if h:
                for word in {x for x, _ in ws}:
                    kwc[word] += int(w)
        # the theme's own words first (a keyword matching its patterns), co-mentions only if none
        own = {k for k in kwc if th.mentioned_in(k)}
        ranked = sorted(kwc.items(), key=lambda kv: (kv[0] not in own, -kv[1], kv[0]))
        top_k = [k for k, _ in ranked if k in own][:3] or [k for k, _ in ranked][:3]
        trows.append({"theme": th.name, "dimension": th.dimension or "", "mentions": mentions, "share": share,
                      "choices": chosen, "choice_share": cshare, "choosable": bool(base), "concern": concern,
                      "keywords": builtin_template("concerns.toml")["keywords"]["separator"].join(top_k), "indicators": ";".join(th.codes)})
    themes = pd.DataFrame(trows, columns=THEME_COLUMNS)
    order = {t.name: i for i, t in enumerate(cfg.themes)}
    themes["_o"] = themes["theme"].map(order)
    themes = themes.sort_values(["concern", "mentions", "_o"], ascending=[False, False, True],
                                kind="stable").drop(columns="_o").reset_index(drop=True)

    quotes, quote_counts = _quotes(themes, hits, uniq, weights, changed.to_numpy(), cfg.quotes)
    themes["quotes"] = themes["theme"].map(lambda n: " | ".join(quotes.get(n, [])))
    return Concerns(n_answers, len(uniq), int(weights[changed.to_numpy()].sum()), kw, themes, quotes,
                    t1 - t0, t2 - t1, cfg, choice_df, respondents, quote_counts, multi)


def _quotes(themes, hits, uniq, weights, changed, q) -> tuple[dict, dict]:
    """Representative quotations of the most raised themes, near-duplicates merged: the most
    frequent wording of a group stands for the group, with the group's count."""
    per_theme, top_n = int(q.get("per_theme", 3)), int(q.get("top_themes", 5))
    lo, hi = int(q.get("min_chars", 8)), int(q.get("max_chars", 60))
    lengths = uniq.astype(str).str.len().to_numpy()
    used: list[frozenset] = []
    quotes: dict[str, list[str]] = {}
    counts: dict[str, int] = {}
    for name in themes.loc[themes["mentions"] > 0, "theme"].head(top_n):
        if name not in hits:
            continue
        ok = hits[name] & ~changed & (lengths >= lo) & (lengths <= hi)
        cand = pd.DataFrame({"text": uniq[ok].to_numpy(), "w": weights[ok], "len": lengths[ok]})
        cand = cand.sort_values(["w", "len", "text"], ascending=[False, True, True], kind="stable").head(400)
        groups: list[list] = []       # [text, bigrams, count]
        for text, w in zip(cand["text"], cand["w"]):
            bg = _bigrams(text)
            for g in groups:
                if near_duplicate(bg, g[1]):
                    g[2] += int(w)
                    break
            else:
                groups.append([text, bg, int(w)])
        chosen = []
        for text, bg, n in sorted(groups, key=lambda g: -g[2]):
            if any(near_duplicate(bg, u) for u in used):
                continue
            chosen.append(text)
            counts[text] = n
            used.append(bg)
            if len(chosen) >= per_theme:
                break
        quotes[name] = chosen
    return quotes, counts
