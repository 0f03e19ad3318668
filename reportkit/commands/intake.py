"""`reportkit intake template|collect|status`: the filing loop (数据填报).

`template` writes one filing workbook per filer (intake/<filer id>.xlsx) and
intake/index.csv; `collect DIR` checks every returned workbook and writes
intake/collected.csv, problems.csv, status.csv and a return slip per filer with
errors (intake/returns/<filer id>.pdf and .xlsx); with `--write` the accepted
values go into the project's data/values.  `status DIR` draws the progress
bulletin (intake/bulletin.png, intake/bulletin.csv).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ..cli_options import out_option, project_option

TABLES = ("indicators", "areas", "values", "departments", "recommendations")
DIR = "intake"


@click.group("intake")
def command() -> None:
    """数据填报：向各单位下发填报表（template），汇总审核报送的填报表（collect），生成填报进度通报（status）。"""


def _open(project_dir: Path):
    from ..errors import Problems
    from ..load.project import open_project
    from ..products.intake import wording
    from ..products.intake.settings import intake_settings

    project, _ = open_project(project_dir, tables=TABLES)
    w = wording(project.root)
    problems = Problems()
    settings = intake_settings(project.settings, problems, w)
    problems.raise_if_errors(w.get("cli.failed"))
    return project, w, settings


def _stems(plan, w) -> dict[str, str]:
    from ..errors import ReportkitError
    from ..workbook import file_stem

    stems: dict[str, str] = {}
    seen: dict[str, str] = {}
    for filer in plan.filers:
        stem = file_stem(filer)
        if stem in seen and seen[stem] != filer:
            raise ReportkitError(w.say("cli.stem_clash", a=seen[stem], b=filer, stem=stem))
        seen[stem] = filer
        stems[filer] = stem
    return stems


def _today(date_text: str | None, w) -> dt.date:
    from ..errors import ReportkitError
    from ..write import build_time

    if not date_text:
        return build_time().date()
    try:
        return dt.date.fromisoformat(date_text.strip())
    except ValueError:
        raise ReportkitError(w.get("cli.bad_date")) from None


def _returned(returned_dir: Path, w) -> tuple[list[Path], list[str]]:
    from ..errors import ReportkitError, Source, error

    if not returned_dir.is_dir():
        raise ReportkitError(w.get("cli.failed"), [error(Source(str(returned_dir)), w.get("cli.no_dir"),
                                                         hint=w.get("cli.no_dir_hint"))])
    paths = sorted((p for p in returned_dir.iterdir() if not p.name.startswith(("~$", ".")) and not p.is_dir()),
                   key=lambda p: p.name)
    if not paths:
        raise ReportkitError(w.get("cli.failed"), [error(Source(str(returned_dir)), w.get("cli.no_files"),
                                                         hint=w.get("cli.no_files_hint"))])
    return paths, [p.as_posix() for p in paths]


CACHE = ".cache/intake"


def _cache(out_dir: Path) -> tuple[dict, set]:
    """What earlier runs read from returned files (out/.cache/intake/<key>.json)."""
    folder = Path(out_dir) / CACHE
    got = {}
    if folder.is_dir():
        for p in folder.glob("*.json"):
            if p.is_file() and not p.is_symlink() and p.stat().st_size < (64 << 20):
                got[p.stem] = p.read_bytes()
    return got, set(got)


def _add_cache(writer, cache: dict, old: set) -> None:
    for key, data in cache.items():
        if key not in old:
            writer.add(f"{CACHE}/{key}.json", data)


date_option = click.option("--date", "date_text", metavar="YYYY-MM-DD", default=None,
                           help="统计日期（计算距截止日期的天数、退回单落款）；默认取 SOURCE_DATE_EPOCH，未设置时为固定日期")


@command.command("template")
@project_option
@out_option
def template(project_dir: Path, out_dir: Path) -> None:
    """为每个有填报任务的单位生成数据填报表 intake/<单位编号>.xlsx 和清单 intake/index.csv。"""
    import pandas as pd

    from ..errors import ReportkitError
    from ..load.tables import write_csv_bytes
    from ..products.intake.plan import make_plan
    from ..products.intake.template import build_template, index_rows
    from ..workbook import neutral_frame
    from ..write import Writer

    project, w, settings = _open(project_dir)
    plan = make_plan(project)
    if not plan.filers:
        raise ReportkitError(w.get("cli.no_items"))
    stems = _stems(plan, w)
    writer = Writer(out_dir)
    for filer in plan.filers:
        writer.add(f"{DIR}/{stems[filer]}.xlsx", build_template(project, plan, filer, w, settings))
    index = pd.DataFrame(index_rows(plan, stems), columns=["filer", "file", "items", "name"])
    writer.add(f"{DIR}/index.csv", write_csv_bytes(neutral_frame(index)))
    writer.commit()
    click.echo(w.say("cli.templates", filers=len(plan.filers), items=plan.total, where=f"{Path(out_dir) / DIR}/",
                     index=f"{DIR}/index.csv"))


@command.command("collect")
@click.argument("returned_dir", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@project_option
@out_option
@date_option
@click.option("--write", "write_back", is_flag=True,
              help="把审核通过的数据写入项目的 data/values（原为 .xlsx 时写 .xlsx，否则写 .csv）；与已有数值不一致的不写入")
def collect(returned_dir: Path, project_dir: Path, out_dir: Path, date_text: str | None, write_back: bool) -> None:
    """汇总审核 DIR 中各单位报送的填报表，写出 collected.csv、problems.csv、status.csv 和退回单。"""
    from ..load.tables import write_csv_bytes
    from ..products.intake.collect import collect as run_collect
    from ..products.intake.collect import values_after_write
    from ..products.intake.returns import return_document, return_xlsx, returns_filers
    from ..theme import load_theme
    from ..workbook import neutral_frame
    from ..write import Writer

    project, w, settings = _open(project_dir)
    today = _today(date_text, w)
    paths, displays = _returned(returned_dir, w)
    cache, old = _cache(out_dir)
    col = run_collect(project, paths, displays, settings, w, cache)
    collected, problems, status = col.tables()
    writer = Writer(out_dir)
    _add_cache(writer, cache, old)
    writer.add(f"{DIR}/collected.csv", write_csv_bytes(neutral_frame(collected)))
    writer.add(f"{DIR}/problems.csv", write_csv_bytes(neutral_frame(problems)))
    writer.add(f"{DIR}/status.csv", write_csv_bytes(neutral_frame(status)))
    slips = returns_filers(col)
    if slips:
        from ..render.pdf import render_pdf

        theme = load_theme(project.root)
        stems = _stems(col.plan, w)
        date = w.say("bulletin.date", y=today.year, m=today.month, d=today.day)
        for filer in slips:
            doc = return_document(project, col, filer, w, settings, date)
            writer.add(f"{DIR}/returns/{stems[filer]}.pdf", render_pdf(doc, theme, project.root))
            writer.add(f"{DIR}/returns/{stems[filer]}.xlsx", return_xlsx(col, filer, w))
    target_note = ""
    if write_back:
        target_note = _write_values(project, col, w)
    writer.commit()
    for f in col.findings:
        if f.level == "error":
            where = "，".join(x for x in (f.file, f.sheet, f.cell) if x)
            click.echo(f"[{w.get('returns.level')['error']}] {where}：{f.message}", err=True)
    s = status["status"].value_counts()
    from ..vocab import NOT_FILED, PASSED, RETURNED

    click.echo(w.say("cli.collected", files=len(paths), filers=int(len(status) - s.get(NOT_FILED, 0)),
                     returned=int(s.get(RETURNED, 0)), passed=int(s.get(PASSED, 0)),
                     values=len(col.accepted) + len(col.unchanged),
                     errors=int((problems["level"] == "error").sum()),
                     warnings=int((problems["level"] == "warning").sum()), where=f"{Path(out_dir) / DIR}/"))
    if target_note:
        click.echo(target_note)


def _write_values(project, col, w) -> str:
    from ..load.tables import write_csv_bytes
    from ..products.intake.collect import values_after_write
    from ..workbook import neutral_frame
    from ..write import Writer

    table = project.table("values")
    rel = Path(table.path).relative_to(project.root).as_posix() if table is not None else "data/values.csv"
    if not col.accepted:
        return w.say("cli.nothing_written", target=rel)
    df = neutral_frame(values_after_write(project, col))
    if rel.lower().endswith(".xlsx"):
        payload = _values_xlsx(df)
    else:
        payload = write_csv_bytes(df)
        if table is not None and table.encoding == "utf-8":
            payload = payload[3:] if payload.startswith(b"\xef\xbb\xbf") else payload
    writer = Writer(project.root)
    writer.add(rel, payload)
    writer.commit()
    return w.say("cli.written", n=len(col.accepted), target=rel, same=len(col.unchanged),
                 conflicts=len(col.conflicts))


def _values_xlsx(df) -> bytes:
    from openpyxl import Workbook

    from ..workbook import NUMBER_TEXT, string_cell
    from ..write import xlsx_bytes

    wb = Workbook()
    ws = wb.active
    ws.title = "values"
    for i, name in enumerate(df.columns, 1):
        string_cell(ws.cell(1, i), name)
    for r, row in enumerate(df.itertuples(index=False), 2):
        for i, (name, v) in enumerate(zip(df.columns, row), 1):
            if v == "" or v is None:
                continue
            if name in ("value", "year") and NUMBER_TEXT.match(str(v)):
                ws.cell(r, i).value = float(v) if name == "value" else int(v)
            else:
                string_cell(ws.cell(r, i), v)
    return xlsx_bytes(wb)


@command.command("status")
@click.argument("returned_dir", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@project_option
@out_option
@date_option
def status(returned_dir: Path, project_dir: Path, out_dir: Path, date_text: str | None) -> None:
    """生成填报进度通报：intake/bulletin.png（手机屏幕宽度）和 intake/bulletin.csv。"""
    from ..products.intake.bulletin import bulletin_csv, bulletin_png, headline_values
    from ..products.intake.collect import collect as run_collect
    from ..theme import load_theme
    from ..write import Writer

    project, w, settings = _open(project_dir)
    today = _today(date_text, w)
    paths, displays = _returned(returned_dir, w)
    cache, old = _cache(out_dir)
    col = run_collect(project, paths, displays, settings, w, cache)
    _, _, table = col.tables()
    theme = load_theme(project.root)
    writer = Writer(out_dir)
    _add_cache(writer, cache, old)
    writer.add(f"{DIR}/bulletin.png", bulletin_png(project, table, settings.deadline, today, w, theme))
    writer.add(f"{DIR}/bulletin.csv", bulletin_csv(table, settings.deadline, today, w))
    writer.commit()
    click.echo(w.say("cli.status", headline=w.say("bulletin.headline", **headline_values(table)),
                     png=f"{Path(out_dir) / DIR}/bulletin.png", csv=f"{Path(out_dir) / DIR}/bulletin.csv"))
