"""`reportkit survey`: screen the questionnaires and write the satisfaction results.

Goes through open_project (every table validated, problems named by file, row
and column, exit code 2) and a Writer (nothing is written unless everything
succeeded).  Writes under <out>/survey/: summary.json, rejected.csv,
responses.csv, groups.csv, gaps.csv, questions.csv, keywords.csv, themes.csv,
compare.csv and hot_issues.csv.  An export without rows, or without a single
valid questionnaire, stops with exit code 2 (run_survey says why and where).
"""
from __future__ import annotations

import time
from pathlib import Path

import click

from ..cli_options import out_option, project_option, quiet_option

NEEDED = ("indicators", "areas", "values", "departments", "recommendations", "survey_questions", "survey")


@click.command("survey")
@project_option
@out_option
@quiet_option
def command(project_dir: Path, out_dir: Path, quiet: bool) -> None:
    """问卷筛查与满意度分析：写出 survey/summary.json、无效问卷清单、分群体得分和热点问题。"""
    from ..load.project import open_project
    from ..score.indicators import score_project
    from ..score.survey import add_survey_outputs, run_survey
    from ..write import Writer

    def step(label: str, t0: float) -> None:
        if not quiet:
            click.echo(f"✓ {label}（{time.perf_counter() - t0:.1f} 秒）", err=True)

    t0 = time.perf_counter()
    project, problems = open_project(project_dir, tables=NEEDED)
    for p in problems.items:
        if p.is_error or not quiet:
            click.echo(p.format(), err=True)
    step("读取并校验项目", t0)
    t0 = time.perf_counter()
    scores = score_project(project)
    result = run_survey(project)
    step("问卷筛查与满意度计算", t0)
    t0 = time.perf_counter()
    concerns = result.concerns
    step(f"开放题分词与主题归类（{concerns.distinct} 条不同意见）", t0)
    writer = Writer(out_dir)
    add_survey_outputs(writer, result, scores)
    writer.commit()

    s = result.summary
    msg = result.label_message()
    if msg:
        click.echo(msg)
    rejected = "，".join(f"{k} {v:,}" for k, v in s["rejected"].items() if v) or "无"
    click.echo(f"回收问卷 {s['collected']:,} 份，有效 {s['valid']:,} 份；无效：{rejected}。")
    overall = "—" if s["overall"] is None else f"{s['overall']:.1f}"
    click.echo(f"总体满意度 {overall} 分。")
    small = [f"{result.config.group_names.get(g, g)}“{v}”" for g, vals in s["groups"].items()
             for v, x in vals.items() if x is None]
    if small:
        click.echo(f"样本不足（少于 {result.settings.min_group} 份）：{'、'.join(small)}。")
    click.echo(f"结果已写入 {out_dir / 'survey'}/")
