"""`reportkit report`: the city self-check report as Word and PDF (with the score
and survey result files)."""
from __future__ import annotations

from pathlib import Path

import click

from ..cli_options import formats_of, formats_option, out_option, project_option, quiet_option, strict_option
from ..cli_options import command as rk_command


@rk_command("report")
@project_option
@out_option
@quiet_option
@formats_option
@strict_option
def command(project_dir: Path, out_dir: Path, quiet: bool, formats: tuple[str, ...], strict: bool) -> None:
    """生成城市自体检报告（Word 与 PDF），同时写出评分与问卷结果表。"""
    from ..build import build
    from ..messages import join, msg

    formats = formats_of(formats)
    result = build(project_dir, out_dir, ("results", "survey", "report"), formats=formats, quiet=quiet,
                   strict=strict)
    doc = result.composed["report"].data
    paths = join(str(Path(out_dir) / f"report.{f}") for f in ("docx", "pdf") if f in formats)
    click.echo(msg("done.report", paths=paths, figures=len(doc.figures()), tables=len(doc.tables())))
