"""Resolve CJK fonts once and check that they cover every character shown.

Candidates come from templates/theme.toml: a pip-installed open-licence font
package first (the same bytes on every machine, so outputs are reproducible),
then families known to fontconfig.  `require_coverage` stops the build with a
clear message when a text has a character no candidate can draw.

Bold faces (`resolve_bold`): the pip package has Regular weights only, so the bold
of each kind comes from fontconfig (`[fonts] sans_bold` / `serif_bold`, e.g. Debian's
fonts-noto-cjk, which `make install` installs).  A face inside a collection (.ttc)
is copied once into a standalone font file in the cache folder (the same bytes for
the same system font), because an @font-face or matplotlib can only name a file.
No bold face at all is a clear error: documents are never set in a synthesised bold.
"""
from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import ReportkitError
from .messages import join, msg
from .theme import load_theme

IGNORABLE = set("\n\r\t\u200b\ufeff\u00ad")


@dataclass(frozen=True)
class Font:
    path: Path
    family: str
    index: int = 0  # face index in a .ttc collection

    def covers(self, text: str) -> set[str]:
        """Characters of `text` this font cannot draw."""
        cmap = _cmap(str(self.path), self.index)
        return {ch for ch in set(text) if ord(ch) not in cmap and ch not in IGNORABLE and not ch.isspace()}


@lru_cache(maxsize=16)
def _cmap(path: str, index: int) -> frozenset[int]:
    """The code points the face draws: HarfBuzz reads the character map in a few
    milliseconds (fontTools decompiles a CJK font's in 0.2 s; the same set, see
    tests/test_fonts.py); fontTools when HarfBuzz finds none."""
    try:
        import uharfbuzz as hb

        found = frozenset(hb.Face(hb.Blob.from_file_path(path), index).unicodes)
    except Exception:   # not a font HarfBuzz reads: fontTools says why, or finds nothing
        found = frozenset()
    if found:
        return found
    from fontTools.ttLib import TTFont

    font = TTFont(path, lazy=True, fontNumber=index)
    try:
        return frozenset(font.getBestCmap() or {})
    finally:
        font.close()


@lru_cache(maxsize=16)
def _family(path: str, index: int) -> str:
    """The face's family name in English (typographic family, else family), read by
    HarfBuzz (no fontTools import: the same names, see tests/test_fonts.py); fontTools
    when HarfBuzz finds none."""
    try:
        import uharfbuzz as hb

        face = hb.Face(hb.Blob.from_file_path(path), index)
        found = (face.get_name(hb.OTNameIdPredefined.TYPOGRAPHIC_FAMILY, "en")
                 or face.get_name(hb.OTNameIdPredefined.FONT_FAMILY, "en"))
    except Exception:   # not a font HarfBuzz reads
        found = None
    if found:
        return str(found)
    from fontTools.ttLib import TTFont

    font = TTFont(path, lazy=True, fontNumber=index)
    try:
        name = font["name"]
        return str(name.getBestFamilyName() or name.getDebugName(1))
    finally:
        font.close()


def _from_package(spec: str) -> Path | None:
    _, pkg, filename = spec.split(":", 2)
    found = importlib.util.find_spec(pkg)
    if found is None or not found.submodule_search_locations:
        return None
    path = Path(list(found.submodule_search_locations)[0]) / filename
    return path if path.exists() else None


def _from_fontconfig(family: str) -> tuple[Path, int] | None:
    if not shutil.which("fc-match"):
        return None
    try:
        out = subprocess.run(["fc-match", "-f", "%{file}\n%{index}\n%{family}", f"{family}:lang=zh-cn"],
                             capture_output=True, text=True, timeout=10).stdout.splitlines()
    except (OSError, subprocess.SubprocessError):
        return None
    if len(out) < 3 or family.lower() not in out[2].lower():
        return None
    return Path(out[0]), int(out[1] or 0)


def candidates(kind: str, theme=None) -> tuple[Font, ...]:
    """The fonts of `kind` the theme lists (the project's theme when given, else the
    built-in one) that exist on this machine, in the theme's order."""
    theme = theme or load_theme()
    return _candidates(kind, tuple(theme.font_candidates.get(kind, [])))


