"""Analyst narratives: a sandboxed expression layer, then Markdown -> document blocks.

Narratives cite data through a small, whitelisted vocabulary rendered by a
Jinja2 *sandbox* (no loader: no include/import; no attribute outside each view's
whitelist; no Python internals):

    {{ indicator('STYJ-01') }}            value with unit
    {{ indicator('STYJ-01').value }}      .name .unit .rating .trend .reference
                                          .reference_kind .score .previous_value
                                          .previous_year .rank .progress
    {{ dimension('生态宜居').score }}      .good .warning .short .nodata .noref .count
    {{ survey.collected }} {{ survey.valid }} {{ survey.valid_rate }} {{ survey.overall }}
    {{ survey.dimension('生态宜居') }}      {{ survey.question('Q01') }}
    {{ counts.total }} {{ counts.category('基础指标') }}
    {{ city }} {{ year }}
    {{ figure('trend/STYJ-01') }} -> 图3-2   {{ table('recommendations') }} -> 表5-1
    filters: num(decimals), pct, wan

Raw HTML is escaped (shown as text), images are dropped: nothing is fetched.
Problems (unknown code, dimension, figure; syntax errors) name the file and line.
"""
from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import markdown
from jinja2 import TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SecurityError

from .document import (Block, Cell, Footnote, Heading, LineBreak, Link, ListBlock, Paragraph, Quote,
                       Span, Table)
from .errors import Problems, error, warning
from .fmt import Formatter
from .load.narratives import Narrative
from .messages import msg
from .safety.messages import say
from .safety.sandbox import NARRATIVE, Policy, Sandbox
from .vocab import GOOD, NODATA, NOREF, SHORT, WARN

REF_OPEN, REF_CLOSE = "\u2063[[", "]]\u2063"   # placeholder for figure/table references
REF_RE = re.compile(re.escape(REF_OPEN) + r"(fig|tab):(.+?)" + re.escape(REF_CLOSE))


class NarrativeError(Exception):
    pass


# --- views exposed to the sandbox ----------------------------------------------
class View:
    _allowed: frozenset = frozenset()


class IndicatorView(View):
    _allowed = frozenset({"code", "name", "unit", "value", "rating", "trend", "reference", "reference_kind",
                          "score", "previous_value", "previous_year", "rank", "progress", "dimension",
                          "category", "peer_median", "change", "rank_of", "has_peers", "has_previous",
                          "last_checkup", "has_last_checkup", "versus", "reference_with_unit"})

    def __init__(self, row, fmt: Formatter, labels: dict, change_words: dict | None = None, ctx=None):
        self._row, self._fmt, self._labels = row, fmt, labels
        self._change_words = change_words or {}
        self._ctx = ctx

    @property
    def last_checkup(self):
        """This indicator in the previous checkup (v2 `previous`): .year .value .rating …"""
        from .years_view import last_checkup

        return last_checkup(self._ctx, self._row["code"], self._fmt)

    @property
    def has_last_checkup(self):
        from .years_view import has_last_checkup

        return has_last_checkup(self._ctx, self._row["code"])

    def __str__(self):
        return self._fmt.ind_unit(self._row["code"], self._row["value"], self._row["unit"])

    def _num(self, column: str) -> str:
        """One of the indicator's numbers, with the indicator's decimals (reportkit.fmt)."""
        return self._fmt.ind(self._row["code"], self._row[column], self._row["unit"])

    code = property(lambda s: s._row["code"])
    name = property(lambda s: s._row["name"])
    unit = property(lambda s: s._row["unit"])
    dimension = property(lambda s: s._row["dimension"])
    category = property(lambda s: s._row["category"])
    value = property(lambda s: s._num("value"))
    rating = property(lambda s: s._row["rating"])
    trend = property(lambda s: s._row["trend"] or s._fmt.dash)
    # value and reference share the indicator's decimals: they compare as their rating did
    reference = property(lambda s: s._num("reference"))
    # the reference as {{ indicator(...) }} prints the value: with its unit (a table that
    # prints one with its unit prints the other so too)
    reference_with_unit = property(lambda s: s._fmt.ind_unit(s._row["code"], s._row["reference"], s._row["unit"]))
    change = property(lambda s: s._fmt.change(s._row["value"], s._row["previous_value"], s._row["unit"],
                                              s._change_words))
    rank_of = property(lambda s: str(int(s._row["rank_of"])))
    has_peers = property(lambda s: int(s._row["rank_of"]) > 1)
    has_previous = property(lambda s: not _na(s._row["previous_value"]) and not _na(s._row["value"]))
    peer_median = property(lambda s: s._num("peer_median"))
    reference_kind = property(lambda s: s._labels.get(s._row["reference_kind"], s._row["reference_kind"]))
    score = property(lambda s: s._fmt.score(s._row["score"]))
    previous_value = property(lambda s: s._num("previous_value"))
    previous_year = property(lambda s: s._fmt.dash if _na(s._row["previous_year"]) else str(int(s._row["previous_year"])))
    rank = property(lambda s: s._fmt.rank(s._row["rank"]))
    progress = property(lambda s: s._row["progress"] or s._fmt.dash)

    @property
    def versus(self):
        """The value against the reference as printed, in the reference's own kind:
        低于规划目标 / 高于对标城市中位数 / 与标准值持平 (theme.toml [labels] versus), so a
        sentence never names a kind of reference the indicator does not have."""
        from decimal import Decimal, InvalidOperation

        words = (getattr(self._ctx, "labels", None) or {}).get("versus", {})
        value, ref = self.value, self.reference
        try:
            a, b = Decimal(value.replace(",", "")), Decimal(ref.replace(",", ""))
        except (InvalidOperation, AttributeError):
            if self._ctx is not None:
                self._ctx.problem(msg("narrative.no_versus", code=self.code))
                return self._ctx.placeholder("unknown")
            return self._fmt.dash
        key = "above" if a > b else "below" if a < b else "equal"
        return str(words.get(key, "{kind}")).format(kind=self.reference_kind)


