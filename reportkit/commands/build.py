"""`reportkit build`: every product of the project in one run (one load, one scoring,
one survey run, one chart pass, one warm worker pool)."""
from __future__ import annotations

import time
from pathlib import Path

import click

from ..cli_options import (formats_of, formats_option, out_option, project_option, quiet_option, strict_option,
                           workers_option)
from ..messages import join, msg
from ..products import ALL
from ..cli_options import command as rk_command


@rk_command("build")
@project_option
@out_option
@quiet_option
@formats_option
@workers_option
@click.option("--product", "products", type=click.Choice(ALL), multiple=True,
              help=msg("help.products", names=join(ALL)))
@strict_option
def command(project_dir: Path, out_dir: Path, quiet: bool, formats: tuple[str, ...], workers: int | None,
            products: tuple[str, ...], strict: bool) -> None:
    """一次生成全部成果：评分与问卷结果表、体检报告、部门反馈单、跟踪反馈表和宣传图。"""
    from ..build import build

    t0 = time.perf_counter()
    names = tuple(p for p in ALL if p in products) if products else ALL
    result = build(project_dir, out_dir, names, formats=formats_of(formats), quiet=quiet, workers=workers,
                   strict=strict)
    click.echo(msg("done.build", products=join(names), files=len(result.files), out=out_dir,
                   seconds=f"{time.perf_counter() - t0:.1f}"))
