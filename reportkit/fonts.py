"""Resolve CJK fonts once and check that they cover every character shown.

Candidates come from templates/theme.toml: a pip-installed open-licence font
package first (the same bytes on every machine, so outputs are reproducible),
then families known to fontconfig.  `require_coverage` stops the build with a
clear message when a text has a character no candidate can draw.
"""
from __future__ import annotations

import importlib.util
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
    from fontTools.ttLib import TTFont

    font = TTFont(path, lazy=True, fontNumber=index)
    try:
        return frozenset(font.getBestCmap() or {})
    finally:
        font.close()


@lru_cache(maxsize=16)
def _family(path: str, index: int) -> str:
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