class DimensionView(View):
    _allowed = frozenset({"name", "score", "good", "warning", "short", "nodata", "noref", "count"})

    def __init__(self, row, fmt: Formatter):
        self._row, self._fmt = row, fmt

    def __str__(self):
        return self.score

    name = property(lambda s: s._row["dimension"])
    score = property(lambda s: s._fmt.score(s._row["score"]))
    good = property(lambda s: str(int(s._row[GOOD])))
    warning = property(lambda s: str(int(s._row[WARN])))
    short = property(lambda s: str(int(s._row[SHORT])))
    nodata = property(lambda s: str(int(s._row[NODATA])))
    noref = property(lambda s: str(int(s._row[NOREF])))
    count = property(lambda s: str(int(s._row["indicators"])))


class SurveyView(View):
    _allowed = frozenset({"collected", "valid", "valid_rate", "overall", "dimension", "question", "rejected",
                          "hot_issues", "top_concerns"})

    def __init__(self, summary: dict | None, fmt: Formatter, ctx: "NarrativeContext"):
        self._s, self._fmt, self._ctx = summary, fmt, ctx

    @property
    def hot_issues(self):
        """The ranked 热点问题, e.g. "公共交通不便、入学难、…" (same list as the survey chapter)."""
        names = self._ctx.survey_lists.get("hot_issues")
        return self._ctx.words["list_separator"].join(names) if names else self._ctx.placeholder("hot_issues")

    @property
    def top_concerns(self):
        """The concern themes citizens mention most, most mentioned first."""
        names = self._ctx.survey_lists.get("top_concerns")
        return self._ctx.words["list_separator"].join(names) if names else self._ctx.placeholder("top_concerns")

    def _need(self):
        if self._s is None:
            return None
        return self._s

    @property
    def collected(self):
        s = self._need()
        return self._fmt.int(s["collected"]) if s else self._ctx.placeholder("collected")

    @property
    def valid(self):
        s = self._need()
        return self._fmt.int(s["valid"]) if s else self._ctx.placeholder("valid")

    @property
    def valid_rate(self):
        s = self._need()
        if not s or not s["collected"]:
            return self._ctx.placeholder("valid_rate")
        # the same share as the survey chapter's table and chart (shares of one whole)
        return self._fmt.shares([s["valid"], *s["rejected"].values()])[0]

    @property
    def overall(self):
        s = self._need()
        return self._fmt.score(s["overall"]) if s else self._ctx.placeholder("overall")

    def rejected(self, rule):
        from .vocab import REJECT_RULES

        s = self._need()
        if rule not in REJECT_RULES:
            self._ctx.problem(msg("narrative.no_rule", rule=rule))
            return self._ctx.placeholder("unknown")
        return self._fmt.int(s["rejected"][rule]) if s else self._ctx.placeholder("rejected")

    def dimension(self, name):
        if name not in self._ctx.dimensions:
            self._ctx.problem(msg("narrative.no_survey_dimension", name=name))
            return self._ctx.placeholder("unknown")
        s = self._need()
        if s is None:
            return self._ctx.placeholder("satisfaction")
        v = s["dimensions"].get(name)
        return self._fmt.score(v) if v is not None else self._fmt.dash

    def question(self, qid):
        s = self._need()
        if s is None:
            return self._ctx.placeholder("question")
        if qid not in s["questions"]:
            self._ctx.problem(msg("narrative.no_question", qid=qid))
            return self._ctx.placeholder("unknown")
        return self._fmt.score(s["questions"][qid])


