"""Draw a `Canvas` (a flat list of shapes, texts, QR codes and a key visual) with Pillow.

The canvas model is the hand-off between compose/promo.py, which decides what
goes where, and this renderer, which owns typesetting:

- CJK line breaking: a line never starts with closing punctuation (，。、；：？！）」』》…)
  and never ends with opening punctuation (（「『《); Latin words and numbers
  are never split; short last lines are avoided; titles can be balanced.
- fit-to-box: a text is set at its style's size, shrunk step by step down to
  its minimum size until every line fits its box; if it still does not fit,
  a ReportkitError names the text and the box.  Nothing is ever cut or spills.
- every drawn text is recorded (`DrawnText`: final string, lines, size, box,
  ink bounding box, contrast against the pixels actually behind it), so that
  tests and the command can check placement and figures.
- contrast: each text's colour is compared (WCAG 2.x relative luminance) with
  the dominant colours behind it; below the required ratio the build stops.

Output is deterministic: the basic (FreeType-only) layout engine, integer
positions, fixed-seed key visual, PNG/JPEG without timestamps or text chunks,
and an sRGB ICC profile with a fixed header date.
"""
from __future__ import annotations

import hashlib
import io
import random
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from .. import fonts
from ..errors import ReportkitError
from ..messages import msg
from ..wording import load_toml

# --------------------------------------------------------------------------
# Canvas model
# --------------------------------------------------------------------------
Box = tuple[int, int, int, int]  # x, y, width, height


@dataclass(frozen=True)
class TextStyle:
    size: int                      # preferred size in px
    min_size: int                  # smallest size allowed when fitting
    color: str
    kind: str = "sans"             # font kind for fonts.resolve ("sans" / "serif")
    bold: float = 0.0              # faux-bold stroke as a fraction of the size (0 = regular)
    line_spacing: float = 1.4      # baseline-to-baseline distance / size
    align: str = "left"            # left / center / right
    valign: str = "top"            # top / middle / bottom
    max_lines: int | None = None
    balance: bool = False          # equalise line lengths (titles)
    words: bool = False            # break between words only (jieba), not inside them


@dataclass(frozen=True)
class Rect:
    box: Box
    fill: str
    radius: int = 0


@dataclass(frozen=True)
class Ellipse:
    box: Box
    fill: str


@dataclass(frozen=True)
class Polygon:
    points: tuple[tuple[int, int], ...]
    fill: str


@dataclass(frozen=True)
class Text:
    key: str        # stable id, e.g. "title", "overall.value", "town.3.count"
    text: str
    box: Box
    style: TextStyle
    where: str = ""  # where the text comes from (for error messages), e.g. "project.toml [campaign] title"


@dataclass(frozen=True)
class QR:
    key: str
    data: str
    box: Box              # the square the code (with its quiet zone) is centred in
    dark: str = "#000000"
    light: str = "#FFFFFF"
    quiet: int = 4        # quiet zone in modules
    min_module: int = 6   # px per module; smaller fails
    error: str = "m"


@dataclass(frozen=True)
class Skyline:
    """An abstract city skyline drawn with shapes: back, middle and front layers of
    buildings, a sun, trees and a river line.  Deterministic for a given seed."""
    box: Box
    layers: tuple[str, ...]     # far -> near colours
    sun: str | None = None
    window: str | None = None   # window colour on the middle layer
    ground: str | None = None   # colour of the ground strip at the bottom (None = nearest layer)
    seed: str = "reportkit"
    density: float = 1.0        # buildings per 100 px, relative
    sun_at: float | None = None # sun centre as a share of the width (None = chosen by the seed)


@dataclass(frozen=True)
class Artwork:
    """An image file placed to cover a box (cropped to its aspect ratio)."""
    path: Path
    box: Box


Element = Rect | Ellipse | Polygon | Text | QR | Skyline | Artwork


@dataclass
class Canvas:
    name: str
    width: int
    height: int
    background: str
    elements: list = field(default_factory=list)
    min_contrast: float = 4.5

    def add(self, *elements) -> None:
        self.elements.extend(elements)

    def texts(self) -> list[Text]:
        return [e for e in self.elements if isinstance(e, Text)]


@dataclass(frozen=True)
class DrawnText:
    key: str
    text: str
    lines: tuple[str, ...]
    size: int
    box: Box
    bbox: tuple[int, int, int, int]  # ink + line boxes, (left, top, right, bottom) exclusive
    color: str
    background: str                  # dominant colour behind the text
    contrast: float


