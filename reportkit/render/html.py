"""Document → HTML for the PDF back-end (rendered by WeasyPrint in render/pdf.py).

The markup comes from Jinja templates (templates/html/: `document.html.j2`
and one macro per block type in `blocks.html.j2`), the style from
templates/report.css (+ templates/sheet.css for department sheets), the
colours from templates/theme.toml; a project's own templates/ folder is
searched first.  Python here only prepares values the templates cannot:
resolved font files, heading ids, table cell alignment, image URLs.

Fonts are @font-face rules on the resolved font files (no system-font
lookup), after checking that they draw every character of the document, the
templates and the stylesheets.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from .. import document as d
from ..errors import ReportkitError
from ..messages import msg
from ..fonts import Font, resolve, resolve_bold
from ..theme import Theme, find_template, templates_dir
from ..write import build_time
from . import fontsubset

DOCUMENT_TEMPLATE = "document.html.j2"
BLOCKS_TEMPLATE = "blocks.html.j2"
# PDF output names each image after a hash of its URL: content-addressed URLs
# keep the bytes independent of where the project lives (see render/pdf.py).
IMAGE_SCHEME = "reportkit-image"
STYLESHEETS = {"report": ("report.css",), "sheet": ("report.css", "sheet.css")}
FONT_KINDS = ("serif", "sans")   # CSS: var(--font-serif), var(--font-sans)

_SAFE_ID = re.compile(r"[A-Za-z][A-Za-z0-9_\-.:]*")


# --- ids and look-ups prepared for the templates ------------------------------
def heading_ids(doc: d.Document) -> list[tuple[d.Heading, str]]:
    """Every heading with the HTML id it gets: its anchor when that is a safe,
    unique id, else a generated `h<n>`.  Order is document order."""
    out, used = [], {"toc"}
    for n, h in enumerate(doc.headings(), start=1):
        hid = h.anchor if h.anchor and _SAFE_ID.fullmatch(h.anchor) else f"h{n}"
        while hid in used:
            hid = f"{hid}-{n}"
        used.add(hid)
        out.append((h, hid))
    return out


def heading_label(h: d.Heading) -> str:
    """The heading as printed: number (when numbered) and text."""
    if h.numbered and h.number:
        sep = " " if h.number[-1:].isascii() else ""
        return f"{h.number}{sep}{h.text}"
    return h.text


@dataclass(frozen=True)
class _Ctx:
    doc: d.Document
    theme: Theme
    project_root: Path | None
    ids: dict[int, str]          # id(heading object) -> html id
    content_urls: bool = False   # images as IMAGE_SCHEME:<content hash> instead of file://
    images: dict[str, Path | bytes] = field(default_factory=dict)  # url -> file or bytes, filled while rendering
    image_data: dict = field(default_factory=dict)  # str(Figure.path) -> PNG bytes not yet on disk


def _kind(obj) -> str:
    return type(obj).__name__.lower()


def _span_attrs(theme: Theme, s: d.Span) -> dict:
    tag = "sup" if s.sup else "sub" if s.sub else "code" if s.code else ""
    cls = []
    if s.bold:
        cls.append("strong")
    elif s.italic:
        cls.append("em")
    style = ""
    if s.role:
        if s.role == "strong":
            cls.append("strong")
        elif theme.role_color(s.role):
            cls.append(role_class(s.role, "c"))
    if (cls or style) and not tag:
        tag = "span"
    return {"tag": tag, "cls": " ".join(cls), "style": style}


def role_class(role: str, kind: str) -> str:
    """A CSS class for a colour role ("c": text colour, "p": pill background).  Classes
    instead of inline styles: WeasyPrint parses each inline style separately, which for
    the hundreds of rating cells of a report costs a noticeable part of the layout."""
    return f"r{kind}-{hashlib.sha1(role.encode('utf-8')).hexdigest()[:10]}"


def role_css(theme: Theme) -> str:
    roles = [f"rating-{r}" for r in theme.colors.get("rating", {})]
    roles += [f"trend-{t}" for t in theme.colors.get("trend", {})]
    roles += [k for k, v in theme.colors.items() if isinstance(v, str)]
    rules = []
    for role in roles:
        color = theme.role_color(role)
        if color:
            rules.append(f".{role_class(role, 'c')} {{ color: {color}; }}")
            rules.append(f".{role_class(role, 'p')} {{ background-color: {color}; }}")
    return "\n".join(rules)


def _col_widths(t: d.Table) -> list[str]:
    ws = [float(w) for w in t.widths if w and w > 0]
    if not ws or len(ws) != len(t.widths):
        return []
    total = sum(ws)
    return [f"{100 * w / total:.2f}" for w in ws]


def _cells(theme: Theme, t: d.Table, rows) -> list[list[dict]]:
    out = []
    for row in rows:
        col, cells = 0, []
        for c in row:
            align = c.align or (t.align[col] if col < len(t.align) else None)
            cls, style, pill = [], "", ""
            if align in ("left", "center", "right"):
                cls.append(f"al-{align}")
            if c.bold or c.role == "strong":
                cls.append("cell-strong")
            if c.role and c.role != "strong":
                color = theme.role_color(c.role)
                if color and c.role.startswith("rating-"):
                    pill = role_class(c.role, "p")
                    cls.append("cell-pill")
                elif color:
                    cls.append(role_class(c.role, "c"))
            cells.append({"cell": c, "colspan": max(1, int(c.colspan)), "cls": " ".join(cls),
                          "style": style, "pill": pill})
            col += max(1, int(c.colspan))
        out.append(cells)
    return out


# A table of at most KEEP_ROWS_MAX body rows is kept on one page; a longer one may break
# between pages but keeps its first and its last KEEP_EDGE rows together, so that no page
# holds a table tail of fewer than KEEP_EDGE rows (nor a header with a row or two under
# it).  The rows inside those runs carry break-after: avoid: WeasyPrint places a row
# group that has break-inside: avoid and follows the header partly anyway.
KEEP_ROWS_MAX = 6
KEEP_EDGE = 3


def table_groups(theme: Theme, t: d.Table) -> list[dict]:
    """The body rows of `t`: [{"keep": False, "rows": [{"cls", "cells"}]}] (one row group)."""
    rows = _cells(theme, t, t.rows)
    n = len(rows)
    glued = set()
    if n > KEEP_ROWS_MAX:
        glued = set(range(KEEP_EDGE - 1)) | set(range(n - KEEP_EDGE, n - 1))
    out = [{"cls": " ".join(c for c, on in (("even", i % 2 == 1), ("last", i == n - 1), ("keep-next", i in glued))
                           if on), "cells": r}
           for i, r in enumerate(rows)]
    return [{"keep": False, "rows": out}]


def _image_path(fig: d.Figure, project_root: Path | None) -> Path:
    p = Path(fig.path)
    if not p.is_absolute():
        p = (project_root or Path.cwd()) / p
    if not p.is_file():
        raise ReportkitError(msg("render.no_image", path=p, number=fig.number, caption=fig.caption))
    return p.resolve()


def content_url(data: bytes, path) -> str:
    """The content-addressed URL of an image's bytes (`path` gives the suffix)."""
    return f"{IMAGE_SCHEME}:{hashlib.sha256(data).hexdigest()[:32]}{Path(path).suffix.lower()}"