class TermsView(View):
    """The project's own words (project.toml [terms]): {{ terms.town }}, {{ terms.dimension }}."""
    _allowed = frozenset({"town", "dimension"})

    def __init__(self, terms: dict):
        self._t = terms

    @property
    def town(self):
        from .terms import default_terms

        return self._t.get("town") or default_terms()["town"]

    @property
    def dimension(self):
        from .terms import default_terms

        return self._t.get("dimension") or default_terms()["dimension"]


class CountsView(View):
    _allowed = frozenset({"total", "category", "dimensions", "key"})

    def __init__(self, table, ctx):
        self._t, self._ctx = table, ctx

    total = property(lambda s: str(len(s._t)))
    dimensions = property(lambda s: str(s._t["dimension"].nunique()))
    key = property(lambda s: str(int(s._t["key"].sum())))

    def category(self, name):
        n = int((self._t["category"] == name).sum())
        if n == 0:
            self._ctx.problem(msg("narrative.no_category", name=name))
        return str(n)


def _na(x) -> bool:
    try:
        return x is None or x != x or str(x) == "<NA>"
    except TypeError:
        return True


class NarrativePolicy(Policy):
    """Narratives see the views' whitelisted attributes and nothing else."""

    printable = (View,)

    def allows(self, obj, attr: str) -> bool:
        return isinstance(obj, View) and attr in obj._allowed


