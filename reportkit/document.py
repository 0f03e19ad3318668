"""A format-neutral document: the hand-off between composing and writing.

Composers (report, sheets) build one `Document` of blocks; the Word back-end
(render/docx.py) and the PDF back-end (render/html.py + render/pdf.py) each
write it.  Nothing here knows about a file format.  All text is final text:
numbers are already formatted, figure/table labels already assigned.

Conventions
- Heading.level 1 is a chapter (一、), 2 a section (（一）), 3 a subsection (1.),
  4 a paragraph heading ((1)).  `number` is the label a renderer prints in front of
  the text when `numbered` is true; the Word writer uses real list numbering
  instead and relies on the same order.  `anchor` is a stable id for bookmarks.
- Figure.number / Table.number are labels such as "图3-2" / "表2-1"; `seq` is
  (chapter, index) so that Word can emit SEQ fields.
- Cell/Span `role` names a house-style role ("rating-良好", "rating-预警",
  "rating-短板", "rating-无数据", "rating-无参照", "muted", "strong", "accent");
  colours for roles come from templates/theme.toml.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Union


# --- inline content ---------------------------------------------------------
@dataclass(frozen=True)
class Span:
    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    sup: bool = False
    sub: bool = False
    role: str | None = None


@dataclass(frozen=True)
class Link:
    text: str
    href: str


@dataclass(frozen=True)
class Footnote:
    """A footnote anchored where it stands; content is inline text."""
    content: tuple["Inline", ...]


@dataclass(frozen=True)
class LineBreak:
    pass


@dataclass(frozen=True)
class Ref:
    """A reference to a numbered figure or table ("图3-2"): `text` is its label; the Word
    writer makes it a REF field to the caption's number, so it follows edits."""
    text: str
    kind: str          # "fig" | "tab"
    key: str
    bold: bool = False


Inline = Union[Span, Link, Footnote, LineBreak, Ref]


def text(s: str, **kw) -> tuple[Inline, ...]:
    return (Span(s, **kw),)


def plain(inlines) -> str:
    """Inline content as plain text (footnotes left out)."""
    out = []
    for i in inlines:
        if isinstance(i, (Span, Link, Ref)):
            out.append(i.text)
        elif isinstance(i, LineBreak):
            out.append("\n")
    return "".join(out)


# --- blocks -----------------------------------------------------------------
@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    number: str = ""
    numbered: bool = True
    anchor: str = ""
    toc: bool = True


@dataclass(frozen=True)
class Paragraph:
    inlines: tuple[Inline, ...]
    style: str = "body"  # body | lead | note | center | small | signature


@dataclass(frozen=True)
class ListBlock:
    items: tuple[tuple["Block", ...], ...]
    ordered: bool = False


@dataclass(frozen=True)
class Quote:
    blocks: tuple["Block", ...]


@dataclass(frozen=True)
class Cell:
    inlines: tuple[Inline, ...]
    align: str | None = None   # left | center | right
    role: str | None = None
    colspan: int = 1
    bold: bool = False


@dataclass(frozen=True)
class Table:
    header: tuple[tuple[Cell, ...], ...]     # header rows (repeated on every page)
    rows: tuple[tuple[Cell, ...], ...]
    caption: str = ""
    number: str = ""
    seq: tuple[int, int] | None = None
    widths: tuple[float, ...] = ()          # relative column widths
    align: tuple[str, ...] = ()             # default alignment per column
    size: str = "normal"                    # normal | small
    key: str = ""
    note: str = ""                          # source / note line under the table


@dataclass(frozen=True)
class Figure:
    path: Path
    caption: str
    number: str = ""
    seq: tuple[int, int] | None = None
    alt: str = ""
    width: float = 0.9                      # fraction of the text width
    key: str = ""
    note: str = ""


@dataclass(frozen=True)
class FigureRow:
    """Figures set side by side, each with its own caption (e.g. a key indicator's trend
    and benchmark charts two to a row).  Each figure's `width` is its share of the row."""
    figures: tuple[Figure, ...]