def _image_src(ctx: _Ctx, fig: d.Figure) -> str:
    data = ctx.image_data.get(str(fig.path))
    if data is not None:  # drawn in this build, not written yet
        url = content_url(data, fig.path)
        ctx.images[url] = data
        return url
    path = _image_path(fig, ctx.project_root)
    if not ctx.content_urls:
        url = path.as_uri()
    else:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:32]
        url = f"{IMAGE_SCHEME}:{digest}{path.suffix.lower()}"
    ctx.images[url] = path
    return url


def _toc_entries(ctx: _Ctx, toc: d.Toc) -> list[dict]:
    return [{"level": h.level, "label": heading_label(h), "id": ctx.ids[id(h)]}
            for h in ctx.doc.headings() if h.toc and h.level <= toc.levels]


# --- text and fonts -----------------------------------------------------------
def _inline_text(items) -> list[str]:
    out = []
    for i in items:
        if isinstance(i, (d.Span, d.Link, d.Ref)):
            out.append(i.text)
        elif isinstance(i, d.Footnote):
            out.extend(_inline_text(i.content))
    return out


def document_text(doc: d.Document) -> str:
    """Every string of the document that can be drawn (used for the font check)."""
    m = doc.meta
    parts = [m.title, m.header, m.author, m.subject, *m.keywords]
    for b in doc.walk():
        if isinstance(b, d.Heading):
            parts += [b.number, b.text]
        elif isinstance(b, d.Paragraph):
            parts += _inline_text(b.inlines)
        elif isinstance(b, d.Table):
            parts += [b.number, b.caption, b.note]
            for row in b.header + b.rows:
                for c in row:
                    parts += _inline_text(c.inlines)
        elif isinstance(b, d.Figure):
            parts += [b.number, b.caption, b.note, b.alt]
        elif isinstance(b, d.Cover):
            parts += [b.title, b.subtitle, *b.lines, b.badge]
        elif isinstance(b, (d.Box,)):
            parts.append(b.title)
        elif isinstance(b, d.Toc):
            parts.append(b.title)
        elif isinstance(b, d.Notes):
            for item in b.items:
                parts += _inline_text(item)
    return "\n".join(p for p in parts if p)