@dataclass
class NarrativeContext:
    """What a narrative may see.  `figure_keys`/`table_keys` None = accept any key."""

    scores: object
    fmt: Formatter
    labels: dict
    city: str
    year: int
    survey_summary: dict | None = None
    figure_keys: set | None = None
    table_keys: set | None = None
    problems: Problems = field(default_factory=Problems)
    current: Narrative | None = None
    template: object = None
    survey_lists: dict = field(default_factory=dict)   # hot_issues, top_concerns (names)
    refs: list = field(default_factory=list)   # (kind, key, Source) of every figure()/table() cited
    previous: object = None     # reportkit.previous.PreviousCheckup when `previous` is set
    comparison: object = None   # reportkit.analyse.years.YearComparison against it
    terms: dict = field(default_factory=dict)  # project.toml [terms]
    words: dict = None          # templates/narrative.toml (default: the built-in one)

    def __post_init__(self):
        if self.words is None:
            from .wording import load_toml

            self.words = load_toml("narrative.toml")

    def placeholder(self, name: str) -> str:
        """What is written where a cited value is missing (placeholders.collected: 【问卷数】)."""
        return self.words["placeholders"][name]

    @property
    def dimensions(self) -> list[str]:
        return list(self.scores.dimensions["dimension"])

    def problem(self, message: str, level=error) -> None:
        line = self._template_line()
        src = self.current.source(line) if self.current else None
        self.problems.add(level(src, message, hint=msg("narrative.hint")))

    def _template_line(self) -> int | None:
        frame = sys._getframe()
        while frame is not None:
            if frame.f_code.co_filename == "<template>" and self.template is not None:
                try:
                    return self.template.get_corresponding_lineno(frame.f_lineno)
                except Exception:
                    return None
            frame = frame.f_back
        return None

    # functions ------------------------------------------------------------------
    def indicator(self, code):
        t = self.scores.table
        hit = t[t["code"] == code]
        if hit.empty:
            self.problem(msg("narrative.no_indicator", code=code))
            return self.placeholder("unknown")
        return IndicatorView(hit.iloc[0], self.fmt, self.labels.get("reference_kind", {}),
                             self.labels.get("change", {}), self)

    def dimension(self, name):
        d = self.scores.dimensions
        hit = d[d["dimension"] == name]
        if hit.empty:
            self.problem(msg("narrative.no_dimension", name=name))
            return self.placeholder("unknown")
        return DimensionView(hit.iloc[0], self.fmt)

    def _cite(self, kind: str, key) -> str:
        """A placeholder resolved once the document is numbered; the composer that
        numbers it checks every cited key against the figures and tables it really
        made (ComposeContext.check_refs), so a key is known exactly when it exists."""
        key = str(key)
        src = self.current.source(self._template_line()) if self.current else None
        self.refs.append((kind, key, src))
        return f"{REF_OPEN}{kind}:{key}{REF_CLOSE}"

    def figure(self, key):
        if self.figure_keys is not None and key not in self.figure_keys:
            self.problem(msg("narrative.no_figure", key=key))
            return self.placeholder("figure")
        return self._cite("fig", key)

    def table(self, key):
        if self.table_keys is not None and key not in self.table_keys:
            self.problem(msg("narrative.no_table", key=key))
            return self.placeholder("table")
        return self._cite("tab", key)

    def globals(self) -> dict:
        return {"indicator": self.indicator, "dimension": self.dimension, "figure": self.figure,
                "table": self.table, "city": self.city, "year": self.year,
                "survey": SurveyView(self.survey_summary, self.fmt, self),
                "counts": CountsView(self.scores.table, self), "terms": TermsView(self.terms)}


def make_env(fmt: Formatter) -> Sandbox:
    """The narrative sandbox (reportkit/safety/sandbox.py): the vocabulary's views and
    filters, a bounded range(), a budget for time, output and loop steps per render."""
    return Sandbox(limits=NARRATIVE, policy=NarrativePolicy(), filters={
        "num": lambda x, d=1: fmt.num(_to_float(x), d),
        "pct": lambda x, d=1: fmt.pct(_to_float(x), d),
        "wan": lambda x: fmt.wan(_to_float(x)),
    })


_COMPILED: dict[int, tuple] = {}     # id(formatter) -> (formatter, env, {text: template})


def compiled(fmt: Formatter, text: str):
    """The one-line wording template `text` compiled once per formatter: a build renders
    the same few hundred sentences thousands of times (each Sandbox render keeps its
    own budget, so sharing the environment is safe)."""
    hit = _COMPILED.get(id(fmt))
    if hit is None or hit[0] is not fmt:
        if len(_COMPILED) >= 4:
            _COMPILED.pop(next(iter(_COMPILED)))
        hit = _COMPILED[id(fmt)] = (fmt, make_env(fmt), {})
    cache = hit[2]
    tpl = cache.get(text)
    if tpl is None:
        if len(cache) >= 8192:
            cache.clear()
        tpl = cache[text] = hit[1].from_string(text)
    return tpl


def _to_float(x):
    try:
        return float(str(x).replace(",", ""))
    except ValueError:
        return float("nan")


