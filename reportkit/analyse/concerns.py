"""Open-text concerns: personal data masked, jieba segmentation, keywords and themes.

Order of work, per distinct answer text (answers repeat, so each text is
handled once and weighted by how often it occurs):
  1. personal data are replaced with *** BEFORE anything else sees the text:
     mobile and landline phone numbers, 18/15-digit ID numbers, any other run
     of 7+ digits, e-mail addresses, WeChat ids, and names introduced by
     我叫 / 姓名 / 名字是 / 联系人 / 我姓 …;
  2. segmentation with jieba (default dictionary + templates/jieba/userdict.txt),
     stop words (templates/jieba/stopwords.txt), one-character words and
     tokens without a letter or a CJK character are dropped;
  3. themes (templates/concerns.toml): an answer mentions a theme when it
     contains one of the theme's keywords; each theme maps to a dimension;
  4. quotations: for the most mentioned themes, the most frequent answers that
     needed no masking at all (and are of a readable length).

jieba is initialised quietly (log level WARNING) with its cache file in a
fixed, writable folder: $REPORTKIT_CACHE_DIR, else $XDG_CACHE_HOME/reportkit,
else ~/.cache/reportkit, else <tmp>/reportkit-<uid>.
"""
from __future__ import annotations

import logging
import os
import re
import tempfile
import time
import tomllib
import warnings
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..theme import find_template

MASK = "***"

