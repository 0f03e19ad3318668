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
from ..document import Block, Cell, Figure, Heading, Paragraph, Span, Table, plain
from ..errors import Problems, Source, error
from ..fmt import Formatter, chinese_numeral
from ..narrative import NarrativeContext, render_narrative, resolve_refs

LEVEL_LABEL = {
    1: lambda n: f"{chinese_numeral(n)}、",
    2: lambda n: f"（{chinese_numeral(n)}）",
    3: lambda n: f"{n}.",
    4: lambda n: f"（{n}）",
}


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

    def __post_init__(self):
        self.figures_dir = Path(self.figures_dir).resolve()
        if self.fmt is None:
            band = self.project.settings.scoring.warning_band
            self.fmt = Formatter.from_theme(self.theme).for_scores(self.scores, band)
        if self.narr is None:
            summary = getattr(self.survey, "summary", None)
            s = self.project.settings
            # narratives may cite any key here; check_refs() keeps those the document has
            self.narr = NarrativeContext(self.scores, self.fmt, self.theme.data.get("labels", {}),
                                         s.city, s.year, summary, None, None, self.problems,
                                         survey_lists=survey_lists(self.scores, self.survey))
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
            if numbered:
                self.chapter += 1
                self.chapter_label = str(self.chapter)
            else:
                self.appendix_n += 1
                self.chapter_label = f"附{self.appendix_n}"
        number = ""
        if numbered:
            self.counters[level - 1] += 1
            for i in range(level, 4):
                self.counters[i] = 0
            number = LEVEL_LABEL[level](self.counters[level - 1])
        return Heading(level, text, number, numbered, anchor, toc)

    def appendix(self, text: str) -> Heading:
        """An unnumbered chapter ("附录一 …"); its figures/tables are labelled 附表1 …"""
        h = self.heading(1, f"附录{chinese_numeral(self.appendix_n + 1)}　{text}", numbered=False)
        return h

    # -- paragraphs --------------------------------------------------------------
    def para(self, content, style: str = "body") -> Paragraph:
        if isinstance(content, str):
            content = (Span(content),)
        return Paragraph(tuple(content), style)

    def render(self, template: str, **extra) -> str:
        """Render a one-line wording template (from templates/) in the narrative sandbox."""
        from jinja2 import TemplateError

        from ..narrative import make_env
        from ..safety.sandbox import TEMPLATE_ERRORS, template_error

        env = make_env(self.fmt)
        try:
            return env.from_string(template).render({**self.narr.globals(), **extra})
        except (TemplateError, *TEMPLATE_ERRORS) as exc:
            raise template_error(exc, display="templates/report.toml", line=False) from None

    # -- numbered objects --------------------------------------------------------
    def _label(self, kind: str) -> tuple[str, tuple[int, int] | None]:
        if kind == "fig":
            self.fig_n += 1
            n = self.fig_n
            word = "图"
        else:
            self.tab_n += 1
            n = self.tab_n
            word = "表"
        if self.chapter_label.startswith("附"):
            return f"附{word}{self.chapter_label[1:]}-{n}", None
        return f"{word}{self.chapter_label}-{n}", (int(self.chapter_label or 0), n)

    def figure(self, spec: ChartSpec, caption: str, key: str = "", width: float = 0.9,
               note: str = "") -> Figure:
        number, seq = self._label("fig")
        self.specs[spec.name] = spec
        key = key or spec.name
        self.labels[("fig", key)] = number
        self.registered.append(("fig", key))
        return Figure(self.figures_dir / f"{spec.name}.png", caption, number, seq, alt_text(spec), width,
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
    def narrative(self, section: str | None = None, dimension: str | None = None) -> list[Block]:
        out: list[Block] = []
        for n in self.project.narratives:
            if (section is not None and n.section == section) or (dimension is not None and n.dimension == dimension):
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
                m = _CAPTION.match(plain(out[-1].inlines).strip())
                if m and not b.caption:
                    out.pop()
                    number, seq = self._label("tab")
                    b = dataclasses.replace(b, caption=m.group(1).strip(), number=number, seq=seq)
                out.append(b)
            else:
                out.append(b)
        return out

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
        """Replace every figure/table reference placeholder by its label, and apply the
        house rule of no space between Chinese and Latin letters or digits."""
        self.check_refs()
        def fix(s: str) -> str:
            if "\u2063" in s:
                s = resolve_refs(s, self.labels)
            return tidy_spacing(s) if " " in s else s
        return _map_text(obj, fix)


_CAPTION = re.compile(r"^表\s*[:：]\s*(.+)$")
_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_SPACE_AFTER_CJK = re.compile(f"(?<=[{_CJK}]) +(?=[0-9A-Za-z%(（“])")
_SPACE_BEFORE_CJK = re.compile(f"(?<=[0-9A-Za-z%)）”]) +(?=[{_CJK}])")


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


def _map_text(obj, fn):
    if isinstance(obj, str):
        return fn(obj)
    if isinstance(obj, tuple):
        return tuple(_map_text(x, fn) for x in obj)
    if isinstance(obj, list):
        return [_map_text(x, fn) for x in obj]
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        changes = {}
        for f in dataclasses.fields(obj):
            v = getattr(obj, f.name)
            if isinstance(v, (str, tuple, list)) or dataclasses.is_dataclass(v):
                nv = _map_text(v, fn)
                if nv is not v:
                    changes[f.name] = nv
        return dataclasses.replace(obj, **changes) if changes else obj
    return obj