def render_expressions(n: Narrative, ctx: NarrativeContext, extra: dict | None = None) -> str | None:
    """Render the data citations of a narrative; `extra` adds names for this text only."""
    env = make_env(ctx.fmt)
    ctx.current = n
    try:
        template = env.from_string(n.body)
    except TemplateSyntaxError as exc:
        ctx.problems.add(error(n.source(exc.lineno), msg("narrative.syntax", message=exc.message),
                               hint=msg("narrative.syntax_hint")))
        return None
    ctx.template = template
    try:
        return template.render({**ctx.globals(), **(extra or {})})
    except (SecurityError, RecursionError) as exc:
        why = say("sandbox.recursion") if isinstance(exc, RecursionError) else exc
        ctx.problems.add(error(n.source(_tb_line(exc, template)), msg("narrative.not_allowed", exc=why),
                               hint=msg("narrative.not_allowed_hint")))
    except UndefinedError as exc:
        ctx.problems.add(error(n.source(_tb_line(exc, template)), msg("narrative.unknown_name", message=exc.message),
                               hint=msg("narrative.unknown_name_hint")))
    except Exception as exc:  # any other failure inside the sandbox is the narrative's fault
        ctx.problems.add(error(n.source(_tb_line(exc, template)),
                               msg("narrative.failed", kind=type(exc).__name__, exc=exc)))
    finally:
        ctx.template = None
    return None


def _tb_line(exc, template) -> int | None:
    """The template line an exception was raised at.  Template.render hands exceptions
    to Jinja's handle_exception, which rewrites the template frames of the traceback to
    carry template lines already (no mapping from generated-code lines is needed)."""
    tb = exc.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


# --- Markdown -> blocks -------------------------------------------------------
class _Capture(markdown.treeprocessors.Treeprocessor):
    def run(self, root):
        self.md.captured_root = root
        return None


class _CaptureExt(markdown.extensions.Extension):
    def extendMarkdown(self, md):
        md.treeprocessors.register(_Capture(md), "capture", 0)


def _markdown() -> markdown.Markdown:
    md = markdown.Markdown(extensions=["tables", "footnotes", "sane_lists", _CaptureExt()],
                           extension_configs={"footnotes": {"BACKLINK_TEXT": ""}})
    # Raw HTML is never passed through: it is shown as the text the analyst typed.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


_STASH = re.compile("\x02(\\d+|amp)\x03")
_PLACEHOLDER = re.compile("\x02wzxhzdk:(\\d+)\x03")
_LEFTOVER = re.compile("\x02[^\x03]*\x03")


def _unstash(s: str, md) -> str:
    import html as _html

    def entity(m):
        # an entity (&amp; &lt; &copy;) the analyst typed: shown as the character it names
        blocks = md.htmlStash.rawHtmlBlocks
        i = int(m.group(1))
        return _html.unescape(str(blocks[i])) if i < len(blocks) else ""

    s = _PLACEHOLDER.sub(entity, s or "")

    def sub(m):
        g = m.group(1)
        if g == "amp":
            return "&"
        return chr(int(g))
    return _LEFTOVER.sub("", _STASH.sub(sub, s or ""))