@dataclass(frozen=True)
class PageBreak:
    pass


KEEP = "keep"   # Section.orientation of a group kept on one page, in the page's orientation


@dataclass(frozen=True)
class Section:
    """Blocks set on pages of their own orientation (e.g. the wide list, landscape), or,
    with orientation KEEP, blocks kept together on one page where they fit (a sheet's item
    with its feedback box): CSS break-inside: avoid; Word keep-with-next and keep-lines."""
    blocks: tuple["Block", ...]
    orientation: str = "landscape"


@dataclass(frozen=True)
class Box:
    """A framed panel: notices, the feedback form of a sheet."""
    blocks: tuple["Block", ...]
    title: str = ""
    role: str = "note"   # note | feedback | warning


@dataclass(frozen=True)
class Toc:
    title: str = field(default_factory=lambda: _toc_title())
    levels: int = 2


@dataclass(frozen=True)
class Cover:
    title: str
    subtitle: str = ""
    lines: tuple[str, ...] = ()   # organisation, date … under the title
    badge: str = ""               # e.g. 示例数据


@dataclass(frozen=True)
class Notes:
    """End-of-chapter notes (used by back-ends that cannot place footnotes)."""
    items: tuple[tuple[Inline, ...], ...]


Block = Union[Heading, Paragraph, ListBlock, Quote, Table, Figure, FigureRow, PageBreak, Section, Box, Toc,
              Cover, Notes]


@dataclass(frozen=True)
class Meta:
    title: str
    author: str = ""
    subject: str = ""
    keywords: tuple[str, ...] = ()
    lang: str = "zh-CN"
    header: str = ""          # running header text
    date: str = ""            # ISO date for metadata
    demo: bool = False        # illustrative data: renderers mark every page


@dataclass(frozen=True)
class Document:
    meta: Meta
    blocks: tuple[Block, ...]
    kind: str = "report"      # report | sheet: selects template and house style

    def walk(self):
        """Every block, depth first (sections, boxes, quotes and lists opened)."""
        def rec(blocks):
            for b in blocks:
                yield b
                if isinstance(b, (Section, Box, Quote)):
                    yield from rec(b.blocks)
                elif isinstance(b, FigureRow):
                    yield from rec(b.figures)
                elif isinstance(b, ListBlock):
                    for item in b.items:
                        yield from rec(item)
        yield from rec(self.blocks)

    def headings(self) -> list[Heading]:
        return [b for b in self.walk() if isinstance(b, Heading)]

    def figures(self) -> list[Figure]:
        return [b for b in self.walk() if isinstance(b, Figure)]

    def tables(self) -> list[Table]:
        return [b for b in self.walk() if isinstance(b, Table)]


def dump(doc: Document) -> str:
    """A plain-text dump used for snapshots and for checking every visible string."""
    lines = [f"# {doc.meta.title}"]
    for b in doc.walk():
        if isinstance(b, Heading):
            lines.append(f"{'#' * (b.level + 1)} {b.number}{b.text}")
        elif isinstance(b, Paragraph):
            lines.append(plain(b.inlines))
        elif isinstance(b, Table):
            lines.append(f"[{b.number} {b.caption}]")
            for row in b.header + b.rows:
                lines.append(" | ".join(plain(c.inlines) for c in row))
        elif isinstance(b, Figure):
            lines.append(f"[{b.number} {b.caption}] {b.alt}")
        elif isinstance(b, Cover):
            lines.extend([b.title, b.subtitle, *b.lines, b.badge])
        elif isinstance(b, Box):
            lines.append(f"[{b.title}]")
        elif isinstance(b, Notes):
            lines.extend(plain(i) for i in b.items)
        elif isinstance(b, Toc):
            lines.append(f"[{b.title}]")
    return "\n".join(lines) + "\n"


def _toc_title() -> str:
    """The built-in table-of-contents title (templates/report.toml [toc] title)."""
    from .wording import load_toml

    return load_toml("report.toml")["toc"]["title"]
