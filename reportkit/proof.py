"""The proof (预检): what a careful reader would stop a document for, checked on every build.

Two kinds of checks, each finding a warning with the page it is on:

- on the composed Document (any product: the report, department and town sheets):
  empty tables, doubled punctuation (。。 ，，), unresolved placeholders and references
  (【?】, {{, }}, {%), a value, reference and rating that contradict each other as printed
  (0.3 vs 0.3 短板), and town-level terms foreign to the project (镇街 in a project whose
  `[terms] town` is 街道（镇）);
- on the laid-out PDF (WeasyPrint's `document.pages`, read in the layout process by
  `layout_facts`): pages more than half empty that are not a chapter's (or a section's)
  last page, and table tails of fewer than three rows on a page of their own.

`proof(doc, facts, context)` returns the findings; `ProofReport.raise_if_strict()` makes
them errors (exit 2) under `--strict`.  Every message is worded in templates/proof.toml.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from . import document as d
from .wording import Wording, load_toml

PROOF_TOML = "proof.toml"


def say(name: str, key: str, project_root=None, /, **values) -> str:
    """One sentence of a template file, rendered in the narrative sandbox."""
    return Wording.load(name, project_root).say(key, **values)


def wording_table(name: str, project_root=None) -> dict:
    return load_toml(name, project_root)


# --- findings -----------------------------------------------------------------------
@dataclass(frozen=True)
class Finding:
    check: str            # empty_table | punctuation | placeholder | contradiction | term | empty_page | table_tail
    message: str          # already worded (templates/proof.toml)
    page: int | None = None      # 1-based page of the PDF
    printed: str = ""            # the page number printed on that page ("5", "II"), if any
    snippet: str = ""            # text to find the page by (document checks)
    detail: str = ""             # what was found (e.g. the foreign term), to merge repeats on a page


@dataclass
class ProofReport:
    product: str                          # e.g. "report.pdf"
    findings: list[Finding]
    project_root: object = None

    def lines(self) -> list[str]:
        out = []
        for f in self.findings:
            where = (say(PROOF_TOML, "where.page", self.project_root, page=f.page, printed=f.printed)
                     if f.page else say(PROOF_TOML, "where.document", self.project_root))
            out.append(say(PROOF_TOML, "line", self.project_root, product=self.product, where=where,
                           message=f.message))
        return out

    def raise_if_strict(self, strict: bool) -> None:
        if strict and self.findings:
            from .errors import ReportkitError

            raise ReportkitError(say(PROOF_TOML, "strict_failed", self.project_root,
                                     n=len(self.findings), product=self.product))


# --- layout facts (computed where the WeasyPrint document lives) -----------------------
@dataclass(frozen=True)
class TableFragment:
    table: int              # ordinal of the table in the document
    caption: str
    rows: int               # body rows of the table on this page
    total_rows: int


@dataclass(frozen=True)
class PageFact:
    number: int             # 1-based
    printed: str            # the page number printed on it ("" for the cover)
    fill: float             # share of the content area used, 0–1
    landscape: bool
    opens_chapter: bool     # a chapter heading (h1) starts on this page
    text: str               # the page's text (whitespace removed)
    tables: tuple[TableFragment, ...] = ()
    forced_break: bool = False   # content on this page ends where a page break is forced


@dataclass(frozen=True)
class LayoutFacts:
    pages: tuple[PageFact, ...]
    main_start: int | None = None   # physical page of the body's first page (page "1")

    def printed(self, number: int) -> str:
        return self.pages[number - 1].printed if 0 < number <= len(self.pages) else ""


_SPACE = re.compile(r"\s+")


def _roman(n: int) -> str:
    out = ""
    for v, s in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                 (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= v:
            out += s
            n -= v
    return out


def layout_facts(document, main_anchor: str | None = "main-matter", front_anchor: str | None = "toc") -> LayoutFacts:
    """Facts about every page of a laid-out WeasyPrint document (`document.pages`): how
    full it is, whether a chapter opens on it, its text and the table rows on it."""
    from weasyprint.formatting_structure import boxes as B

    pages = document.pages
    main_start = front_start = None
    for n, page in enumerate(pages, start=1):
        if main_anchor and main_anchor in page.anchors and main_start is None:
            main_start = n
        if front_anchor and front_anchor in page.anchors and front_start is None:
            front_start = n
    table_ids: dict[int, int] = {}
    table_rows: dict[int, int] = {}
    out = []
    for n, page in enumerate(pages, start=1):
        box = page._page_box
        top = box.content_box_y()
        height = box.height or 1
        bottom = top
        texts: list[str] = []
        frags: dict[int, list] = {}
        opens = False
        forced = False

        def walk(b, in_table=None):
            nonlocal bottom, opens, forced
            if isinstance(b, B.MarginBox):
                return
            if isinstance(b, B.TextBox):
                texts.append(b.text)
            tag = getattr(b, "element_tag", "")
            if tag == "h1" and isinstance(b, B.BlockBox):
                opens = True
            if isinstance(b, (B.LineBox, B.ReplacedBox, B.TableRowBox)) or (
                    isinstance(b, B.BlockBox) and not getattr(b, "children", None)):
                if b.height is not None:
                    bottom = max(bottom, b.position_y + b.margin_height())
            if isinstance(b, B.TableBox):
                key = id(b.element)
                if key not in table_ids:
                    table_ids[key] = len(table_ids) + 1
                    table_rows[key] = sum(1 for g in b.element if _local(g.tag) == "tbody"
                                          for r in g if _local(r.tag) == "tr")
                in_table = key
                frags.setdefault(key, [0, ""])
            if isinstance(b, B.TableRowGroupBox) and in_table is not None and not b.is_header and not b.is_footer:
                frags[in_table][0] += sum(1 for r in b.children if isinstance(r, B.TableRowBox))
            style = getattr(b, "style", None)
            if style is not None and style["break_after"] in ("page", "left", "right", "recto", "verso"):
                forced = True
            for c in getattr(b, "children", ()) or ():
                walk(c, in_table)

        for child in box.children:
            walk(child)
        if n == main_start:
            printed = "1"
        elif main_start and n > main_start:
            printed = str(n - main_start + 1)
        elif front_start and n >= front_start:
            printed = _roman(n - front_start + 1)
        else:
            printed = "" if n == 1 and main_start else str(n)
        captions = _captions(pages[n - 1])
        tables = tuple(TableFragment(table_ids[k], captions.get(k, ""), v[0], table_rows[k]) for k, v in frags.items())
        out.append(PageFact(n, printed, max(0.0, min(1.0, (bottom - top) / height)),
                            page.width > page.height, opens, _SPACE.sub("", "".join(texts)), tables, forced))
    return LayoutFacts(tuple(out), main_start)


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _captions(page) -> dict[int, str]:
    """Table element id -> its caption text (from the element tree)."""
    from weasyprint.formatting_structure import boxes as B

    out = {}

    def walk(b):
        if isinstance(b, B.TableBox) and id(b.element) not in out:
            cap = next((c for c in b.element if _local(c.tag) == "caption"), None)
            out[id(b.element)] = _SPACE.sub("", "".join(cap.itertext())) if cap is not None else ""
        for c in getattr(b, "children", ()) or ():
            walk(c)
    walk(page._page_box)
    return out


# --- checks on the document -----------------------------------------------------------------
def _cfg(project_root=None) -> dict:
    return wording_table(PROOF_TOML, project_root)


def _texts(doc: d.Document):
    """(text, where) for every visible string of the document."""
    for b in doc.walk():
        if isinstance(b, d.Heading):
            yield b.number + b.text
        elif isinstance(b, d.Paragraph):
            yield d.plain(b.inlines)
            for i in b.inlines:
                if isinstance(i, d.Footnote):
                    yield d.plain(i.content)
        elif isinstance(b, d.Table):
            if b.caption:
                yield b.caption
            if b.note:
                yield b.note
            for row in b.header + b.rows:
                for c in row:
                    yield d.plain(c.inlines)
        elif isinstance(b, d.Figure):
            yield b.caption
            if b.note:
                yield b.note
            if b.alt:   # read aloud to those who cannot see the chart: proofread it too
                yield b.alt
        elif isinstance(b, d.Cover):
            yield from (b.title, b.subtitle, *b.lines)
        elif isinstance(b, d.Box) and b.title:
            yield b.title
        elif isinstance(b, d.Notes):
            for item in b.items:
                yield d.plain(item)


def _snippet(text: str, start: int, end: int, around: int = 8) -> str:
    return text[max(0, start - around):min(len(text), end + around)]


def check_document(doc: d.Document, town_term: str | None = None, project_root=None,
                   directions: dict[str, str] | None = None) -> list[Finding]:
    cfg = _cfg(project_root)
    root = project_root
    found: list[Finding] = []
    # empty tables
    for t in doc.tables():
        if not t.rows:
            label = (t.number + " " + t.caption).strip()
            found.append(Finding("empty_table", say(PROOF_TOML, "messages.empty_table", root, table=label),
                                 snippet=_SPACE.sub("", label)))
    punct = re.compile(cfg["punctuation"]["pattern"])
    holes = re.compile(cfg["placeholders"]["pattern"])
    terms = [x for x in cfg["terms"]["town"] if town_term is None or x not in town_term]
    term_re = re.compile("|".join(re.escape(x) for x in sorted(terms, key=len, reverse=True))) if terms else None
    seen: set[tuple[str, str]] = set()
    for text in _texts(doc):
        if not text:
            continue
        for kind, rx, field in (("punctuation", punct, "marks"), ("placeholder", holes, "text")):
            for m in rx.finditer(text):
                key = (kind, _snippet(text, m.start(), m.end()))
                if key not in seen:
                    seen.add(key)
                    found.append(Finding(kind, say(PROOF_TOML, f"messages.{kind}", root,
                                                   **{field: m.group(0), "context": key[1]}),
                                         snippet=_SPACE.sub("", key[1])))
        if term_re is not None:
            for m in term_re.finditer(text):
                key = ("term", m.group(0) + "|" + _snippet(text, m.start(), m.end()))
                if key not in seen:
                    seen.add(key)
                    found.append(Finding("term", say(PROOF_TOML, "messages.term", root, term=m.group(0),
                                                     project_term=town_term or "", context=_snippet(text, m.start(), m.end())),
                                         snippet=_SPACE.sub("", _snippet(text, m.start(), m.end(), 4)),
                                         detail=m.group(0)))
    found += _contradictions(doc, cfg, root, directions or {})
    return found


_NUMBER = re.compile(r"^[-+]?\d[\d,]*(?:\.\d+)?$")


def _number(text: str) -> float | None:
    t = text.strip().replace(",", "")
    if not _NUMBER.match(t.replace(",", "")):
        return None
    try:
        return float(t)
    except ValueError:
        return None


def _contradictions(doc: d.Document, cfg: dict, root, directions: dict[str, str]) -> list[Finding]:
    """A row showing a value, its reference and a rating (a `rating-…` cell) whose printed
    numbers contradict the rating: equal numbers rated below 良好, or — where the
    indicator's direction is known — a value printed better than its reference and rated
    below 良好, or printed worse and rated 良好."""
    names = cfg["contradiction"]
    good, bad = names["good"], set(names["below"])
    value_heads, ref_heads = set(names["value_columns"]), set(names["reference_columns"])
    out = []
    for t in doc.tables():
        if not t.header:
            continue
        head = [d.plain(c.inlines).strip() for c in t.header[-1]]
        vi = next((i for i, h in enumerate(head) if h in value_heads), None)
        ri = next((i for i, h in enumerate(head) if h in ref_heads), None)
        if vi is None or ri is None:
            continue
        for row in t.rows:
            if len(row) != len(head):
                continue
            rating = next((c.role[len("rating-"):] for c in row if c.role and c.role.startswith("rating-")), None)
            if rating is None:
                continue
            vt, rt = d.plain(row[vi].inlines), d.plain(row[ri].inlines)
            v, r = _number(vt), _number(rt)
            if v is None or r is None:
                continue
            name = next((d.plain(c.inlines) for c in row if d.plain(c.inlines) in directions), "")
            direction = directions.get(name)
            wrong = False
            if v == r and rating in bad:
                wrong = True
            elif direction in ("+", "-"):
                better_or_equal = v >= r if direction == "+" else v <= r
                wrong = (rating in bad and better_or_equal) or (rating == good and not better_or_equal)
            if wrong:
                label = (t.number + " " + t.caption).strip()
                out.append(Finding("contradiction", say(PROOF_TOML, "messages.contradiction", root, table=label,
                                                        name=name or d.plain(row[0].inlines), value=vt,
                                                        reference=rt, rating=rating),
                                   snippet=_SPACE.sub("", (name or "") + vt)))
    return out


# --- checks on the layout ------------------------------------------------------------------
def check_layout(facts: LayoutFacts, project_root=None) -> list[Finding]:
    cfg = _cfg(project_root)["layout"]
    min_fill = float(cfg["min_fill"])
    min_tail = int(cfg["min_tail_rows"])
    out = []
    pages = facts.pages
    first_body = facts.main_start or 1
    for i, p in enumerate(pages):
        nxt = pages[i + 1] if i + 1 < len(pages) else None
        if p.number >= first_body and nxt is not None and p.fill < min_fill:
            # a chapter's last page, the page before a change of orientation and a page that
            # ends where a break is forced (the contents, a section) may be short
            ends_part = nxt.opens_chapter or nxt.landscape != p.landscape or p.forced_break
            if not ends_part:
                out.append(Finding("empty_page", say(PROOF_TOML, "messages.empty_page", project_root,
                                                     empty=f"{round((1 - p.fill) * 100)}%"),
                                   p.number, p.printed))
        prev = pages[i - 1] if i > 0 else None
        for f in p.tables:
            started_before = prev is not None and any(x.table == f.table for x in prev.tables)
            continues = nxt is not None and any(x.table == f.table for x in nxt.tables)
            if started_before and not continues and 0 < f.rows < min_tail and f.total_rows > f.rows:
                out.append(Finding("table_tail", say(PROOF_TOML, "messages.table_tail", project_root,
                                                     table=f.caption, rows=f.rows), p.number, p.printed))
    return out


def locate(findings: list[Finding], facts: LayoutFacts | None) -> list[Finding]:
    """Give document findings the first page whose text holds their snippet."""
    if facts is None:
        return findings
    out = []
    for f in findings:
        if f.page is None and f.snippet:
            hit = next((p for p in facts.pages if f.snippet in p.text), None)
            if hit is None and len(f.snippet) > 6:
                core = f.snippet[len(f.snippet) // 4: len(f.snippet) * 3 // 4]
                hit = next((p for p in facts.pages if core and core in p.text), None)
            if hit is not None:
                f = Finding(f.check, f.message, hit.number, hit.printed, f.snippet, f.detail)
        out.append(f)
    return out


def project_town_term(settings) -> str | None:
    """The project's word for the town level: `[terms] town` of project.toml, else the
    contract's default (templates/proof.toml [terms] default_town)."""
    terms = getattr(settings, "terms", None)
    town = getattr(terms, "town", None) if terms is not None and not isinstance(terms, dict) else None
    if town is None:
        raw = terms if isinstance(terms, dict) else (getattr(settings, "extra", {}) or {}).get("terms", {})
        town = raw.get("town") if isinstance(raw, dict) else None
    if not town:
        root = None
        town = _cfg(root)["terms"]["default_town"]
    return str(town)


def proof(doc: d.Document, facts: LayoutFacts | None = None, *, product: str = "", town_term: str | None = None,
          project_root=None, directions: dict[str, str] | None = None) -> ProofReport:
    findings = check_document(doc, town_term, project_root, directions)
    findings = locate(findings, facts)
    # one foreign term is reported once per page (its first occurrence there)
    seen, merged = set(), []
    for f in findings:
        key = (f.check, f.detail, f.page) if f.check == "term" else None
        if key is not None and key in seen:
            continue
        if key is not None:
            seen.add(key)
        merged.append(f)
    findings = merged
    if facts is not None:
        findings += check_layout(facts, project_root)
    findings.sort(key=lambda f: (f.page or 0))
    return ProofReport(product, findings, project_root)


def echo_proof(*reports: ProofReport) -> None:
    """Print each finding (stderr) and, when there are any, a one-line summary."""
    import click

    n = 0
    for report in reports:
        for line in report.lines():
            click.echo(line, err=True)
        n += len(report.findings)
    if n:
        files = [r.product for r in reports if r.findings]
        click.echo(say(PROOF_TOML, "summary_found", reports[0].project_root, files=files, n=n), err=True)