@dataclass
class _Conv:
    md: markdown.Markdown
    footnotes: dict
    problems: Problems
    narrative: Narrative | None
    base_level: int
    min_level: int

    def inlines(self, el, bold=False, italic=False, code=False) -> list:
        out = []
        if el.text:
            out.append(Span(_unstash(el.text, self.md), bold=bold, italic=italic, code=code))
        for child in el:
            tag = child.tag
            if tag in ("strong", "b"):
                out += self.inlines(child, True, italic, code)
            elif tag in ("em", "i"):
                out += self.inlines(child, bold, True, code)
            elif tag == "code":
                out += self.inlines(child, bold, italic, True)
            elif tag == "br":
                out.append(LineBreak())
            elif tag == "a":
                label, href = "".join(child.itertext()), child.get("href", "")
                if _safe_href(href):
                    out.append(Link(label, href))
                else:   # javascript:, file:, a path on this machine …: the text stays, the link goes
                    out.append(Span(_unstash(label, self.md), bold=bold, italic=italic, code=code))
                    if self.narrative is not None:
                        self.problems.add(warning(self.narrative.source(None),
                                                  say("links.dropped", href=href[:120]), hint=say("links.hint")))
            elif tag == "sup" and child.get("id", "").startswith("fnref"):
                a = child.find("a")
                ref = (a.get("href", "") if a is not None else "").lstrip("#")
                out.append(Footnote(tuple(self.footnotes.get(ref, ()))))
            elif tag == "img":
                if self.narrative is not None:
                    self.problems.add(warning(self.narrative.source(None),
                                              msg("narrative.image", src=child.get('src', '')),
                                              hint=msg("narrative.image_hint")))
            else:
                out += self.inlines(child, bold, italic, code)
            if child.tail:
                out.append(Span(_unstash(child.tail, self.md), bold=bold, italic=italic, code=code))
        return _merge(out)

    def blocks(self, el) -> list[Block]:
        out: list[Block] = []
        if el.text and el.text.strip() and el.tag not in ("div",):
            out.append(Paragraph(tuple(self.inlines(el))))
            return out
        for child in el:
            tag = child.tag
            if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                lvl = int(tag[1]) - self.min_level + self.base_level
                out.append(Heading(min(4, max(self.base_level, lvl)), "".join(child.itertext()).strip()))
            elif tag == "p":
                inl = self.inlines(child)
                if inl:
                    out.append(Paragraph(tuple(inl)))
            elif tag in ("ul", "ol"):
                items = []
                for li in child.findall("li"):
                    if any(c.tag in ("p", "ul", "ol") for c in li):
                        items.append(tuple(self._li_blocks(li)))
                    else:
                        items.append((Paragraph(tuple(self.inlines(li))),))
                out.append(ListBlock(tuple(items), ordered=tag == "ol"))
            elif tag == "blockquote":
                out.append(Quote(tuple(self.blocks(child))))
            elif tag == "table":
                out.append(self.table(child))
            elif tag == "pre":
                out.append(Paragraph((Span(_unstash("".join(child.itertext()), self.md), code=True),), "note"))
            elif tag == "div" and "footnote" in (child.get("class") or ""):
                continue
            elif tag == "hr":
                continue
            else:
                out += self.blocks(child)
        return out

    def _li_blocks(self, li) -> list[Block]:
        out = []
        if li.text and li.text.strip():
            out.append(Paragraph((Span(_unstash(li.text.strip(), self.md)),)))
        for c in li:
            if c.tag == "p":
                out.append(Paragraph(tuple(self.inlines(c))))
            elif c.tag in ("ul", "ol"):
                out += self.blocks(ET.Element("div", {}, ) if False else _wrap(c))
        return out

    def table(self, el) -> Table:
        def row_cells(tr):
            cells = []
            for td in tr:
                style = td.get("style") or td.get("align") or ""
                align = "right" if "right" in style else "center" if "center" in style else None
                cells.append(Cell(tuple(self.inlines(td)), align=align, bold=td.tag == "th"))
            return tuple(cells)
        thead = el.find("thead")
        tbody = el.find("tbody")
        header = tuple(row_cells(tr) for tr in (thead.findall("tr") if thead is not None else []))
        rows = tuple(row_cells(tr) for tr in (tbody.findall("tr") if tbody is not None else []))
        return Table(header=header, rows=rows)


_HREF_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")


def _safe_href(href: str) -> bool:
    """Links a published report may carry: web pages, e-mail, the document's own anchors."""
    h = "".join(ch for ch in href if ch > " " and ch != "\x7f")   # browsers ignore these inside a scheme
    if h.startswith("#"):
        return True
    m = _HREF_SCHEME.match(h)
    if not m or m.group(1).lower() not in ("http", "https", "mailto"):
        return False
    return m.group(1).lower() == "mailto" or h[m.end():].startswith("//") and len(h) > m.end() + 2 \
        and h[m.end() + 2] != "/"


def _wrap(child):
    d = ET.Element("div")
    d.append(child)
    return d


def _merge(spans: list) -> list:
    out = []
    for s in spans:
        if (out and isinstance(s, Span) and isinstance(out[-1], Span)
                and (s.bold, s.italic, s.code, s.sup, s.sub, s.role) ==
                (out[-1].bold, out[-1].italic, out[-1].code, out[-1].sup, out[-1].sub, out[-1].role)):
            out[-1] = Span(out[-1].text + s.text, s.bold, s.italic, s.code, s.sup, s.sub, s.role)
        elif isinstance(s, Span) and s.text == "":
            continue
        else:
            out.append(s)
    return out