@lru_cache(maxsize=16)
def _postscript_name(path: str, index: int) -> str:
    from fontTools.ttLib import TTFont

    font = TTFont(path, lazy=True, fontNumber=index)
    try:
        return str(font["name"].getDebugName(6) or "")
    finally:
        font.close()


def _font_face(font: Font) -> dict:
    """The @font-face of a resolved font.  Its family is the font's PostScript
    name (e.g. NotoSerifSC-Regular): no installed font has that family name, so
    fontconfig can only pick our file, and the PDF names the embedded subset
    after it (ABCDEF+NotoSerifSC-Regular)."""
    if font.index == 0:
        name = re.sub(r"[^A-Za-z0-9_-]", "", _postscript_name(str(font.path), 0)) or "reportkit-font"
        return {"name": name, "src": Markup(f'url("{font.path.resolve().as_uri()}")')}
    # A face inside a font collection (.ttc) found through fontconfig: use it by family name.
    return {"name": font.family, "src": None}


def resolve_fonts(text: str, theme: Theme | None = None) -> dict[str, Font]:
    """The serif (body) and sans (headings, emphasis) fonts; both must draw all of `text`."""
    out = {}
    for kind in FONT_KINDS:
        try:
            out[kind] = resolve(kind, text, theme)
        except ReportkitError as exc:
            exc.message = msg("render.pdf_prefix", message=exc.message)
            raise
    return out


# --- environment --------------------------------------------------------------
def _with_ctx(fn):
    """A filter that also receives the document context (`_rk` in the template context)."""
    @jinja2.pass_context
    def filt(context, *args):
        return fn(context["_rk"], *args)
    return filt