@dataclass(frozen=True)
class DrawnQR:
    key: str
    data: str
    module: int            # px per module
    modules: int           # modules per side without quiet zone
    quiet: int
    bbox: tuple[int, int, int, int]  # including the quiet zone


@dataclass
class Rendered:
    canvas: Canvas
    image: Image.Image
    texts: list[DrawnText]
    qrs: list[DrawnQR]

    def text(self, key: str) -> DrawnText:
        for t in self.texts:
            if t.key == key:
                return t
        raise KeyError(key)

    def strings(self) -> list[str]:
        return [t.text for t in self.texts]


# --------------------------------------------------------------------------
# Colours and contrast
# --------------------------------------------------------------------------
_HEX = re.compile(r"^#?([0-9a-fA-F]{6})$")


def rgb(color: str) -> tuple[int, int, int]:
    m = _HEX.match(color.strip())
    if not m:
        raise ReportkitError(msg("png.bad_color", color=repr(color)))
    h = m.group(1)
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def hex_color(c: tuple[int, int, int]) -> str:
    return "#%02X%02X%02X" % tuple(int(v) for v in c[:3])


def mix(a: str, b: str, t: float) -> str:
    """a blended toward b by t (0 = a, 1 = b)."""
    ca, cb = rgb(a), rgb(b)
    return hex_color(tuple(round(x + (y - x) * t) for x, y in zip(ca, cb)))


def luminance(color: str | tuple[int, int, int]) -> float:
    """WCAG 2.x relative luminance."""
    c = rgb(color) if isinstance(color, str) else color
    out = []
    for v in c[:3]:
        s = v / 255.0
        out.append(s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4)
    return 0.2126 * out[0] + 0.7152 * out[1] + 0.0722 * out[2]


def contrast(a: str | tuple, b: str | tuple) -> float:
    la, lb = luminance(a), luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


# --------------------------------------------------------------------------
# Fonts (cached per file, face and size)
# --------------------------------------------------------------------------
@lru_cache(maxsize=256)
def pil_font(path: str, index: int, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size, index=index, layout_engine=ImageFont.Layout.BASIC)


@lru_cache(maxsize=16)
def _em_box(path: str, index: int) -> tuple[float, float]:
    """Ideographic em box (ascent, descent) as fractions of the size: where CJK text
    sits around the baseline.  Noto/Source Han put it in OS/2 typo metrics, read from
    the table's bytes through HarfBuzz (no fontTools import: the same numbers, see
    tests/test_fonts.py); fontTools when HarfBuzz cannot."""
    got = _em_box_hb(path, index)
    if got is None:
        from fontTools.ttLib import TTFont

        f = TTFont(path, lazy=True, fontNumber=index)
        try:
            upm = f["head"].unitsPerEm
            os2 = f["OS/2"]
            got = os2.sTypoAscender / upm, -os2.sTypoDescender / upm
        finally:
            f.close()
    asc, desc = got
    if not 0.5 < asc + desc < 1.6:
        asc, desc = 0.88, 0.12
    return asc, desc


def _em_box_hb(path: str, index: int) -> tuple[float, float] | None:
    """sTypoAscender / sTypoDescender (OS/2 bytes 68-71, every table version) over the
    units per em of head, or None when HarfBuzz does not read the face."""
    try:
        import struct

        import uharfbuzz as hb

        face = hb.Face(hb.Blob.from_file_path(path), index)
        os2 = face.reference_table("OS/2").data
        upm = face.upem
    except Exception:   # not a font HarfBuzz reads: fontTools says why
        return None
    if len(os2) < 72 or not upm:
        return None
    asc, desc = struct.unpack(">hh", os2[68:72])
    return asc / upm, -desc / upm


@lru_cache(maxsize=20000)
def _length(path: str, index: int, size: int, text: str) -> float:
    return pil_font(path, index, size).getlength(text)


# --------------------------------------------------------------------------
# CJK line breaking
# --------------------------------------------------------------------------
# Which characters a line must not start with (closing punctuation, full and half
# width) or end with (opening punctuation), and the preferred break points:
# templates/typography.toml.
_BREAKING = load_toml("typography.toml")["line_breaking"]
NO_START = set(_BREAKING["no_start"])
NO_END = set(_BREAKING["no_end"])