def markdown_blocks(text: str, problems: Problems | None = None, narrative: Narrative | None = None,
                    base_level: int = 2) -> list[Block]:
    """Markdown text -> document blocks.  Headings are re-levelled so the file's
    highest heading becomes `base_level`."""
    problems = problems if problems is not None else Problems()
    deep = _too_deep(text)
    if deep is not None:
        if narrative is not None:
            problems.add(error(narrative.source(deep), say("markdown.nesting", limit=MAX_NESTING),
                               hint=say("markdown.hint")))
        return []
    try:
        return _markdown_blocks(text, problems, narrative, base_level)
    except RecursionError:   # emphasis markers nested thousands deep …
        if narrative is not None:
            problems.add(error(narrative.source(None), say("markdown.recursion"), hint=say("markdown.hint")))
        return []


MAX_NESTING = 12     # lists and quotes inside one another; a report never needs more
_QUOTES = re.compile(r"^(?:[ \t]*>)+")
_ITEM = re.compile(r"^([ \t]*)(?:[-*+]|\d+[.)])[ \t]")


def _too_deep(text: str) -> int | None:
    """The first line whose quote and list nesting exceeds MAX_NESTING (None if none)."""
    for lineno, line in enumerate(text.split("\n"), 1):
        m = _QUOTES.match(line)
        quotes = m.group(0).count(">") if m else 0
        rest = line[m.end():] if m else line
        item = _ITEM.match(rest)
        lists = len(item.group(1).expandtabs(4)) // 4 + 1 if item else 0
        if quotes + lists > MAX_NESTING:
            return lineno
    return None


def _markdown_blocks(text: str, problems: Problems, narrative: Narrative | None, base_level: int) -> list[Block]:
    md = _markdown()
    md.convert(text)
    root = getattr(md, "captured_root", None)   # Markdown skips its tree processors for blank text
    if root is None:
        return []
    footnotes = {}
    conv = _Conv(md, footnotes, problems, narrative, base_level, 1)
    levels = [int(e.tag[1]) for e in root.iter() if e.tag in ("h1", "h2", "h3", "h4", "h5", "h6")]
    conv.min_level = min(levels) if levels else 1
    for div in root.iter("div"):
        if "footnote" in (div.get("class") or ""):
            for li in div.iter("li"):
                inl = []
                for p in li.findall("p"):
                    inl += conv.inlines(p)
                footnotes[li.get("id", "")] = tuple(
                    i for i in _merge(inl) if not (isinstance(i, Link) and i.href.startswith("#fnref")))
    return conv.blocks(root)


def render_narrative(n: Narrative, ctx: NarrativeContext, base_level: int = 2) -> list[Block]:
    text = render_expressions(n, ctx)
    if text is None:
        return []
    return markdown_blocks(text, ctx.problems, n, base_level)


def resolve_refs(s: str, labels: dict, unknown: str | None = None) -> str:
    """Replace figure/table placeholders by their final labels ("图3-2"); an unknown one
    by `unknown` (default: narrative.toml placeholders.unknown)."""
    if unknown is None:
        from .wording import load_toml

        unknown = load_toml("narrative.toml")["placeholders"]["unknown"]

    def sub(m):
        return labels.get((m.group(1), m.group(2)), unknown)
    return REF_RE.sub(sub, s)


def check_narratives(project, problems: Problems, scores=None, survey=None) -> None:
    """Compose the real report (no drawing, no layout) and report what its narratives
    get wrong — unknown codes, names, figures and tables, syntax errors — with file and
    line.  The figure and table keys a narrative may cite are exactly those the
    composition makes for this project."""
    from .compose.context import ComposeContext
    from .compose.report import compose_report
    from .errors import ReportkitError
    from .score.indicators import score_project
    from .theme import load_theme

    theme = load_theme(project.root)
    scores = scores if scores is not None else score_project(project)
    if survey is None and "survey" in project.tables:
        from .score.survey import run_survey

        try:
            survey = run_survey(project)
        except ReportkitError:
            survey = None
    ctx = ComposeContext(project, scores, theme, project.root / ".reportkit-check", survey, problems=problems)
    compose_report(ctx)
    # chapters of the five-year assessment (reportkit assess) are not in the report: their
    # codes, names and syntax are checked here, their figures and tables by `reportkit assess`
    for n in project.narratives:
        if n.section == "assessment":
            render_narrative(n, ctx.narr)
