"""`reportkit intake template|collect|status`: the filing loop (数据填报), made by
the products of reportkit/products/intake through the one build."""
from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from pathlib import Path

import click

from ..cli_options import out_option, project_option
from ..messages import join, msg
from ..cli_options import group as rk_group


@rk_group("intake")
def command() -> None:
    """数据填报：向各单位下发填报表（template），汇总审核报送的填报表（collect），生成填报进度通报（status）。"""


def _date(text: str | None, project_dir: Path) -> dt.date | None:
    from ..errors import ReportkitError
    from ..products.intake import wording

    if not text:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        root = project_dir if Path(project_dir).is_dir() else None
        raise ReportkitError(wording(root).get("cli.bad_date")) from None


@contextmanager
def _prefetch(returned_dir: Path, out_dir: Path):
    """The returned workbooks read by a helper process while the project loads
    (products/intake/prefetch.py); ended if the command fails first."""
    from ..products.intake.prefetch import start

    helper = start(returned_dir, out_dir)
    try:
        yield helper
    finally:
        if helper is not None:
            helper.close()


date_option = click.option("--date", "date_text", metavar="YYYY-MM-DD", default=None,
                           help=msg("help.intake_date"))
returned_argument = click.argument("returned_dir", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))


@command.command("template")
@project_option
@out_option
def template(project_dir: Path, out_dir: Path) -> None:
    """为每个有填报任务的单位生成数据填报表 intake/<单位编号>.xlsx 和清单 intake/index.csv。"""
    from ..build import build

    click.echo(build(project_dir, out_dir, ("intake",)).composed["intake"].summary)


@command.command("collect")
@returned_argument
@project_option
@out_option
@date_option
@click.option("--write", "write_back", is_flag=True,
              help=msg("help.intake_write"))
def collect(returned_dir: Path, project_dir: Path, out_dir: Path, date_text: str | None, write_back: bool) -> None:
    """汇总审核 DIR 中各单位报送的填报表，写出 collected.csv、problems.csv、status.csv 和退回单。"""
    with _prefetch(returned_dir, out_dir) as helper:
        _collect(returned_dir, project_dir, out_dir, date_text, write_back, helper)


def _collect(returned_dir: Path, project_dir: Path, out_dir: Path, date_text: str | None, write_back: bool,
             helper) -> None:
    from ..build import build
    from ..products.intake import INTAKE_DIR, wording
    from ..vocab import NOT_FILED, PASSED, RETURNED

    built = build(project_dir, out_dir, ("intake-collect",),
                  options={"intake-collect": {"returned_dir": returned_dir, "write_back": write_back,
                                              "date": _date(date_text, project_dir), "prefetch": helper}})
    col, paths, written = built.composed["intake-collect"].data
    w = wording(built.project.root)
    _, problems, status = col.tables()
    for f in col.findings:
        if f.level == "error":
            where = join((x for x in (f.file, f.sheet, f.cell) if x), "comma")
            click.echo(msg("intake.finding", level=w.get("returns.level")["error"], where=where, message=f.message),
                       err=True)
    s = status["status"].value_counts()
    click.echo(w.say("cli.collected", files=len(paths), filers=int(len(status) - s.get(NOT_FILED, 0)),
                     returned=int(s.get(RETURNED, 0)), passed=int(s.get(PASSED, 0)),
                     values=len(col.accepted) + len(col.unchanged),
                     errors=int((problems["level"] == "error").sum()),
                     warnings=int((problems["level"] == "warning").sum()), where=f"{Path(out_dir) / INTAKE_DIR}/"))
    if write_back:
        table = built.project.table("values")
        target = Path(table.path).relative_to(built.project.root).as_posix() if table is not None else "data/values"
        if written is None:
            click.echo(w.say("cli.nothing_written", target=target))
        else:
            click.echo(w.say("cli.written", n=len(col.accepted), target=target, same=len(col.unchanged),
                             conflicts=len(col.conflicts)))


@command.command("status")
@returned_argument
@project_option
@out_option
@date_option
def status(returned_dir: Path, project_dir: Path, out_dir: Path, date_text: str | None) -> None:
    """生成填报进度通报：intake/bulletin.png（手机屏幕宽度）和 intake/bulletin.csv。"""
    with _prefetch(returned_dir, out_dir) as helper:
        _status(returned_dir, project_dir, out_dir, date_text, helper)


def _status(returned_dir: Path, project_dir: Path, out_dir: Path, date_text: str | None, helper) -> None:
    from ..build import build
    from ..products.intake import INTAKE_DIR, wording
    from ..products.intake.bulletin import headline_values

    built = build(project_dir, out_dir, ("intake-status",),
                  options={"intake-status": {"returned_dir": returned_dir, "date": _date(date_text, project_dir),
                                             "prefetch": helper}})
    _, table = built.composed["intake-status"].data
    w = wording(built.project.root)
    click.echo(w.say("cli.status", headline=w.say("bulletin.headline", **headline_values(table)),
                     png=f"{Path(out_dir) / INTAKE_DIR}/bulletin.png", csv=f"{Path(out_dir) / INTAKE_DIR}/bulletin.csv"))
