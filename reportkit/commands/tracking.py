"""`reportkit tracking template|collect`: the follow-up loop of the recommendations."""
from __future__ import annotations

from pathlib import Path

import click

from ..cli_options import out_option, project_option
from ..messages import msg
from ..cli_options import group as rk_group


@rk_group("tracking")
def command() -> None:
    """策略建议落实跟踪：向各部门下发反馈表（template），汇总返回的反馈表（collect）。"""


@command.command("template")
@project_option
@out_option
def template(project_dir: Path, out_dir: Path) -> None:
    """为每个牵头或配合策略建议的部门生成落实情况反馈表 tracking/<部门编号>.xlsx。"""
    from ..build import build
    from ..products.tracking import TRACKING_DIR

    plan = build(project_dir, out_dir, ("tracking",)).composed["tracking"].data
    click.echo(msg("done.tracking", departments=len(plan), items=sum(len(v) for v in plan.values()),
                   out=Path(out_dir) / TRACKING_DIR))


@command.command("collect")
@click.argument("returned_dir", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@project_option
@out_option
@click.option("--write", "write_back", is_flag=True, help=msg("help.write_tracking"))
def collect(returned_dir: Path, project_dir: Path, out_dir: Path, write_back: bool) -> None:
    """汇总 DIR 中各部门返回的反馈表（*.xlsx），校验后写出 tracking.csv。"""
    from ..build import build
    from ..cli import echo_problems

    built = build(project_dir, out_dir, ("tracking-collect",),
                  options={"tracking-collect": {"returned_dir": returned_dir, "write_back": write_back}})
    c = built.composed["tracking-collect"]
    result, paths = c.data
    echo_problems(built.problems)
    where = str(Path(out_dir) / "tracking.csv")
    for path in c.outside:
        where = msg("done.collected_and", a=where, b=path)
    click.echo(msg("done.collected", files=len(paths), updated=len(result.updated), kept=len(result.kept),
                   missing=len(result.missing), total=len(built.project.recommendations),
                   warnings=len(built.problems.warnings), where=where))
