"""The fonts a PDF is laid out with: each CJK font cut down to the characters in use.

A CJK font holds 30,000–65,000 glyphs.  WeasyPrint subsets every font it embeds, but it
keeps each glyph's slot up to the highest one used (HarfBuzz "retain GIDs"), so every
PDF carried tables for tens of thousands of empty glyphs: about half the time of writing
a three-page sheet went into building and compressing them.  Laying out with a font
cut down to the common characters gives the same glyphs, the same advances and the
same shaping, and WeasyPrint's own subset of it is small.  The cut is HarfBuzz's
subsetter, through uharfbuzz (0.1–0.2 s a font, once per process).

The characters kept: a fixed base (ASCII, Latin-1, general and CJK punctuation,
arrows, box drawing, circled numbers, full-width forms), every character of GB 2312
(the 6,763 hanzi and the symbols of the national standard character set), and any
other character of the document itself.  So the set depends on the document alone —
the same document gives the same PDF whichever command builds it — and almost every
document has the same set, so they share one font configuration per process; a
document with a rarer character (a place name outside GB 2312) gets its own.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

BASE_RANGES = ((0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x206F), (0x2150, 0x218F), (0x2190, 0x21FF),
               (0x2460, 0x24FF), (0x2500, 0x257F), (0x25A0, 0x25FF), (0x3000, 0x303F), (0xFF00, 0xFFEF))


@lru_cache(maxsize=1)
def common() -> frozenset[str]:
    """The fixed base and every character of GB 2312 (from Python's gb2312 codec)."""
    out = {chr(c) for lo, hi in BASE_RANGES for c in range(lo, hi + 1)}
    for c in range(0x2000, 0xFFFF):
        if 0xD800 <= c < 0xE000 or 0xE000 <= c < 0xF900:   # surrogates, private use
            continue
        ch = chr(c)
        try:
            ch.encode("gb2312")
        except UnicodeEncodeError:
            continue
        out.add(ch)
    return frozenset(out)


def charset(*texts: str) -> frozenset[str]:
    """The characters to keep for `texts`: the common ones and theirs (control
    characters left out)."""
    base = common()
    extra = {c for t in texts for c in t if c >= " " and c not in base}
    return base | extra if extra else base


@lru_cache(maxsize=32)
def _subset(path: str, size: int, mtime_ns: int, chars: frozenset[str]) -> bytes | None:
    try:
        import uharfbuzz as hb
    except ImportError:  # pragma: no cover - a dependency of reportkit
        return None
    face = hb.Face(hb.Blob.from_file_path(path), 0)
    request = hb.SubsetInput()
    codepoints = request.unicode_set
    for c in sorted(chars):
        codepoints.add(ord(c))
    request.flags = hb.SubsetFlags.NOTDEF_OUTLINE
    try:
        font = hb.subset(face, request)
    except Exception:   # HarfBuzz could not cut this font: embed it whole, as before
        return None
    data = bytes(font.blob.data) if font is not None else b""
    return data or None


RARE_KEPT = 24   # cuts with characters beyond the common set kept on disk: six documents' four fonts


def subset(path: Path, chars: frozenset[str]) -> bytes | None:
    """The font file `path` (a single face) holding only `chars`, or None when it cannot
    be cut (the caller then uses the whole file).  The cut is kept in the user's cache
    folder: every build process (a build's workers, a batch's cities) needs the cut to
    the common set at its first PDF; a document with a character beyond it (a minus sign
    U+2212, a rare place name) needs its own cut every time it is built again (0.7 s
    for four fonts), so the RARE_KEPT most recently used of those are kept too."""
    st = Path(path).stat()
    key = (str(Path(path).resolve()), st.st_size, st.st_mtime_ns, chars)
    return _cached(*key, prefix="subset" if chars is common() else "rare")


def _cached(path: str, size: int, mtime_ns: int, chars: frozenset[str], prefix: str = "subset") -> bytes | None:
    import uharfbuzz as hb

    from ..analyse.concerns import cache_dir, cache_store

    name = hashlib.sha256(f"{path}|{size}|{mtime_ns}|{hb.__version__}|{len(chars)}|{''.join(sorted(chars))}"
                          .encode("utf-8", "surrogatepass")).hexdigest()[:24]
    folder = cache_dir() / "fonts"
    for found in sorted(folder.glob(f"{prefix}-{name}-*.otf")):
        try:
            data = found.read_bytes()
        except OSError:   # removed meanwhile by another process (_evict)
            continue
        if found.stem.rsplit("-", 1)[1] == digest(data)[:16]:   # a whole file, not a torn one
            if prefix == "rare":
                _touch(found)
            return data
    data = _subset(path, size, mtime_ns, chars)
    if data is not None:   # a read-only cache: cut again next time
        cache_store(folder / f"{prefix}-{name}-{digest(data)[:16]}.otf", data)
        if prefix == "rare":
            _evict(folder)
    return data


def _touch(path: Path) -> None:
    try:
        path.touch()
    except OSError:
        pass


def _evict(folder: Path) -> None:
    """Only the RARE_KEPT most recently used document-specific cuts stay."""
    kept = []
    for p in folder.glob("rare-*.otf"):
        try:
            kept.append((p.stat().st_mtime_ns, p))
        except OSError:
            continue
    for _, old in sorted(kept, reverse=True)[RARE_KEPT:]:
        try:
            old.unlink()
        except OSError:
            pass


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]
