"""Shared fixtures: a small complete project and a factory for broken variants."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MINI = Path(__file__).resolve().parent / "fixtures" / "mini"
DEMO = ROOT / "content"


class ProjectFactory:
    """A copy of the mini project in a temp dir, with helpers to break it."""

    def __init__(self, root: Path):
        self.root = root

    def path(self, rel: str) -> Path:
        return self.root / rel

    def write(self, rel: str, text: str, encoding: str = "utf-8") -> Path:
        p = self.root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(text.encode(encoding))
        return p

    def read(self, rel: str) -> str:
        return (self.root / rel).read_text(encoding="utf-8")

    def replace(self, rel: str, old: str, new: str, count: int = 1) -> None:
        text = self.read(rel)
        assert old in text, f"{old!r} not in {rel}"
        self.write(rel, text.replace(old, new, count))

    def append(self, rel: str, line: str) -> None:
        text = self.read(rel)
        if not text.endswith("\n"):
            text += "\n"
        self.write(rel, text + line + "\n")

    def remove(self, rel: str) -> None:
        (self.root / rel).unlink()


@pytest.fixture
def mini(tmp_path) -> ProjectFactory:
    dst = tmp_path / "project"
    shutil.copytree(MINI, dst)
    return ProjectFactory(dst)


@pytest.fixture(scope="session")
def demo_dir() -> Path:
    if not (DEMO / "data" / "survey.csv").exists():
        pytest.skip("demo survey not generated (run `make demo-data`)")
    return DEMO
