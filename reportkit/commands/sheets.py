"""`reportkit sheets`: one recommendation sheet per department and one sheet per town,
as PDF and Word, plus sheets/index.csv listing what was sent."""
from __future__ import annotations

from pathlib import Path

import click

from ..cli_options import (formats_of, formats_option, out_option, project_option, quiet_option, strict_option,
                           workers_option)
from ..messages import msg
from ..cli_options import command as rk_command


@rk_command("sheets")
@project_option
@out_option
@quiet_option
@formats_option
@click.option("--only", "only", multiple=True, metavar="ID", help=msg("help.only"))
@workers_option
@strict_option
def command(project_dir: Path, out_dir: Path, quiet: bool, formats: tuple[str, ...], only: tuple[str, ...],
            workers: int | None, strict: bool) -> None:
    """生成各部门策略建议落实反馈单与各地区指标情况表（Word 与 PDF），并写出 sheets/index.csv。"""
    from ..build import build
    from ..products.sheets import INDEX, SHEETS_DIR

    formats = formats_of(formats)
    result = build(project_dir, out_dir, ("sheets",), formats=formats, quiet=quiet, workers=workers,
                   options={"sheets": {"only": only}}, strict=strict)
    sheets = result.composed["sheets"].data.sheets
    depts = sum(1 for s in sheets if s.kind == "department")
    pages = sum(r.pages or 0 for r in result.rendered.values())
    page_text = msg("done.sheets_pages", pages=pages) if "pdf" in formats else ""
    click.echo(msg("done.sheets", departments=depts, towns=len(sheets) - depts, pages=page_text,
                   out=Path(out_dir) / SHEETS_DIR, index=INDEX))