# Unbreakable units: Latin words / numbers (with inner . , : / - _ + ' and trailing %),
# runs of ellipsis or dash, single spaces, or any other single character.
_TOKEN = re.compile(
    r"[A-Za-z0-9][A-Za-z0-9_]*(?:[.,:/\-+'@&=?#][A-Za-z0-9_]+)*%?"
    r"|…+|—+|\s+|.", re.S)


_CJK_WORD = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$")
BREAK_AFTER = set(_BREAKING["break_after"])  # natural phrase ends: preferred break points


@lru_cache(maxsize=1)
def _jieba():
    try:
        import jieba
    except ImportError:  # pragma: no cover - jieba is a dependency
        return None
    import logging

    jieba.setLogLevel(logging.WARNING)
    return jieba


def _tokens(text: str, words: bool) -> list[str]:
    if not words or _jieba() is None:
        return _TOKEN.findall(text)
    out = []
    for word in _jieba().cut(text, HMM=False):
        out.extend([word] if _CJK_WORD.match(word) else _TOKEN.findall(word))
    return out


def atoms(text: str, words: bool = False) -> list[str]:
    """Split a paragraph into the pieces a line may break between.

    Pieces are single characters (CJK body text may break anywhere), or whole
    words when `words` is true (titles: no break inside 满意度); Latin words and
    numbers are always whole and keep the unit after them (5分钟, 8月31日).  Closing punctuation is glued to the piece before
    it and opening punctuation to the piece after it, so a break can never
    separate them.  A space stays at the end of the piece before it and is
    dropped when a line breaks there."""
    out: list[str] = []
    glue_next = False
    after_number = False
    for tok in _tokens(text, words):
        if tok.isspace():
            if out:
                out[-1] += " "
            glue_next = after_number = False
            continue
        # a number keeps the unit or measure word after it: 8月, 31日, 5分钟
        unit = after_number and _CJK_WORD.match(tok) is not None
        if out and (glue_next or tok[0] in NO_START or unit):
            out[-1] += tok
        else:
            out.append(tok)
        glue_next = tok[-1] in NO_END
        after_number = tok[-1].isdigit()
    return out


def _greedy(pieces: list[str], width: float, measure) -> list[list[str]] | None:
    lines: list[list[str]] = [[]]
    for piece in pieces:
        cur = lines[-1]
        if measure(("".join(cur) + piece).rstrip()) <= width:
            cur.append(piece)
            continue
        if not cur or measure(piece.strip()) > width:
            return None
        lines.append([piece])
    return lines


def _avoid_orphan(lines: list[list[str]], width: float, measure) -> None:
    """A last line of a single CJK character looks broken: move a piece down from
    the line before when both lines still fit and the line before keeps two."""
    if len(lines) < 2:
        return
    last, prev = lines[-1], lines[-2]
    chars = [ch for ch in "".join(last) if not ch.isspace() and ch not in NO_START and ch not in NO_END]
    if len(chars) > 1 or len(prev) <= 2:
        return
    if measure(("".join([prev[-1]] + last)).strip()) <= width:
        last.insert(0, prev.pop())


def _balanced(pieces: list[str], n_lines: int, width: float, measure) -> list[list[str]]:
    """Exactly `n_lines` lines, as even as possible, preferring breaks after
    punctuation (minimum total squared slack plus a penalty per mid-phrase break)."""
    n = len(pieces)
    inf = float("inf")

    def cost(i: int, j: int) -> float:
        w = measure("".join(pieces[i:j]).rstrip())
        if w > width:
            return inf
        slack = ((width - w) / width) ** 2
        if j < n and pieces[j - 1][-1] not in BREAK_AFTER:
            slack += 0.08
        return slack

    # best[k][i]: (cost, next break) to set pieces[i:] in k lines
    best = [[(inf, -1)] * (n + 1) for _ in range(n_lines + 1)]
    best[0][n] = (0.0, n)
    for k in range(1, n_lines + 1):
        for i in range(n - 1, -1, -1):
            for j in range(i + 1, n + 1):
                rest = best[k - 1][j][0]
                if rest == inf:
                    continue
                c = cost(i, j)
                if c == inf:
                    break
                if c + rest < best[k][i][0]:
                    best[k][i] = (c + rest, j)
    if best[n_lines][0][0] == inf:
        return []
    lines, i, k = [], 0, n_lines
    while i < n:
        j = best[k][i][1]
        lines.append(pieces[i:j])
        i, k = j, k - 1
    return lines