@lru_cache(maxsize=16)
def _candidates(kind: str, specs: tuple[str, ...]) -> tuple[Font, ...]:
    fonts = []
    for spec in specs:
        if spec.startswith("package:"):
            path = _from_package(spec)
            if path is not None:
                fonts.append(Font(path, _family(str(path), 0)))
        else:
            hit = _from_fontconfig(spec)
            if hit is not None:
                fonts.append(Font(hit[0], _family(str(hit[0]), hit[1]), hit[1]))
    return tuple(fonts)


def resolve(kind: str = "sans", text: str = "", theme=None) -> Font:
    """The first candidate font of `kind` ("sans" or "serif") that covers `text`."""
    fonts = candidates(kind, theme)
    if not fonts:
        raise ReportkitError(msg("fonts.none", kind=kind))
    best_missing = None
    for font in fonts:
        missing = font.covers(text) if text else set()
        if not missing:
            return font
        if best_missing is None or len(missing) < len(best_missing):
            best_missing = missing
    # the code point too: a private-use or control character is invisible in a message
    shown = join(msg("fonts.char", char=ch, code=f"U+{ord(ch):04X}") for ch in sorted(best_missing)[:20])
    raise ReportkitError(msg("fonts.missing", chars=shown, n=len(best_missing)))


def require_coverage(text: str, kind: str = "sans", where: str = "", theme=None) -> Font:
    """Like resolve(), but names where the text came from in the message."""
    try:
        return resolve(kind, text, theme)
    except ReportkitError as exc:
        if where:
            exc.message = msg("fonts.where", where=where, message=exc.message)
        raise


def _fontconfig_face(pattern: str) -> tuple[Path, int, str, int] | None:
    """fc-match `pattern` (e.g. "Noto Sans CJK SC:bold") -> (file, index, family, weight)."""
    if not shutil.which("fc-match"):
        return None
    try:
        out = subprocess.run(["fc-match", "-f", "%{file}\n%{index}\n%{family}\n%{weight}", pattern],
                             capture_output=True, text=True, timeout=10).stdout.splitlines()
    except (OSError, subprocess.SubprocessError):
        return None
    if len(out) < 4:
        return None
    try:
        return Path(out[0]), int(out[1] or 0), out[2], int(float(out[3].split()[0] or 0))
    except ValueError:
        return None


def _standalone(path: Path, index: int) -> Path:
    """The face `index` of a font collection as a font file of its own (cached)."""
    from .analyse.concerns import cache_dir

    st = path.stat()
    key = hashlib.sha256(f"{path.resolve()}|{index}|{st.st_size}|{st.st_mtime_ns}".encode()).hexdigest()[:16]
    folder = cache_dir() / "fonts"
    target = folder / f"{path.stem}-{index}-{key}.otf"
    if target.is_file():
        return target
    from fontTools.ttLib import TTFont

    folder.mkdir(parents=True, exist_ok=True)
    font = TTFont(str(path), fontNumber=index, recalcTimestamp=False, recalcBBoxes=False)
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    try:
        font.save(str(tmp), reorderTables=True)
        os.replace(tmp, target)
    finally:
        font.close()
        if tmp.exists():
            tmp.unlink()
    return target


def resolve_bold(kind: str = "sans", theme=None) -> Font:
    """The bold face for `kind` ("sans" or "serif"): the first `[fonts] <kind>_bold`
    candidate fontconfig has in a bold weight, as a standalone font file."""
    theme = theme or load_theme()
    return _resolve_bold(kind, tuple(theme.font_candidates.get(f"{kind}_bold", [])))


@lru_cache(maxsize=8)
def _resolve_bold(kind: str, specs: tuple[str, ...]) -> Font:
    for spec in specs:
        family = spec.split(":", 1)[0]
        hit = _fontconfig_face(spec)
        if hit is None:
            continue
        path, index, found, weight = hit
        if family.lower() not in found.lower() or weight < 180:   # fontconfig: 200 = bold
            continue
        if index or path.suffix.lower() in (".ttc", ".otc"):
            path = _standalone(path, index)
        return Font(path, _family(str(path), 0), 0)
    from .messages import msg

    raise ReportkitError(msg("errors.missing_bold", kind=kind, candidates=" / ".join(specs)))
