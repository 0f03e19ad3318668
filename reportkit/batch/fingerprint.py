"""The content hash that decides whether a city must be rebuilt.

A city's outputs depend on its project folder (every file: tables, project.toml,
narratives, its own templates/, and the previous year's project when project.toml
names one), on the package's templates and code, on the versions of the libraries
that write the bytes (WeasyPrint, matplotlib, python-docx, openpyxl, fonts …) and on
SOURCE_DATE_EPOCH, which is stamped into the documents.  The hash covers exactly
these; when it equals the one stored beside the city's outputs, they are still right.
"""
from __future__ import annotations

import hashlib
import os
import tomllib
from functools import lru_cache
from pathlib import Path

from ..theme import TEMPLATES

PACKAGE = Path(__file__).resolve().parent.parent
LIBRARIES = ("reportkit", "weasyprint", "matplotlib", "python-docx", "docxtpl", "openpyxl", "pandas", "numpy",
             "Pillow", "pydyf", "fonttools", "jieba", "segno", "markdown", "Jinja2", "pylopdf-fonts-zh-cn")
SKIP_PREFIXES = (".", "~$", "__pycache__")
CHUNK = 1 << 20


def _skip(name: str) -> bool:
    return name.startswith(SKIP_PREFIXES) or name.endswith((".pyc", ".tmp"))


def _hash_tree(h, root: Path, exclude: tuple[Path, ...] = ()) -> None:
    """Every file under root, in a fixed order, by relative path and content."""
    if not root.is_dir():
        h.update(b"<missing>")
        return
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if not _skip(d) and (here / d).resolve() not in exclude)
        for name in sorted(filenames):
            if _skip(name):
                continue
            path = here / name
            rel = path.relative_to(root).as_posix()
            h.update(rel.encode("utf-8") + b"\0")
            try:
                with open(path, "rb") as fh:
                    while chunk := fh.read(CHUNK):
                        h.update(chunk)
            except OSError:
                h.update(b"<unreadable>")
            h.update(b"\0")


@lru_cache(maxsize=1)
def environment_hash() -> str:
    """The package's code and templates, the writing libraries' versions, the build time."""
    from importlib import metadata

    h = hashlib.sha256()
    for lib in LIBRARIES:
        try:
            version = metadata.version(lib)
        except metadata.PackageNotFoundError:
            version = "-"
        h.update(f"{lib}={version}\n".encode())
    for path in sorted(PACKAGE.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        h.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    _hash_tree(h, TEMPLATES)
    h.update(b"SOURCE_DATE_EPOCH=" + os.environ.get("SOURCE_DATE_EPOCH", "").strip().encode())
    return h.hexdigest()


def _previous(project: Path) -> Path | None:
    try:
        data = tomllib.loads((project / "project.toml").read_bytes().decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    prev = data.get("previous")
    return (project / prev).resolve() if isinstance(prev, str) and prev.strip() else None


def inputs_hash(project: Path, exclude: tuple[Path, ...] = ()) -> str:
    """Hash of one city's inputs only: its project folder (and previous years' folders)."""
    h = hashlib.sha256()
    seen: set[Path] = set()
    folder: Path | None = Path(project).resolve()
    while folder is not None and folder not in seen and len(seen) < 10:   # previous years, no cycles
        seen.add(folder)
        h.update(b"\0project\0")
        _hash_tree(h, folder, exclude)
        folder = _previous(folder)
    return h.hexdigest()


def city_hash(project: Path, exclude: tuple[Path, ...] = (), inputs: str | None = None) -> str:
    """Hash of one city's inputs and of everything else its outputs depend on."""
    inputs = inputs or inputs_hash(project, exclude)
    return hashlib.sha256((environment_hash() + inputs).encode()).hexdigest()
