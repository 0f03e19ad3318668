"""The composer's working context: numbering, chart registration, narrative rendering.

Products (report, sheets) build their Documents through one ComposeContext so
that headings, figures and tables are numbered the same way everywhere and
every chart a document needs is collected as a ChartSpec to draw once.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..charts import ChartSpec, alt_text
from ..document import Block, Cell, Figure, Heading, Paragraph, Ref, Span, Table, plain
from ..errors import Problems, Source, error
from ..fmt import Formatter, chinese_numeral
from ..narrative import NarrativeContext, render_narrative, resolve_refs
from ..wording import Wording, load_toml


@dataclass
class ComposeContext:
    project: object
    scores: object
    theme: object
    figures_dir: Path
    survey: object = None
    problems: Problems = field(default_factory=Problems)
    fmt: Formatter = None
    narr: NarrativeContext = None
    specs: dict = field(default_factory=dict)
    labels: dict = field(default_factory=dict)
    registered: list = field(default_factory=list)
    counters: list = field(default_factory=lambda: [0, 0, 0, 0])
    chapter: int = 0
    chapter_label: str = ""
    fig_n: int = 0
    tab_n: int = 0
    anchor_n: int = 0
    appendix_n: int = 0
    in_appendix: bool = False
    numbering: Wording = None          # templates/numbering.toml

    def __post_init__(self):
        self.figures_dir = Path(self.figures_dir).resolve()
        if self.fmt is None:
            fmt = Formatter.from_theme(self.theme)
            if self.project is not None and self.scores is not None:   # a city (the province has none)
                fmt = fmt.for_scores(self.scores, self.project.settings.scoring.warning_band)
            self.fmt = fmt
        if self.numbering is None:
            self.numbering = Wording.load("numbering.toml", getattr(self.project, "root", None), fmt=self.fmt)
        if self.narr is None:
            summary = getattr(self.survey, "summary", None)
            s = self.project.settings
            # narratives may cite any key here; check_refs() keeps those the document has
            self.narr = NarrativeContext(self.scores, self.fmt, self.theme.data.get("labels", {}),
                                         s.city, s.year, summary, None, None, self.problems,
                                         survey_lists=survey_lists(self.scores, self.survey),
                                         terms=s.terms.as_dict() if hasattr(s, "terms") else {},
                                         words=load_toml("narrative.toml", getattr(self.project, "root", None)))
            prev = getattr(self.project, "previous", None)
            if prev is not None:
                self.narr.previous, self.narr.comparison = prev, prev.comparison(self.project, self.scores)

    # -- headings ----------------------------------------------------------------
    def heading(self, level: int, text: str, numbered: bool = True, toc: bool = True) -> Heading:
        self.anchor_n += 1
        anchor = f"h{self.anchor_n:03d}"
        if level == 1:
            self.counters[1:] = [0, 0, 0]
            self.fig_n = self.tab_n = 0
            self.in_appendix = not numbered
            if numbered:
                self.chapter += 1
                self.chapter_label = str(self.chapter)
            else:
                self.appendix_n += 1
                self.chapter_label = self.numbering.say("objects.appendix_chapter", n=self.appendix_n)
        number = ""
        if numbered:
            self.counters[level - 1] += 1
            for i in range(level, 4):
                self.counters[i] = 0
            n = self.counters[level - 1]
            number = self.numbering.say(f"headings.level{level}", n=n, cn=chinese_numeral(n))
        return Heading(level, text, number, numbered, anchor, toc)

    def appendix(self, text: str) -> Heading:
        """An unnumbered chapter ("附录一 …"); its figures/tables are labelled 附表1 …"""
        h = self.heading(1, self.numbering.say("objects.appendix_heading", cn=chinese_numeral(self.appendix_n + 1),
                                               text=text), numbered=False)
        return h

    # -- paragraphs --------------------------------------------------------------
    def para(self, content, style: str = "body") -> Paragraph:
        if isinstance(content, str):
            content = (Span(content),)
        return Paragraph(tuple(content), style)

    def render(self, template: str, **extra) -> str:
        """Render a one-line wording template (from templates/) in the narrative sandbox."""
        from jinja2 import TemplateError

        from ..narrative import compiled
        from ..safety.sandbox import TEMPLATE_ERRORS, template_error

        try:
            return compiled(self.fmt, template).render({**self.narr.globals(), **extra})
        except (TemplateError, *TEMPLATE_ERRORS) as exc:
            raise template_error(exc, display="templates/report.toml", line=False) from None

    # -- numbered objects --------------------------------------------------------
    def _label(self, kind: str) -> tuple[str, tuple[int, int] | None]:
        w = self.numbering
        if kind == "fig":
            self.fig_n += 1
            n = self.fig_n
            word = w.get("objects.figure")
        else:
            self.tab_n += 1
            n = self.tab_n
            word = w.get("objects.table")
        if self.in_appendix:
            return w.say("objects.appendix_number", word=word, appendix=self.appendix_n, n=n), None
        return w.say("objects.number", word=word, chapter=self.chapter_label, n=n), (int(self.chapter_label or 0), n)

    def figure(self, spec: ChartSpec, caption: str, key: str = "", width: float = 0.9,
               note: str = "") -> Figure:
        number, seq = self._label("fig")
        self.specs[spec.name] = spec
        key = key or spec.name
        self.labels[("fig", key)] = number
        self.registered.append(("fig", key))
        return Figure(self.figures_dir / f"{spec.name}.png", caption, number, seq, alt_text(spec, self.theme), width,
                      key, note)

    def table(self, caption: str, header, rows, widths=(), align=(), size: str = "normal", key: str = "",
              note: str = "") -> Table:
        number, seq = self._label("tab")
        if key:
            self.labels[("tab", key)] = number
            self.registered.append(("tab", key))

        def cell(c):
            return c if isinstance(c, Cell) else Cell((Span(str(c)),))
        head = (tuple(Cell((Span(str(h)),), bold=True, align="center") for h in header),) if header else ()
        body = tuple(tuple(cell(c) for c in r) for r in rows)
        return Table(head, body, caption, number, seq, tuple(widths), tuple(align), size, key, note)

    # -- narratives --------------------------------------------------------------
    def chapter_narratives(self, section: str | None = None, dimension: str | None = None) -> list:
        """The narratives bound to a chapter, in order (cause narratives of main problems,
        `problem:`, belong to their problem's section, not to the chapter)."""
        return [n for n in self.project.narratives
                if ((section is not None and n.section == section and not n.problem)
                    or (dimension is not None and n.dimension == dimension))]

    def open_chapter(self, default: str, section: str | None = None, dimension: str | None = None,
                combine=None) -> list[Block]:
        """A chapter heading and the narratives bound to the chapter.  The analysts' words
        are kept: the first narrative's title is the heading (through `combine(title)`
        when given), each further narrative's title heads a section of its own."""
        ns = self.chapter_narratives(section, dimension)
        title = ns[0].title if ns else None
        text = combine(title) if combine else (title or default)
        out: list[Block] = [self.heading(1, text)]
        for i, n in enumerate(ns):
            base = 2
            if i and n.title and n.title != text:
                out.append(self.heading(2, n.title))
                base = 3
            out += self.number_headings(render_narrative(n, self.narr, base_level=base))
        return out

    def narrative(self, section: str | None = None, dimension: str | None = None) -> list[Block]:
        out: list[Block] = []
        for n in self.chapter_narratives(section, dimension):
            out += self.number_headings(render_narrative(n, self.narr, base_level=2))
        return out

    def free_narratives(self):
        """Narratives bound to no section and no dimension: chapters of their own."""
        return [n for n in self.project.narratives if n.section is None and n.dimension is None]

    def number_headings(self, blocks: list[Block]) -> list[Block]:
        """Number the headings of rendered Markdown, and give a table preceded by a
        paragraph "表：标题" that caption and the next table number."""
        out: list[Block] = []
        for b in blocks:
            if isinstance(b, Heading):
                out.append(self.heading(b.level, b.text))
            elif isinstance(b, Table) and out and isinstance(out[-1], Paragraph):
                m = self._caption().match(plain(out[-1].inlines).strip())
                if m and not b.caption:
                    out.pop()
                    number, seq = self._label("tab")
                    b = dataclasses.replace(b, caption=m.group(1).strip(), number=number, seq=seq)
                out.append(b)
            else:
                out.append(b)
        return out

    def _caption(self) -> re.Pattern:
        """"表：标题" (templates/numbering.toml [captions])."""
        c = self.numbering.get("captions")
        return re.compile(rf"^{re.escape(c['word'])}\s*[{re.escape(c['colons'])}]\s*(.+)$")

    # -- finishing ---------------------------------------------------------------
    def check_refs(self) -> None:
        """Every figure()/table() a narrative cited must be one this document made."""
        from ..messages import msg

        seen = set()
        for kind, key, src in self.narr.refs:
            if (kind, key) in self.labels or (kind, key, src) in seen:
                continue
            seen.add((kind, key, src))
            self.problems.add(error(src or Source("narratives"), msg("narrative.no_figure" if kind == "fig" else "narrative.no_table",
                                             key=key), hint=msg("narrative.no_ref_hint")))

    def resolve(self, obj):
        """Replace every figure/table reference placeholder by its label (a `Ref` inline in
        running text, the label itself elsewhere), and apply the house rule of no space
        between Chinese and Latin letters or digits."""
        self.check_refs()
        def fix(s: str) -> str:
            if "\u2063" in s:
                s = resolve_refs(s, self.labels, self.narr.placeholder("unknown"))
            return tidy_spacing(s) if " " in s else s

        def fix_inlines(items: tuple) -> tuple:
            out = []
            for it in items:
                if isinstance(it, Span) and "\u2063" in it.text:
                    out += _split_refs(it, self.labels)
                else:
                    out.append(it)
            return tuple(out)
        return _map_text(obj, fix, fix_inlines)


_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_SPACING = load_toml("typography.toml")["spacing"]   # brackets and quotes that join too
_SPACE_AFTER_CJK = re.compile(f"(?<=[{_CJK}]) +(?=[0-9A-Za-z%({re.escape(_SPACING['opening'])}])")
_SPACE_BEFORE_CJK = re.compile(f"(?<=[0-9A-Za-z%){re.escape(_SPACING['closing'])}]) +(?=[{_CJK}])")


def tidy_spacing(s: str) -> str:
    """Chinese typesetting: "共 57 项" -> "共57项" (justified lines then stretch evenly)."""
    return _SPACE_BEFORE_CJK.sub("", _SPACE_AFTER_CJK.sub("", s))


def survey_lists(scores, survey, n: int = 5) -> dict:
    """Names narratives may cite: the hot issues and the most mentioned concern themes."""
    if survey is None:
        return {}
    from ..analyse.hot_issues import hot_issues

    themes = survey.concerns.themes
    themes = themes[themes["concern"] > 0]
    return {"hot_issues": list(hot_issues(scores, survey).top["problem"]),
            "top_concerns": list(themes["theme"].head(n))}


_MARK_OPEN, _MARK_CLOSE = "\ue000", "\ue001"   # private-use marks around a resolved label


def _split_refs(span: Span, labels: dict) -> list:
    """A span holding reference placeholders -> spans and `Ref` inlines."""
    from ..narrative import REF_RE

    from ..wording import load_toml

    unknown = load_toml("narrative.toml")["placeholders"]["unknown"]

    def mark(m):
        label = labels.get((m.group(1), m.group(2)), unknown)
        return f"{_MARK_OPEN}{m.group(1)}:{m.group(2)}\x00{label}{_MARK_CLOSE}"
    text = REF_RE.sub(mark, span.text)
    text = tidy_spacing(text) if " " in text else text
    out = []
    for piece in re.split(f"({_MARK_OPEN}[^{_MARK_CLOSE}]*{_MARK_CLOSE})", text):
        if not piece:
            continue
        if piece.startswith(_MARK_OPEN):
            ref, label = piece[1:-1].split("\x00", 1)
            kind, key = ref.split(":", 1)
            out.append(Ref(label, kind, key, span.bold) if label != unknown else Span(label, span.bold))
        else:
            out.append(dataclasses.replace(span, text=piece))
    return out


def _is_inlines(obj) -> bool:
    return isinstance(obj, tuple) and any(isinstance(x, Span) for x in obj)


def _map_text(obj, fn, inlines_fn=None):
    if isinstance(obj, str):
        return fn(obj)
    if isinstance(obj, tuple):
        if inlines_fn is not None and _is_inlines(obj):
            obj = inlines_fn(obj)
        return tuple(_map_text(x, fn, inlines_fn) for x in obj)
    if isinstance(obj, list):
        return [_map_text(x, fn, inlines_fn) for x in obj]
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        changes = {}
        for f in dataclasses.fields(obj):
            v = getattr(obj, f.name)
            if isinstance(v, (str, tuple, list)) or dataclasses.is_dataclass(v):
                nv = _map_text(v, fn, inlines_fn)
                if nv is not v:
                    changes[f.name] = nv
        return dataclasses.replace(obj, **changes) if changes else obj
    return obj