@lru_cache(maxsize=8)
def _environment(search: tuple[str, ...]):
    """The sandbox (reportkit/safety/sandbox.py) the HTML templates run in: a project's
    templates/html/ is data, like its narratives."""
    from ..safety.sandbox import DOCUMENT, DocumentPolicy, Sandbox, SafeLoader

    return Sandbox(
        limits=DOCUMENT,
        policy=DocumentPolicy(),
        loader=SafeLoader(list(search)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        filters={
            "kind": _kind,
            "glued": _glued,
            "plain": d.plain,
            "col_widths": _col_widths,
            "image_width": lambda f: f"{max(5.0, min(100.0, 100 * float(f.width or 0.9))):.1f}",
            "span_attrs": _with_ctx(lambda c, s: _span_attrs(c.theme, s)),
            "cells": _with_ctx(lambda c, t, rows: _cells(c.theme, t, rows)),
            "table_groups": _with_ctx(lambda c, t: table_groups(c.theme, t)),
            "heading_id": _with_ctx(lambda c, h: c.ids[id(h)]),
            "toc_entries": _with_ctx(_toc_entries),
            "image_src": _with_ctx(_image_src),
        },
    )


def _glued(items) -> list:
    """The inlines, with each footnote call kept on one line with the character before it
    and the closing punctuation after it (a tuple of inlines, set unbroken): no line
    starts with a note call or with "。" after it (templates/typography.toml no_start)."""
    import dataclasses

    from ..wording import load_toml

    no_start = load_toml("typography.toml")["line_breaking"]["no_start"]
    items, out, i = list(items), [], 0
    while i < len(items):
        it = items[i]
        i += 1
        if not isinstance(it, d.Footnote):
            out.append(it)
            continue
        group = [it]
        if out and isinstance(out[-1], d.Span) and out[-1].text:
            prev = out.pop()
            if len(prev.text) > 1:
                out.append(dataclasses.replace(prev, text=prev.text[:-1]))
            group.insert(0, dataclasses.replace(prev, text=prev.text[-1]))
        nxt = items[i] if i < len(items) else None
        if isinstance(nxt, d.Span):
            n = len(nxt.text) - len(nxt.text.lstrip(no_start))
            if n:
                group.append(dataclasses.replace(nxt, text=nxt.text[:n]))
                items[i] = dataclasses.replace(nxt, text=nxt.text[n:])
        out.append(tuple(group))
    return out


def _css_vars(theme: Theme, faces: dict[str, dict]) -> list[tuple[str, Markup]]:
    out = [(f"font-{kind}", Markup(f'"{faces[kind]["name"]}"')) for kind in FONT_KINDS]
    for name, value in theme.colors.items():
        if isinstance(value, str) and re.fullmatch(r"#[0-9A-Fa-f]{3,8}|[a-z]+", value):
            out.append((f"c-{name.replace('_', '-')}", Markup(value)))
    return out


def template_roots(project_root: Path | None) -> dict:
    """Template folders -> how a message names them (the project's, the built-in ones)."""
    from ..safety.messages import say
    from ..theme import TEMPLATES

    roots = {}
    if project_root is not None:
        roots[Path(project_root) / "templates"] = "templates/"
    roots[TEMPLATES] = say("template.builtin")
    return roots


def _matter(doc: d.Document) -> dict:
    """The blocks before and after the table of contents: the body (main matter) is
    numbered from its own first page (report.css, @page :nth(1 of main))."""
    blocks = list(doc.blocks)
    at = next((i for i, b in enumerate(blocks) if isinstance(b, d.Toc)), None)
    if at is None:
        return {"front": [], "toc_block": None, "main": blocks}
    return {"front": blocks[:at], "toc_block": blocks[at], "main": blocks[at + 1:]}


# the id of the element that opens the main matter (its first page is page 1)
MAIN_ANCHOR = "main-matter"


def stylesheet_paths(doc: d.Document, project_root: Path | None = None) -> list[Path]:
    return [find_template(n, project_root) for n in STYLESHEETS.get(doc.kind, STYLESHEETS["report"])]


def render_html(doc: d.Document, theme: Theme, project_root: Path | None = None) -> str:
    """The document as one self-contained HTML string (styles inline; fonts and
    images as absolute file:// URLs) ready for WeasyPrint or a browser."""
    return build_html(doc, theme, project_root)[0]


def build_html(doc: d.Document, theme: Theme, project_root: Path | None = None, *,
               content_urls: bool = False, images: dict | None = None) -> tuple[str, dict[str, Path | bytes]]:
    """The HTML and the images it refers to (URL -> file).  With `content_urls`
    images are `reportkit-image:<hash>` URLs that the caller must resolve, and so are
    the fonts: each cut down to the common characters and those of the document, its
    styles and templates (reportkit/render/fontsubset.py)."""
    from jinja2 import TemplateError

    from ..safety.sandbox import TEMPLATE_ERRORS, template_error

    search = tuple(str(p / "html") for p in templates_dir(project_root) if (p / "html").is_dir())
    env = _environment(search)
    css = [p.read_text(encoding="utf-8") for p in stylesheet_paths(doc, project_root)]
    try:
        template_src = [env.loader.get_source(env, n)[0] for n in (DOCUMENT_TEMPLATE, BLOCKS_TEMPLATE)]
        own = "\n".join([document_text(doc), *css, *template_src])
        fonts = resolve_fonts(own, theme)
        faces = {kind: _font_face(fonts[kind]) for kind in FONT_KINDS}
        # each family's real Bold face, under the same family name (font-weight: bold)
        bold_fonts = [resolve_bold(kind, theme) for kind in FONT_KINDS if faces[kind]["src"]]
        bold = [{"name": faces[kind]["name"], "src": Markup(f'url("{f.path.resolve().as_uri()}")'), "weight": "bold"}
                for kind, f in zip([k for k in FONT_KINDS if faces[k]["src"]], bold_fonts)]

        ctx = _Ctx(doc, theme, project_root, {id(h): hid for h, hid in heading_ids(doc)},
                   content_urls=content_urls or bool(images), image_data=dict(images or {}))
        chars = fontsubset.charset(own) if ctx.content_urls else None
        for face, font in [*((faces[k], fonts[k]) for k in FONT_KINDS), *zip(bold, bold_fonts)]:
            if font.index != 0 or not face["src"]:   # a face of a collection, by family name
                continue
            # the font files are resources of the document
            data = fontsubset.subset(font.path, chars) if chars is not None else None
            if data is None:
                ctx.images[font.path.resolve().as_uri()] = font.path.resolve()
                continue
            url = f"{IMAGE_SCHEME}:font-{fontsubset.digest(data)}{font.path.suffix.lower()}"
            ctx.images[url] = data
            face["src"] = Markup(f'url("{url}")')
        html = env.get_template(DOCUMENT_TEMPLATE).render(
            _rk=ctx,
            doc=doc,
            meta=doc.meta,
            header=doc.meta.header or doc.meta.title,
            fonts=[f for f in faces.values() if f["src"]] + bold,
            css_vars=_css_vars(theme, faces),
            stylesheets=[Markup(c) for c in css] + [Markup(role_css(theme))],
            created=build_time(doc.meta.date).strftime("%Y-%m-%dT%H:%M:%SZ"),
            keep_rows_max=KEEP_ROWS_MAX,
            **_matter(doc),
        )
    except (TemplateError, *TEMPLATE_ERRORS) as exc:
        raise template_error(exc, roots=template_roots(project_root)) from None
    return html, ctx.images
