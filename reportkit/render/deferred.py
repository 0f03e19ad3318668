"""A PDF laid out before its charts are drawn, written once they are.

WeasyPrint needs an image's size to lay a page out, its pixels only when it writes the
PDF.  So the document is laid out with a stand-in for every chart still being drawn: a
PNG with the chart's exact header (width and height from charts/size.py, 8-bit RGB) and
no pixels.  When the charts arrive, each stand-in's image in WeasyPrint's image cache
gets the chart's bytes and the name the chart's own URL gives it (an MD5 of the
content-addressed URL, render/html.py), and the PDF is written: the same bytes as a
document laid out with the charts themselves.  A chart whose PNG header is not its
stand-in's (another size, an alpha channel...) is never patched in: the document is
then laid out again with the real charts (correct, only slower).

Relies on the WeasyPrint release render/pdf.py pins (PATCHED_WEASYPRINT): RasterImage's
`id` and its LazyImage `image_data`, both read only when the PDF is written.
"""
from __future__ import annotations

import io
import struct
import zlib
from dataclasses import dataclass, field
from hashlib import md5
from pathlib import Path

from .. import document as d
from ..theme import Theme

STUB_CHUNK = b"rkSt"   # private ancillary chunk: the stand-in's chart name (unique bytes, unique URL)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def stub_png(name: str, width: int, height: int) -> bytes:
    """A PNG header of an 8-bit RGB image of `width` × `height` without pixel data."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(STUB_CHUNK, name.encode("utf-8"))
            + _chunk(b"IDAT", zlib.compress(b"")) + _chunk(b"IEND", b""))


def same_header(png: bytes, width: int, height: int) -> bool:
    """`png` is what its stand-in said: plain 8-bit RGB of that size, no chunk before the
    pixels that WeasyPrint reads (transparency, EXIF orientation, ICC profile)."""
    from PIL import Image

    from .pdf import _png_is_plain

    if len(png) < 33 or not _png_is_plain(png) or png[25] != 2 or struct.unpack(">II", png[16:24]) != (width, height):
        return False
    try:
        im = Image.open(io.BytesIO(png))
    except Exception:
        return False
    return im.format == "PNG" and im.mode == "RGB" and not ({"transparency", "exif", "icc_profile"} & im.info.keys())


@dataclass
class Deferred:
    """A laid-out document waiting for its charts."""

    doc: d.Document
    theme: Theme
    root: Path | None
    images: dict                     # str(Figure.path) -> PNG bytes known at layout
    pending: dict                    # str(Figure.path) -> (width, height) of its stand-in
    document: object = None          # weasyprint Document
    cache: dict = field(default_factory=dict)   # WeasyPrint's image cache of `document`
    pages: dict = field(default_factory=dict)   # heading anchor -> 1-based page
    printed: dict = field(default_factory=dict)  # heading anchor -> printed page number
    facts: object = None

    @property
    def page_count(self) -> int:
        return len(self.document.pages)


def _page_facts(doc, document):
    from ..proof import layout_facts
    from .html import MAIN_ANCHOR
    from .pdf import _anchor_pages, printed_pages

    pages = _anchor_pages(doc, document)
    facts = layout_facts(document, MAIN_ANCHOR)
    return pages, printed_pages(pages, facts), facts


def layout(doc: d.Document, theme: Theme, root: Path | None, images: dict,
           pending: dict[str, tuple[int, int]]) -> Deferred:
    """Lay `doc` out: the charts of `images` (str(Figure.path) -> PNG) as they are, those
    of `pending` (str(Figure.path) -> pixel size) as stand-ins.  The page numbers and
    page facts are final (render/pdf.py render_pdf_document gives the same)."""
    from .pdf import _layout

    state = Deferred(doc, theme, root, dict(images), dict(pending))
    by_path = dict(images)
    for path, (w, h) in pending.items():
        by_path[path] = stub_png(path, w, h)
    state.document = _layout(doc, theme, root, by_path, cache=state.cache)
    state.pages, state.printed, state.facts = _page_facts(doc, state.document)
    return state


def _patch_in(state: Deferred, charts: dict[str, bytes]) -> bool:
    """Give every stand-in its chart; False (nothing changed) when one does not fit."""
    from .html import content_url

    todo = []
    for path, (w, h) in state.pending.items():
        png = charts.get(path)
        if png is None or not same_header(png, w, h):
            return False
        image = state.cache.get(content_url(stub_png(path, w, h), path))
        data = getattr(image, "image_data", None)
        key = getattr(data, "_key", None)
        if image is None or key is None or getattr(data, "_cache", None) is not state.cache \
                or (image.width, image.height) != (w, h):
            return False
        todo.append((image, key, png, content_url(png, path)))
    for image, key, png, url in todo:
        state.cache[key] = png
        image.id = md5(url.encode(), usedforsecurity=False).hexdigest()   # as weasyprint.images names it
    return True


def write(state: Deferred, charts: dict[str, bytes], tagged: bool = True):
    """The PDF (render/pdf.py LaidOut) once `charts` (str(Figure.path) -> PNG) holds every
    pending chart."""
    from .pdf import LaidOut, _layout, _write

    if state.pending and not _patch_in(state, charts):
        images = {**state.images, **{p: charts[p] for p in state.pending}}
        state.cache = {}
        state.document = _layout(state.doc, state.theme, state.root, images, cache=state.cache)
        state.pages, state.printed, state.facts = _page_facts(state.doc, state.document)
        state.pending = {}
    data, pages = _write(state.doc, state.document, tagged)
    return LaidOut(data, len(state.document.pages), pages, state.printed, state.facts)
