"""Document → PDF: the HTML of render/html.py laid out by WeasyPrint.

Outputs are reproducible: creation/modification dates come from
`write.build_time()`, fonts are the resolved font files (subset by
WeasyPrint), never system fonts, and the file identifier is a hash of the
PDF's own objects, so the same document gives the same bytes on any machine.
With `tagged=True` (the default) the PDF is a tagged PDF/UA-1 file (structure
tree, image alt text, document language); it costs about 10 % more time.
"""
from __future__ import annotations

import hashlib
import io
import logging
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from .. import document as d
from ..errors import ReportkitError
from ..messages import msg
from ..theme import Theme, load_theme
from .html import IMAGE_SCHEME, MAIN_ANCHOR, build_html, heading_ids

TAGGED_VARIANT = "pdf/ua-1"

# Heading pages of the most recent renders, keyed by the PDF's hash, so that
# heading_pages(pdf_bytes) answers without parsing the PDF.
_PAGES: OrderedDict[str, dict[str, int]] = OrderedDict()
_PAGES_MAX = 16


def _weasyprint():
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: Pango/HarfBuzz libraries missing
        raise ReportkitError(msg("render.no_weasyprint", reason=exc)) from exc
    _fast_png_streams()
    return weasyprint


def _png_is_plain(data: bytes) -> bool:
    """8 bits per channel, colour type grey (0) or RGB (2), no interlace (IHDR fields)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return False
    bit_depth, colour_type, interlace = data[24], data[25], data[28]
    return bit_depth == 8 and colour_type in (0, 2) and interlace == 0


# WeasyPrint re-encodes every raster image as PNG (zlib level 6) only to copy its IDAT
# data into the PDF; for 40 charts that is the largest part of writing the PDF.  No
# public option turns it off, so reportkit replaces that one static method, on the
# exact WeasyPrint release it was written against (pinned in pyproject.toml): the
# source of the patched method and of its only caller must hash to these values, else
# the patch is not applied (builds stay correct, only slower) and
# tests/test_render_pdf.py::test_png_stream_patch_matches_weasyprint fails loudly.
PATCHED_WEASYPRINT = "70.0"
PATCHED_SOURCE_SHA256 = {
    "RasterImage._get_png_data": "da00cfefb979545130b958c5437c8ac62be7dfe939261f9a8196a8a6c5e899c2",
    "RasterImage.get_x_object": "1f590111444639aa3547375a7fbddc6056f34fe64546c8550dc0ab36ea2b2408",
}


def patched_sources() -> dict[str, str]:
    """sha256 of the source of the WeasyPrint code the PNG patch depends on."""
    import inspect

    from weasyprint import images

    raw = inspect.getattr_static(images.RasterImage, "_get_png_data")
    raw = getattr(raw, "__func__", raw)
    raw = getattr(raw, "_reportkit_original", raw)
    out = {}
    for name, fn in (("RasterImage._get_png_data", raw), ("RasterImage.get_x_object", images.RasterImage.get_x_object)):
        out[name] = hashlib.sha256(inspect.getsource(fn).encode()).hexdigest()
    return out


def png_patch_applies() -> bool:
    import weasyprint

    return weasyprint.__version__ == PATCHED_WEASYPRINT and patched_sources() == PATCHED_SOURCE_SHA256


def _fast_png_streams() -> None:
    """Copy the IDAT data of plain 8-bit RGB/grey PNGs (every chart) instead of decoding
    and re-encoding them; other images are re-encoded at zlib level 1.  Same image,
    deterministic bytes."""
    import struct

    from weasyprint import images

    current = inspect_static(images.RasterImage, "_get_png_data")
    if getattr(current, "_reportkit", False) or not png_patch_applies():
        return

    def get_png_data(pillow_image) -> bytes:
        source = getattr(pillow_image, "fp", None)
        if (getattr(pillow_image, "format", None) == "PNG" and pillow_image.mode in ("RGB", "L")
                and not pillow_image.info.get("interlace") and isinstance(source, io.BytesIO)
                and _png_is_plain(source.getvalue())):
            data = source.getvalue()
        else:
            buf = io.BytesIO()
            pillow_image.save(buf, format="PNG", compress_level=1)
            data = buf.getvalue()
        out, pos = [], 8  # skip the signature; keep only the IDAT payloads
        while pos < len(data):
            (length,) = struct.unpack(">I", data[pos:pos + 4])
            kind = data[pos + 4:pos + 8]
            if kind == b"IDAT":
                out.append(data[pos + 8:pos + 8 + length])
            elif kind == b"IEND":
                break
            pos += 12 + length
        return b"".join(out)

    get_png_data._reportkit = True
    get_png_data._reportkit_original = current
    images.RasterImage._get_png_data = staticmethod(get_png_data)


def inspect_static(cls, name):
    import inspect

    raw = inspect.getattr_static(cls, name)
    return getattr(raw, "__func__", raw)


_FONT_CONFIGS: OrderedDict = OrderedDict()
_FONT_CONFIGS_MAX = 4


def _font_config(fonts: tuple[str, ...] = ()):
    """One FontConfiguration per set of font files (their content-addressed URLs), kept
    for the process: @font-face files are copied and scanned by fontconfig once, not once
    per document.  Nearly every document has the same set (render/fontsubset.py); a
    document with characters beyond it gets a configuration of its own, never a second
    file under a family name fontconfig already knows."""
    config = _FONT_CONFIGS.get(fonts)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        config = _FONT_CONFIGS[fonts] = FontConfiguration()
        while len(_FONT_CONFIGS) > _FONT_CONFIGS_MAX:
            _FONT_CONFIGS.popitem(last=False)
    else:
        _FONT_CONFIGS.move_to_end(fonts)
    return config


def _fetcher(weasyprint, images: dict[str, Path | bytes], allowed: list[Path], refused: list[str]):
    """Resolves the document's own resources (content-addressed images, the resolved font
    files); besides them, only files inside the template folders (`allowed`: the
    project's templates/ and the built-in one).  Anything else -- another file: URL,
    the network -- is refused and recorded in `refused` (a project's CSS or template is
    data: it cannot read the user's files into a PDF)."""
    import os
    from urllib.parse import unquote, urlsplit

    from weasyprint.urls import URLFetcherResponse

    roots = [Path(os.path.realpath(a)) for a in allowed]

    def inside(url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return False
        real = Path(os.path.realpath(unquote(parts.path)))
        return real.is_file() and any(real == r or r in real.parents for r in roots)

    class Fetcher(weasyprint.URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith(IMAGE_SCHEME + ":") and url in images:
                found = images[url]
                data = found if isinstance(found, bytes) else found.read_bytes()
                suffix = Path(url.split(":", 1)[1]).suffix.lower()
                return URLFetcherResponse(url, data, {"Content-Type": _MIME.get(suffix, "application/octet-stream")})
            if url in images or url.startswith("data:") or inside(url):
                return super().fetch(url, headers)
            refused.append(url)
            raise ValueError(f"refused: {url}")

    return Fetcher(allowed_protocols=("file", "data", IMAGE_SCHEME))


_MIME = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".svg": "image/svg+xml",
         ".gif": "image/gif", ".webp": "image/webp", ".otf": "font/otf", ".ttf": "font/ttf"}


def _layout(doc: d.Document, theme: Theme, project_root: Path | None, images: dict | None = None,
            cache: dict | None = None):
    """The WeasyPrint document laid out; `cache` (optional) is WeasyPrint's image cache
    for this document (render/deferred.py reads its images back from it)."""
    from ..theme import TEMPLATES

    weasyprint = _weasyprint()
    html, images = build_html(doc, theme, project_root, content_urls=True, images=images)
    fonts = tuple(sorted(u for u in images if u.startswith(f"{IMAGE_SCHEME}:font-")))
    base = (project_root or Path.cwd()).resolve().as_uri() + "/"
    allowed = [TEMPLATES] + ([Path(project_root) / "templates"] if project_root is not None else [])
    refused: list[str] = []
    document = weasyprint.HTML(string=html, base_url=base,
                               url_fetcher=_fetcher(weasyprint, images, allowed, refused)).render(
        font_config=_font_config(fonts), cache=cache)
    if refused:
        from ..errors import Source, error
        from ..safety.messages import say

        raise ReportkitError(say("pdf.refused_title"), [
            error(Source(say("pdf.where")), say("pdf.refused", url=url if len(url) <= 200 else url[:200] + "…"),
                  hint=say("pdf.refused_hint")) for url in dict.fromkeys(refused)])
    return document


def _anchor_pages(doc: d.Document, document) -> dict[str, int]:
    """Heading anchor (Heading.anchor, else its generated HTML id) → 1-based page."""
    where = {}
    for number, page in enumerate(document.pages, start=1):
        for name in page.anchors:
            where.setdefault(name, number)
    out = {}
    for h, hid in heading_ids(doc):
        if hid in where:
            out[h.anchor or hid] = where[hid]
    return out


@dataclass(frozen=True)
class LaidOut:
    """A rendered PDF and what WeasyPrint's own laid-out document says about it: the page
    of every heading as a PDF viewer counts (`anchors`) and as printed on the page
    (`printed`: the body is numbered from its own first page), and the page facts the
    proof reads (reportkit/proof.py)."""

    data: bytes
    page_count: int
    anchors: dict[str, int]      # heading anchor -> 1-based page
    printed: dict[str, int] = field(default_factory=dict)   # heading anchor -> printed page number
    facts: object = None         # proof.LayoutFacts


def render_pdf_document(doc: d.Document, theme: Theme, project_root: Path | None = None, *,
                        images: dict | None = None, tagged: bool = True) -> LaidOut:
    """Lay out and write the PDF; `images` maps str(Figure.path) to PNG bytes that are
    not on disk yet (charts drawn in this build)."""
    from ..proof import layout_facts

    document = _layout(doc, theme, project_root, images)
    data, pages = _write(doc, document, tagged)
    facts = layout_facts(document, MAIN_ANCHOR)
    return LaidOut(data, len(document.pages), pages, printed_pages(pages, facts), facts)


def printed_pages(pages: dict[str, int], facts) -> dict[str, int]:
    """Heading anchor -> the page number printed on its page: the body is numbered from
    its own first page (facts.main_start), the front matter is left out."""
    start = facts.main_start
    return {k: (v - start + 1 if start else v) for k, v in pages.items() if not start or v >= start}


render_pdf_layout = render_pdf_document


def render_pdf_pages(doc: d.Document, theme: Theme, project_root: Path | None = None, *,
                     tagged: bool = True, images: dict | None = None) -> tuple[bytes, dict[str, int]]:
    """The PDF bytes and the page of every heading (anchor → 1-based page of the PDF;
    the printed numbers start again at the body's first page, see render_pdf_document)."""
    data, pages, _ = _render(doc, theme, project_root, images, tagged)
    return data, pages


def _render(doc, theme, project_root, images, tagged):
    document = _layout(doc, theme, project_root, images)
    data, pages = _write(doc, document, tagged)
    return data, pages, len(document.pages)


def _write(doc, document, tagged):
    # True: the file identifier is an MD5 of the PDF objects themselves, so the
    # same document gives the same bytes wherever the project and fonts live.
    options = {"pdf_identifier": True}
    if tagged:
        options["pdf_variant"] = TAGGED_VARIANT
    data = document.write_pdf(**options)
    pages = _anchor_pages(doc, document)
    _PAGES[hashlib.sha256(data).hexdigest()] = pages
    while len(_PAGES) > _PAGES_MAX:
        _PAGES.popitem(last=False)
    return data, pages


def render_pdf(doc: d.Document, theme: Theme, project_root: Path | None = None, *,
               tagged: bool = True, images: dict | None = None) -> bytes:
    """The document as PDF bytes (A4, house style of templates/report.css or sheet.css)."""
    return render_pdf_pages(doc, theme, project_root, tagged=tagged, images=images)[0]


def heading_pages(source: bytes | d.Document, theme: Theme | None = None,
                  project_root: Path | None = None) -> dict[str, int]:
    """Heading anchor → page number in the PDF, e.g. for the Word TOC cache.

    `source` is PDF bytes produced by render_pdf in this process (answered from
    memory) or a Document (laid out, no PDF written)."""
    if isinstance(source, d.Document):
        document = _layout(source, theme or load_theme(project_root), project_root)
        return _anchor_pages(source, document)
    pages = _PAGES.get(hashlib.sha256(source).hexdigest())
    if pages is None:
        raise ReportkitError(msg("render.foreign_pdf"))
    return dict(pages)


logging.getLogger("weasyprint").addHandler(logging.NullHandler())


def warm_up(theme: Theme | None = None) -> None:
    """Import WeasyPrint and load the fonts by laying out a one-line document, so that a
    worker process is ready before the real document arrives."""
    theme = theme or load_theme()
    doc = d.Document(d.Meta(title=msg("render.warm_up_title"), lang="zh-CN"),
                     (d.Heading(1, msg("render.warm_up_heading"), msg("render.warm_up_number")),
                      d.Paragraph(d.text(msg("render.warm_up_text")))))
    _layout(doc, theme, None)
