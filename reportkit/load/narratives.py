"""Analyst-written chapters: Markdown files with YAML front matter."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..errors import Problems, Source, error, warning
from ..messages import join, msg

KNOWN_KEYS = {"title", "order", "dimension", "section", "problem"}
SECTIONS = {"overview", "evaluation", "problems", "survey", "recommendations", "tracking",
            "previous",     # the chapter on last year's problems (v2 `previous`)
            "assessment"}   # chapters of the five-year assessment (reportkit assess), not the report


@dataclass(frozen=True)
class Narrative:
    path: Path
    display: str
    title: str
    order: float
    body: str
    body_line: int  # line number of the body's first line in the file
    dimension: str | None = None
    section: str | None = None
    meta: dict = field(default_factory=dict)
    # `problem:` (section problems): the recommendation ids or problem names this
    # narrative explains; together they are one main problem (主要问题) of the report
    problem: tuple[str, ...] = ()

    def source(self, body_line: int | None = None) -> Source:
        line = None if body_line is None else self.body_line + body_line - 1
        return Source(self.display, line=line)


def parse_narrative(path: Path, display: str, problems: Problems, sections=SECTIONS,
                    root: Path | None = None) -> Narrative | None:
    from ..safety.files import FileRefused, read_file

    try:   # a regular file inside the project, of a sane size: never a FIFO, a device, a link out
        raw = read_file(path, root, "narrative", display)
    except FileRefused as exc:
        problems.add(exc.problem)
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        try:  # saved by a Chinese Windows editor: GBK/GB18030
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            problems.add(error(Source(display, line=raw[:exc.start].count(b"\n") + 1),
                               msg("narratives.encoding", byte=exc.start + 1),
                               hint=msg("narratives.encoding_hint")))
            return None
    text = text.replace("\r\n", "\n")
    meta: dict = {}
    body = text
    body_line = 1
    if text.startswith("---\n"):
        end = text.find("\n---", 4)
        if end < 0:
            problems.add(error(Source(display, line=1), msg("narratives.front_matter_open")))
            return None
        head = text[4:end]
        try:
            loaded = yaml.safe_load(head) or {}
        except RecursionError:
            from ..safety.messages import say

            problems.add(error(Source(display, line=2), say("narratives.yaml_nesting")))
            return None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 2 if mark is not None else 1
            problems.add(error(Source(display, line=line), msg("narratives.yaml", reason=getattr(exc, 'problem', exc))))
            return None
        if not isinstance(loaded, dict):
            problems.add(error(Source(display, line=2), msg("narratives.front_matter_form")))
            return None
        meta = loaded
        after = text.find("\n", end + 4)
        after = len(text) if after < 0 else after + 1
        body_line = text[:after].count("\n") + 1
        body = text[after:]
    for key in meta:
        if key not in KNOWN_KEYS:
            problems.add(warning(Source(display, line=2), msg("narratives.unknown_key", key=key)))
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.add(error(Source(display, line=1), msg("narratives.no_title"),
                           hint=msg("narratives.no_title_hint")))
        return None
    order = meta.get("order", 100)
    if isinstance(order, bool) or not isinstance(order, (int, float)) or not math.isfinite(order):
        problems.add(error(Source(display, line=1), msg("narratives.order"), order))
        order = 100
    section = meta.get("section")
    if section is not None and (not isinstance(section, str) or section not in sections):
        problems.add(error(Source(display, line=1), msg("narratives.section", sections=join(sorted(sections))), section))
        section = None
    dimension = meta.get("dimension")
    if dimension is not None and not isinstance(dimension, str):
        problems.add(error(Source(display, line=1), msg("narratives.dimension"), dimension))
        dimension = None
    problem = _problem_list(meta.get("problem"), display, problems)
    if problem:
        if section is None and dimension is None:
            section = "problems"
        elif section != "problems":
            problems.add(error(Source(display, line=1), msg("narrative.problem_section")))
            problem = ()
    return Narrative(path, display, title.strip(), float(order), body, body_line,
                     dimension, section, meta, problem)


def _problem_list(value, display: str, problems: Problems) -> tuple[str, ...]:
    """`problem: R05` or `problem: [R05, R06]` (ids or problem names) as a tuple of strings."""
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, (str, int, float)) or not str(item).strip():
            problems.add(error(Source(display, line=1), msg("narrative.problem_type"), value))
            return ()
        out.append(str(item).strip())
    return tuple(dict.fromkeys(out))


def load_narratives(project_dir: Path, problems: Problems, sections=SECTIONS) -> list[Narrative]:
    folder = project_dir / "narratives"
    if not folder.is_dir():
        return []
    out = []
    for path in sorted(folder.glob("*.md")):
        n = parse_narrative(path, path.relative_to(project_dir).as_posix(), problems, sections, project_dir)
        if n is not None:
            out.append(n)
    out.sort(key=lambda n: (n.order, n.display))
    return out