def break_lines(text: str, width: float, measure, words: bool = False,
                balance: bool = False) -> list[str] | None:
    """Break `text` (explicit newlines kept) into lines no wider than `width` as
    measured by `measure(str)`.  None when one unbreakable piece is wider."""
    out: list[str] = []
    for para in text.split("\n"):
        pieces = atoms(para, words)
        if not pieces:
            out.append("")
            continue
        lines = _greedy(pieces, width, measure)
        if lines is None and words:  # a single word too wide: fall back to characters
            pieces = atoms(para, False)
            lines = _greedy(pieces, width, measure)
        if lines is None:
            return None
        if balance and len(lines) > 1:
            lines = _balanced(pieces, len(lines), width, measure) or lines
        else:
            _avoid_orphan(lines, width, measure)
        out.extend("".join(p).strip() for p in lines)
    return out


# --------------------------------------------------------------------------
# Text fitting
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class TextLayout:
    size: int
    lines: tuple[str, ...]
    origins: tuple[tuple[int, int], ...]  # (x, baseline y) per line
    bbox: tuple[int, int, int, int]
    stroke: int
    font: fonts.Font


def _stroke(style: TextStyle, size: int) -> int:
    return max(1, round(size * style.bold)) if style.bold > 0 else 0


def layout_at(text: str, style: TextStyle, box: Box, size: int, font: fonts.Font) -> TextLayout | None:
    """Lay `text` out at `size` in `box`, or None if it does not fit."""
    x, y, w, h = box
    path, index = str(font.path), font.index
    stroke = _stroke(style, size)

    def measure(s: str) -> float:
        return _length(path, index, size, s) + 2 * stroke

    lines = break_lines(text, w, measure, style.words, style.balance)
    if lines is None or (style.max_lines and len(lines) > style.max_lines):
        return None
    asc, desc = _em_box(path, index)
    pitch = round(size * style.line_spacing)
    font_obj = pil_font(path, index, size)
    # Lines relative to the first baseline at y = 0; the block is the union of
    # every line's em box and its actual ink (a comma or a "g" may go lower).
    rel = []
    left, up, right, down = w, 0, 0, 0
    for i, line in enumerate(lines):
        base = i * pitch
        lw = measure(line)
        if style.align == "center":
            lx = round((w - lw) / 2) + stroke
        elif style.align == "right":
            lx = w - round(lw) + stroke
        else:
            lx = stroke
        rel.append((lx, base))
        l0, t0, r0, b0 = font_obj.getbbox(line, anchor="ls", stroke_width=stroke) if line else (0, 0, 0, 0)
        left = min(left, lx - stroke, lx + l0)
        right = max(right, lx - stroke + round(lw), lx + r0)
        up = min(up, base - round(size * asc) - stroke, base + t0)
        down = max(down, base + round(size * desc) + stroke, base + b0)
    if down - up > h or left < 0 or right > w:
        return None
    # Align the em boxes (so baselines do not depend on the glyphs), then move the
    # block back inside the box if some ink sticks out.
    eup = -round(size * asc) - stroke
    edown = (len(lines) - 1) * pitch + round(size * desc) + stroke
    if style.valign == "middle":
        dy = y + (h - (edown - eup)) // 2 - eup
    elif style.valign == "bottom":
        dy = y + h - edown
    else:
        dy = y - eup
    dy = max(y - up, min(dy, y + h - down))
    origins = [(x + lx, base + dy) for lx, base in rel]
    bbox = (x + left, up + dy, x + right, down + dy)
    return TextLayout(size, tuple(lines), tuple(origins), bbox, stroke, font)


