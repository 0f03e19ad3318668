"""`reportkit tracking template|collect`: the follow-up loop of the recommendations.

`template` writes one XLSX feedback form per responsible department;
`collect DIR` reads the forms the departments sent back, checks them (every
problem named by file and cell, exit 2 on errors) and writes the contract's
tracking table, so that the next report shows where every recommendation stands.
"""
from __future__ import annotations

from pathlib import Path

import click

from ..cli_options import out_option, project_option

TABLES = ("indicators", "areas", "values", "departments", "recommendations")
TRACKING_DIR = "tracking"


@click.group("tracking")
def command() -> None:
    """策略建议落实跟踪：向各部门下发反馈表（template），汇总返回的反馈表（collect）。"""


@command.command("template")
@project_option
@out_option
def template(project_dir: Path, out_dir: Path) -> None:
    """为每个牵头或配合策略建议的部门生成落实情况反馈表 tracking/<部门编号>.xlsx。"""
    from ..load.project import open_project
    from ..tracking import Wording, build_template, duties, file_stem
    from ..write import Writer

    project, _ = open_project(project_dir, tables=TABLES)
    w = Wording.load(project.root)
    writer = Writer(out_dir)
    plan = duties(project)
    stems: dict[str, str] = {}
    for dept in plan:
        other = stems.setdefault(file_stem(dept), dept)
        if other != dept:
            from ..errors import ReportkitError

            raise ReportkitError(f"部门编号 {other} 与 {dept} 对应同一个文件名 {file_stem(dept)}.xlsx，"
                                 "请在 data/departments 中改用只含字母、数字、下划线的编号")
    for dept, items in plan.items():
        writer.add(f"{TRACKING_DIR}/{file_stem(dept)}.xlsx", build_template(project, dept, items, w))
    writer.commit()
    total = sum(len(v) for v in plan.values())
    click.echo(f"已生成 {len(plan)} 个部门的落实情况反馈表（共 {total} 项次），输出在 {Path(out_dir) / TRACKING_DIR}/")


@command.command("collect")
@click.argument("returned_dir", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@project_option
@out_option
@click.option("--write", "write_back", is_flag=True,
              help="同时写回项目的 data/tracking（项目使用 .xlsx 时写 .xlsx，否则写 .csv）")
def collect(returned_dir: Path, project_dir: Path, out_dir: Path, write_back: bool) -> None:
    """汇总 DIR 中各部门返回的反馈表（*.xlsx），校验后写出 tracking.csv。"""
    from ..cli import echo_problems
    from ..errors import Problems, ReportkitError, Source, error
    from ..load.project import open_project
    from ..load.tables import write_csv_bytes
    from ..tracking import collect as run_collect
    from ..tracking import tracking_xlsx
    from ..write import Writer, atomic_write

    if not returned_dir.is_dir():
        raise ReportkitError("汇总失败。", [error(Source(str(returned_dir)), "反馈表目录不存在",
                                                 hint="DIR 应为存放各部门返回的 .xlsx 反馈表的文件夹")])
    project, _ = open_project(project_dir, tables=TABLES)
    paths = sorted(p for p in returned_dir.iterdir()
                   if p.is_file() and p.suffix.lower() == ".xlsx" and not p.name.startswith(("~$", ".")))
    if not paths:
        raise ReportkitError("汇总失败。", [error(Source(str(returned_dir)), "目录中没有 .xlsx 反馈表",
                                                 hint="请把各部门返回的反馈表（.xlsx）放在该目录中")])
    displays = [p.as_posix() for p in paths]
    result = run_collect(project, paths, displays)
    warnings = Problems(result.problems.warnings)
    echo_problems(warnings)
    result.problems.raise_if_errors("反馈表汇总未通过")

    writer = Writer(out_dir)
    writer.add("tracking.csv", write_csv_bytes(result.table))
    writer.commit()
    where = f"{Path(out_dir) / 'tracking.csv'}"
    if write_back:
        data = project.root / "data"
        if (data / "tracking.xlsx").exists():
            target, payload = data / "tracking.xlsx", tracking_xlsx(result.table)
        else:
            target, payload = data / "tracking.csv", write_csv_bytes(result.table)
        atomic_write(target, payload)
        where += f" 和 {target}"
    n = len(project.recommendations)
    click.echo(f"已汇总 {len(paths)} 份反馈表：{len(result.updated)} 项更新，{len(result.kept)} 项沿用原有记录，"
               f"{len(result.missing)} 项尚无反馈（共 {n} 项建议）；"
               f"{len(warnings.items)} 个警告。已写出 {where}")
