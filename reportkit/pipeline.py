"""The stages wired together: load -> validate -> score -> analyse -> chart -> compose -> write.

Commands call these functions; each returns plain objects and nothing here
writes outside the Writer (charts go to the figures folder through their own
atomic, cached renderer).
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

import click

from .errors import Problems


class Progress:
    """Step announcements and progress bars on stderr (quiet when not a terminal and quiet=True)."""

    def __init__(self, quiet: bool = False):
        self.quiet = quiet
        self.t0 = time.perf_counter()

    def step(self, label: str):
        return _Step(self, label)

    def bar(self, label: str, total: int):
        if self.quiet or total <= 0:
            return None
        return click.progressbar(length=total, label=label, file=click.get_text_stream("stderr"),
                                 show_pos=True)


class _Step:
    def __init__(self, progress: Progress, label: str):
        self.p, self.label = progress, label

    def __enter__(self):
        self.t = time.perf_counter()
        return self

    def __exit__(self, exc_type, *_):
        if exc_type is None and not self.p.quiet:
            click.echo(f"✓ {self.label}（{time.perf_counter() - self.t:.1f} 秒）", err=True)


@dataclass
class Built:
    project: object
    scores: object
    survey: object
    problems: Problems


def analyse(project_dir: Path, progress: Progress, need_survey: bool = True,
            check_narratives_now: bool = True) -> Built:
    """Load, validate and score.  A command that renders the narratives itself (report)
    passes check_narratives_now=False: the composer reports the same problems."""
    from .load.project import open_project
    from .narrative import check_narratives
    from .score.indicators import score_project

    with progress.step("读取并校验项目"):
        project, problems = open_project(project_dir)
        scores = score_project(project)
        if check_narratives_now:
            check_narratives(project, problems, scores)
        problems.raise_if_errors("叙述校验未通过")
    survey = None
    if need_survey:
        from .score.survey import run_survey
        with progress.step("问卷筛查与满意度计算"):
            survey = run_survey(project)
    return Built(project, scores, survey, problems)


def draw_charts(specs: dict, out_dir: Path, theme, progress: Progress) -> dict:
    from .charts.render import render_charts

    specs = list(specs.values())
    bar = progress.bar("绘制图表", len(specs))
    done = [0]

    def tick(i, n):
        if bar is not None:
            bar.update(i - done[0])
            done[0] = i

    figures = out_dir / "figures"
    try:
        if bar is not None:
            bar.__enter__()
        return render_charts(specs, figures, theme, cache_dir=out_dir / ".cache" / "figures",
                             workers=min(2, os.cpu_count() or 1), progress=tick)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