def fit_text(text: str, style: TextStyle, box: Box, where: str = "") -> TextLayout:
    """The largest size from style.size down to style.min_size at which `text` fits `box`."""
    font = fonts.require_coverage(text, style.kind, where or msg("png.where", text=_short(text)))
    size = style.size
    while size >= style.min_size:
        got = layout_at(text, style, box, size, font)
        if got is not None:
            return got
        size -= 1 if size <= 24 else max(1, size // 24)
    raise ReportkitError(msg("png.does_not_fit", where=msg("png.does_not_fit_where", where=where) if where else "",
                             text=_short(text), w=box[2], h=box[3], x=box[0], y=box[1], min_size=style.min_size))


def _short(text: str, n: int = 30) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= n else text[:n] + "…"


def text_height(text: str, style: TextStyle, width: int, where: str = "") -> int:
    """Height a text needs at its preferred size in a box `width` wide (for flowing layouts)."""
    font = fonts.require_coverage(text, style.kind, where or msg("png.where", text=_short(text)))
    path, index = str(font.path), font.index
    size = style.size
    stroke = _stroke(style, size)
    lines = break_lines(text, width, lambda s: _length(path, index, size, s) + 2 * stroke,
                        style.words, style.balance)
    if lines is None:
        # does not fit at the preferred size: fit_text will shrink or explain
        lines = [text]
    asc, desc = _em_box(path, index)
    n = len(lines)
    # generous: ink may exceed the em box (descenders of Latin letters)
    return (n - 1) * round(size * style.line_spacing) + round(size * (asc + desc + 0.15)) + 2 * stroke + 2


def box_for_baseline(style: TextStyle, x: int, baseline: int, width: int) -> Box:
    """A box in which a one-line text of `style`, aligned top, sits on `baseline`
    (to set a unit after a big number on the same baseline)."""
    font = fonts.resolve(style.kind)
    asc, desc = _em_box(str(font.path), font.index)
    stroke = _stroke(style, style.size)
    top = baseline - round(style.size * asc) - stroke
    return (x, top, width, round(style.size * (asc + desc + 0.2)) + 2 * stroke)


def text_width(text: str, style: TextStyle) -> int:
    """Advance width of a one-line text at its preferred size (stroke included)."""
    font = fonts.require_coverage(text, style.kind, msg("png.where", text=_short(text)))
    stroke = _stroke(style, style.size)
    return round(_length(str(font.path), font.index, style.size, text)) + 2 * stroke


# --------------------------------------------------------------------------
# QR code
# --------------------------------------------------------------------------
@lru_cache(maxsize=16)
def qr_matrix(data: str, error: str = "m") -> tuple[tuple[int, ...], ...]:
    import segno

    try:
        code = segno.make(data, error=error, micro=False, boost_error=False)
    except segno.DataOverflowError:
        from ..errors import ReportkitError, Source, error as problem
        from ..safety.messages import say

        raise ReportkitError(say("qr.failed"), [problem(Source("project.toml", column="survey_url"),
                                                        say("qr.too_long", n=len(data.encode("utf-8"))),
                                                        hint=say("qr.hint"))]) from None
    return tuple(tuple(1 if v else 0 for v in row) for row in code.matrix)


def _draw_qr(img: Image.Image, q: QR) -> DrawnQR:
    matrix = qr_matrix(q.data, q.error)
    n = len(matrix)
    total = n + 2 * q.quiet
    x, y, w, h = q.box
    module = min(w, h) // total
    if module < q.min_module:
        raise ReportkitError(msg("png.qr_does_not_fit", data=q.data, total=total, quiet=q.quiet, w=w, h=h,
                                 module=module, min_module=q.min_module))
    side = module * total
    ox, oy = x + (w - side) // 2, y + (h - side) // 2
    draw = ImageDraw.Draw(img)
    draw.rectangle((ox, oy, ox + side - 1, oy + side - 1), fill=q.light)
    dark = rgb(q.dark)
    for r, row in enumerate(matrix):
        py = oy + (r + q.quiet) * module
        c = 0
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                px = ox + (start + q.quiet) * module
                draw.rectangle((px, py, px + (c - start) * module - 1, py + module - 1), fill=dark)
            else:
                c += 1
    return DrawnQR(q.key, q.data, module, n, q.quiet, (ox, oy, ox + side, oy + side))


# --------------------------------------------------------------------------
# Key visual: abstract skyline
# --------------------------------------------------------------------------
SS = 2  # supersampling factor for shapes with curves


def _seeded(seed: str) -> random.Random:
    return random.Random(int.from_bytes(hashlib.sha256(seed.encode("utf-8")).digest()[:8], "big"))


def _draw_skyline(img: Image.Image, s: Skyline) -> None:
    x, y, w, h = s.box
    W, H = w * SS, h * SS
    layer = Image.new("RGBA", (W, H), (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    rnd = _seeded(s.seed)
    layers = list(s.layers)
    n_layers = len(layers)
    ground_h = max(2 * SS, round(H * 0.06))
    base = H - ground_h
    if s.sun:
        r = round(min(W, H) * 0.16)
        at = rnd.uniform(0.66, 0.8)
        cx, cy = round(W * (s.sun_at if s.sun_at is not None else at)), round(H * 0.28)
        d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=s.sun)
    for li, color in enumerate(layers):
        near = li / max(1, n_layers - 1)          # 0 far .. 1 near
        max_h = H * (0.82 - 0.34 * near)
        min_h = H * (0.34 - 0.16 * near)
        step = (70 - 20 * near) * SS / s.density
        px = -rnd.uniform(0, step)
        while px < W:
            bw = rnd.uniform(0.55, 1.0) * step
            bh = rnd.uniform(min_h, max_h)
            top = base - bh
            x0, x1 = round(px), round(px + bw)
            kind = rnd.random()
            d.rectangle((x0, round(top), x1, base), fill=color)
            if kind < 0.18 and bw > 24 * SS:       # stepped top
                inset = round(bw * 0.22)
                d.rectangle((x0 + inset, round(top - bh * 0.12), x1 - inset, round(top)), fill=color)
            elif kind < 0.30:                      # antenna
                mx = (x0 + x1) // 2
                d.rectangle((mx - SS, round(top - bh * 0.16), mx + SS, round(top)), fill=color)
            elif kind < 0.40:                      # pitched roof
                d.polygon([(x0, round(top)), ((x0 + x1) // 2, round(top - bw * 0.35)), (x1, round(top))], fill=color)
            elif kind < 0.48:                      # dome
                r = (x1 - x0) // 2
                d.pieslice((x0, round(top) - r, x1, round(top) + r), 180, 360, fill=color)
            if s.window and li == n_layers - 2 and bw > 18 * SS:
                ww, wh = max(SS, round(bw * 0.12)), max(SS, round(5 * SS))
                gx = round(bw * 0.2)
                cols = max(1, int((bw - 2 * gx) // (ww * 2)))
                for row_y in range(round(top) + 8 * SS, base - 8 * SS, wh * 3):
                    for ci in range(cols):
                        wx = x0 + gx + ci * ww * 2
                        if rnd.random() < 0.55:
                            d.rectangle((wx, row_y, wx + ww, row_y + wh), fill=s.window)
            px += bw + rnd.uniform(-0.15, 0.25) * step
    near = layers[-1]
    # trees along the front
    tx = rnd.uniform(0, 40 * SS)
    while tx < W:
        r = rnd.uniform(10, 17) * SS * min(1.0, H / (200 * SS))
        d.ellipse((round(tx - r), round(base - 2.6 * r), round(tx + r), round(base - 0.6 * r)), fill=near)
        d.rectangle((round(tx - 0.18 * r), round(base - r), round(tx + 0.18 * r), base), fill=near)
        tx += rnd.uniform(60, 140) * SS
    d.rectangle((0, base, W, H), fill=s.ground or near)
    small = layer.resize((w, h), Image.Resampling.BOX)
    img.alpha_composite(small, (x, y))


def _draw_artwork(img: Image.Image, a: Artwork) -> None:
    x, y, w, h = a.box
    try:
        with Image.open(a.path) as src:
            art = src.convert("RGBA")
    except OSError as exc:
        raise ReportkitError(msg("png.artwork", path=a.path, reason=exc))
    from PIL import ImageOps

    art = ImageOps.fit(art, (w, h), Image.Resampling.LANCZOS)
    img.alpha_composite(art, (x, y))


# --------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------
def _dominant(img: Image.Image, bbox: tuple[int, int, int, int]) -> list[tuple[tuple[int, int, int], float]]:
    """Colours covering at least 5 % of the region (with their share), most common first."""
    region = img.crop(bbox).convert("RGB")
    if region.width * region.height > 40000:  # sample large regions
        f = (region.width * region.height / 40000) ** 0.5
        region = region.resize((max(1, int(region.width / f)), max(1, int(region.height / f))),
                               Image.Resampling.NEAREST)
    total = region.width * region.height
    colors = region.getcolors(maxcolors=total + 1) or []
    colors.sort(key=lambda c: (-c[0], c[1]))
    out = [(c, n / total) for n, c in colors if n / total >= 0.05]
    return out or [(colors[0][1], 1.0)]


def render(canvas: Canvas) -> Rendered:
    img = Image.new("RGBA", (canvas.width, canvas.height), rgb(canvas.background) + (255,))
    draw = ImageDraw.Draw(img)
    drawn_texts: list[DrawnText] = []
    drawn_qrs: list[DrawnQR] = []
    for el in canvas.elements:
        if isinstance(el, Rect):
            x, y, w, h = el.box
            if el.radius:
                draw.rounded_rectangle((x, y, x + w - 1, y + h - 1), radius=el.radius, fill=el.fill)
            else:
                draw.rectangle((x, y, x + w - 1, y + h - 1), fill=el.fill)
        elif isinstance(el, Ellipse):
            x, y, w, h = el.box
            draw.ellipse((x, y, x + w - 1, y + h - 1), fill=el.fill)
        elif isinstance(el, Polygon):
            draw.polygon(list(el.points), fill=el.fill)
        elif isinstance(el, Skyline):
            _draw_skyline(img, el)
            draw = ImageDraw.Draw(img)
        elif isinstance(el, Artwork):
            _draw_artwork(img, el)
            draw = ImageDraw.Draw(img)
        elif isinstance(el, QR):
            drawn_qrs.append(_draw_qr(img, el))
        elif isinstance(el, Text):
            drawn_texts.append(_draw_text(img, draw, el, canvas))
        else:  # pragma: no cover - programming error
            raise TypeError(f"unknown canvas element {el!r}")
    return Rendered(canvas, img.convert("RGB"), drawn_texts, drawn_qrs)


def _draw_text(img: Image.Image, draw: ImageDraw.ImageDraw, el: Text, canvas: Canvas) -> DrawnText:
    x, y, w, h = el.box
    if x < 0 or y < 0 or x + w > canvas.width or y + h > canvas.height:
        raise ReportkitError(msg("png.outside_canvas", canvas=canvas.name, key=el.key, box=el.box,
                                 width=canvas.width, height=canvas.height))
    lay = fit_text(el.text, el.style, el.box, el.where)
    behind = _dominant(img, lay.bbox)
    ratio = min(contrast(el.style.color, c) for c, _ in behind)
    if ratio < canvas.min_contrast:
        worst = min(behind, key=lambda c: contrast(el.style.color, c[0]))[0]
        raise ReportkitError(msg("png.contrast", canvas=canvas.name, key=el.key, text=_short(el.text),
                                 color=el.style.color, background=hex_color(worst), ratio=f"{ratio:.2f}",
                                 min_contrast=canvas.min_contrast))
    font = pil_font(str(lay.font.path), lay.font.index, lay.size)
    for line, (lx, base) in zip(lay.lines, lay.origins):
        if line:
            draw.text((lx, base), line, font=font, fill=el.style.color, anchor="ls",
                      stroke_width=lay.stroke, stroke_fill=el.style.color if lay.stroke else None)
    return DrawnText(el.key, el.text, lay.lines, lay.size, el.box, lay.bbox, el.style.color,
                     hex_color(behind[0][0]), ratio)


# --------------------------------------------------------------------------
# Encoding
# --------------------------------------------------------------------------
# ICC header creation date: 2020-01-01 00:00:00 (six big-endian uint16)
FIXED_ICC_DATE = b"".join(v.to_bytes(2, "big") for v in (2020, 1, 1, 0, 0, 0))


@lru_cache(maxsize=1)
def srgb_profile() -> bytes | None:
    """An sRGB ICC profile with a fixed creation date (LittleCMS stamps the current time)."""
    try:
        from PIL import ImageCms
    except ImportError:  # pragma: no cover - Pillow built without LittleCMS
        return None
    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    data[24:36] = FIXED_ICC_DATE
    data[84:100] = bytes(16)  # profile id (MD5) left unset, as the ICC spec allows
    return bytes(data)


def encode(img: Image.Image, fmt: str, jpeg_quality: int = 90, dpi: int = 72) -> bytes:
    """PNG or JPEG bytes: RGB, sRGB profile embedded, no timestamps, no text chunks."""
    if img.mode != "RGB":
        img = img.convert("RGB")
    buf = io.BytesIO()
    icc = srgb_profile()
    extra = {"icc_profile": icc} if icc else {}
    if fmt == "png":
        img.save(buf, "PNG", optimize=False, compress_level=6, dpi=(dpi, dpi), **extra)
    elif fmt in ("jpg", "jpeg"):
        img.save(buf, "JPEG", quality=jpeg_quality, progressive=False, optimize=True,
                 subsampling=0, dpi=(dpi, dpi), **extra)
    else:
        raise ValueError(fmt)
    return buf.getvalue()