# Separators people put inside numbers: - . _ / and spaces (one or two between digits).
_SEP = r"[\s\-._/]{0,3}"
# Order matters: e-mail first, ID numbers before phone numbers before any long digit run.
# Each pattern: (regex, group) -- the text from the end of `group` (0: the start of the
# match) to the end of the match is replaced by ***.
_PII: list[tuple[re.Pattern, int]] = [
    (re.compile(r"[\w.+-]+\s*(?:@|\(at\)|\[at\]|（at）)\s*[\w-]+(?:\s*(?:\.|\(dot\)|\[dot\])\s*[\w-]+)+",
                re.ASCII | re.IGNORECASE), 0),
    (re.compile(r"(?<![0-9A-Za-z])\d{6}(?:19|20)\d{2}(?:0[1-9]|1[0-2])\d{2}\d{3}[\dXx](?![0-9A-Za-z])", re.ASCII), 0),
    (re.compile(rf"(?<![0-9A-Za-z])\d(?:{_SEP}\d){{16}}{_SEP}[\dXx](?![0-9A-Za-z])", re.ASCII), 0),
    (re.compile(r"(?<!\d)\d{15}(?!\d)", re.ASCII), 0),
    (re.compile(rf"(?<!\d)(?:\+?86{_SEP})?1{_SEP}[3-9](?:{_SEP}\d){{9}}(?!\d)", re.ASCII), 0),
    (re.compile(rf"(?<!\d)0\d{{2,3}}{_SEP}\d(?:{_SEP}\d){{6,7}}(?!\d)", re.ASCII), 0),
    (re.compile(rf"\d(?:{_SEP}\d){{6,}}", re.ASCII), 0),
    (re.compile(r"((?:微信|VX|vx|WX|wx|QQ|qq)(?:号)?\s*[:：是为]?\s*)[A-Za-z0-9_-]{5,}"), 1),
    (re.compile(r"((?:我叫|我的名字(?:是|叫)|名字(?:是|叫)|本人(?:姓名|名字)(?:是|叫)?|本人叫|"
                r"姓名(?:是|为)?|联系人(?:是|为)?|署名|我姓)\s*[:：]?\s*)"
                r"(?:[\u4e00-\u9fff·•]{1,4}|[A-Za-z][A-Za-z .]{0,20})"), 1),
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
    masked = pd.Series(m.to_numpy()[codes], index=s.index, dtype=object)
    changed = pd.Series((m != u).to_numpy()[codes], index=s.index)
    return masked, changed


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


@lru_cache(maxsize=4)
def tokenizer(userdict: str | None):
    """A private jieba Tokenizer (the global one is left alone), initialised quietly."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba
    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.tmp_dir = str(cache_dir())
    tok.cache_file = "jieba-default.cache"  # the default dictionary's prefix dict
    tok.initialize()
    if userdict:
        tok.load_userdict(userdict)
    return tok


def read_stopwords(path: Path) -> frozenset[str]:
    words = set()
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words.add(line)
    return frozenset(words)


_WORDY = re.compile(r"[A-Za-z\u4e00-\u9fff]")


# --- configuration --------------------------------------------------------------------
@dataclass(frozen=True)
class Theme:
    name: str
    dimension: str | None          # resolved against the project's dimensions
    keywords: tuple[str, ...]
    indicators: tuple[str, ...]


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


def load_concerns_config(project_root: Path | None = None, dimensions=()) -> ConcernsConfig:
    path = find_template("concerns.toml", project_root)
    from ..safety.files import load_toml

    data = load_toml(path, "templates/concerns.toml")
    dims = list(dimensions)
    themes = []
    for t in data.get("themes", []):
        cand = t.get("dimension", [])
        cand = [cand] if isinstance(cand, str) else list(cand)
        dim = next((d for d in cand if d in dims), None) if dims else (cand[0] if cand else None)
        themes.append(Theme(str(t["name"]), dim, tuple(t.get("keywords", [])), tuple(t.get("indicators", []))))
    kw = data.get("keywords", {})
    return ConcernsConfig(path, tuple(themes), int(kw.get("min_length", 2)), int(kw.get("top", 20)),
                          dict(data.get("quotes", {})), dict(data.get("compare", {})),
                          dict(data.get("compare", {}).get("labels", {})), dict(data.get("hot_issues", {})))


# --- the analysis -----------------------------------------------------------------------
@dataclass
class Concerns:
    answers: int                      # non-empty text answers of valid questionnaires
    distinct: int                     # distinct answer texts segmented
    masked: int                       # answers in which personal data were masked
    keywords: pd.DataFrame            # word, count, answers
    themes: pd.DataFrame              # theme, dimension, mentions, share, keywords, quotes
    quotes: dict = field(default_factory=dict)   # theme -> [quotation]
    mask_seconds: float = 0.0
    segment_seconds: float = 0.0
    config: ConcernsConfig | None = None

    def top_themes(self, n: int = 5) -> pd.DataFrame:
        t = self.themes[self.themes["mentions"] > 0]
        return t.head(n)


def segment(texts: list[str], tok, stopwords: frozenset[str], min_length: int) -> list[list[str]]:
    out = []
    for t in texts:
        words = []
        for w in tok.lcut(t):
            w = w.strip()
            if len(w) >= min_length and w not in stopwords and _WORDY.search(w) and MASK not in w:
                words.append(w)
        out.append(words)
    return out


def segment_cached(texts: list[str], userdict: Path, stop_path: Path, min_length: int) -> list[list[str]]:
    """segment(), remembered on disk: an unchanged set of answers (the usual case when
    analysts rebuild the report) is not segmented again and jieba is not even loaded."""
    import hashlib
    import json

    try:
        from importlib.metadata import version
        jv = version("jieba")
    except Exception:  # pragma: no cover - metadata missing
        jv = "?"
    h = hashlib.sha256()
    for part in (jv, str(min_length), userdict.read_text(encoding="utf-8"),
                 stop_path.read_text(encoding="utf-8"), "\x1e".join(texts)):
        h.update(part.encode("utf-8"))
        h.update(b"\x1f")
    path = cache_dir() / f"segments-{h.hexdigest()[:24]}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    words = segment(texts, tokenizer(str(userdict)), read_stopwords(stop_path), min_length)
    try:
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(words, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass
    return words


def analyse_concerns(result, config: ConcernsConfig | None = None) -> Concerns:
    """Keywords, themes and quotations of the open-text answers of a SurveyResult."""
    root = getattr(result.project, "root", None)
    cfg = config or load_concerns_config(root, _project_dimensions(result))
    raw = result.texts()
    return analyse_texts(raw, cfg, root, getattr(result, "pii_cache", None))


def _project_dimensions(result) -> list[str]:
    dims = list(result.dimensions)
    p = result.project
    if "indicators" in getattr(p, "tables", {}):
        dims = list(dict.fromkeys(list(p.dimensions) + dims))
    return dims


def _keyword_hits(texts: list[str], keywords: list[str]) -> dict[str, np.ndarray]:
    """keyword -> which texts contain it (substring), by searching every keyword in the
    texts joined once (str.find is C; one regex pass per keyword over 65,000 answers cost
    seconds)."""
    sep = "\x1e"
    joined = sep.join(t.replace(sep, " ") for t in texts)
    starts = np.cumsum([0] + [len(t) + 1 for t in texts])
    out = {}
    for k in dict.fromkeys(keywords):
        hit = np.zeros(len(texts), dtype=bool)
        if k and sep not in k:
            i = joined.find(k)
            while i >= 0:
                j = int(np.searchsorted(starts, i, side="right")) - 1
                hit[j] = True
                i = joined.find(k, int(starts[j + 1]))
        out[k] = hit
    return out


def analyse_texts(raw: pd.Series, cfg: ConcernsConfig, project_root: Path | None = None,
                  mask_cache: dict | None = None) -> Concerns:
    t0 = time.perf_counter()
    raw = raw.astype(object)
    counts = raw.value_counts(sort=False)
    uniq = pd.Series(counts.index.astype(object), dtype=object)
    weights = counts.to_numpy()
    masked, changed = mask_pii(uniq, mask_cache)
    # a text that already held *** is never quoted either
    changed = changed | uniq.str.contains(re.escape(MASK), regex=True)
    t1 = time.perf_counter()
    n_answers = int(weights.sum())

    userdict = find_template("jieba/userdict.txt", project_root)
    stop_path = find_template("jieba/stopwords.txt", project_root)
    words = segment_cached(masked.tolist(), userdict, stop_path, cfg.min_length)
    t2 = time.perf_counter()

    total: Counter = Counter()
    per_answer: Counter = Counter()
    for ws, w in zip(words, weights):
        for word in ws:
            total[word] += int(w)
        for word in set(ws):
            per_answer[word] += int(w)
    kw = pd.DataFrame(sorted(total.items(), key=lambda kv: (-kv[1], -per_answer[kv[0]], kv[0])),
                      columns=["word", "count"])
    kw["answers"] = kw["word"].map(per_answer).astype(int)

    rows = []
    quotes: dict[str, list[str]] = {}
    hits = {}
    has = _keyword_hits(masked.tolist(), [k for th in cfg.themes for k in th.keywords])
    for th in cfg.themes:
        if not th.keywords:
            continue
        hit = np.zeros(len(masked), dtype=bool)
        for k in th.keywords:
            hit |= has[k]
        hits[th.name] = hit
        mentions = int(weights[hit].sum())
        kwc = Counter()
        for k in th.keywords:
            kwc[k] = int(weights[has[k]].sum())
        top_k = [k for k, c in sorted(kwc.items(), key=lambda kv: (-kv[1], th.keywords.index(kv[0]))) if c > 0][:5]
        rows.append({"theme": th.name, "dimension": th.dimension or "", "mentions": mentions,
                     "share": mentions / n_answers if n_answers else 0.0, "keywords": "、".join(top_k)})
    themes = pd.DataFrame(rows, columns=["theme", "dimension", "mentions", "share", "keywords"])
    order = {t.name: i for i, t in enumerate(cfg.themes)}
    themes = themes.sort_values(["mentions", "theme"], ascending=[False, True],
                                key=lambda s: s.map(order) if s.name == "theme" else s,
                                kind="stable").reset_index(drop=True)

    q = cfg.quotes
    per_theme, top_n = int(q.get("per_theme", 3)), int(q.get("top_themes", 5))
    lo, hi = int(q.get("min_chars", 8)), int(q.get("max_chars", 60))
    lengths = uniq.str.len().to_numpy()
    used: set[str] = set()
    for name in themes.loc[themes["mentions"] > 0, "theme"].head(top_n):
        ok = hits[name] & ~changed.to_numpy() & (lengths >= lo) & (lengths <= hi)
        cand = pd.DataFrame({"text": uniq[ok].to_numpy(), "w": weights[ok], "len": lengths[ok]})
        cand = cand.sort_values(["w", "len", "text"], ascending=[False, True, True], kind="stable")
        chosen = []
        for text in cand["text"]:
            if text not in used:
                chosen.append(text)
                used.add(text)
            if len(chosen) >= per_theme:
                break
        quotes[name] = chosen
    themes["quotes"] = themes["theme"].map(lambda n: " | ".join(quotes.get(n, [])))
    return Concerns(n_answers, len(uniq), int(weights[changed.to_numpy()].sum()), kw, themes, quotes,
                    t1 - t0, t2 - t1, cfg)
