"""`reportkit province`: the provincial summary from the cities the batch built."""
from __future__ import annotations

from pathlib import Path

import click

from ..cli_options import formats_option, out_option, quiet_option
from .batch import province_option
from ..cli_options import command as rk_command


@rk_command("province")
@province_option
@out_option
@quiet_option
@formats_option
def command(province_dir: Path, out_dir: Path, quiet: bool, formats: tuple[str, ...]) -> None:
    """生成省级城市体检汇总报告（Word 与 PDF）及 province/ 下的汇总表，读取 reportkit batch 的成果。"""
    from ..cli import echo_problems
    from ..load.province import say
    from ..build import Progress
    from ..products.province.build import build_province

    formats = tuple(f for f in ("docx", "pdf") if f in formats) if formats else ("docx", "pdf")
    built = build_province(province_dir, out_dir, Progress(quiet), formats)
    echo_problems(built.problems)
    r = built.result
    click.echo(say("province_done", built.result.province.root, out=str(Path(out_dir) / "province"),
                   cities=len(r.cities), built=len(r.built), figures=len(built.document.figures()),
                   tables=len(built.document.tables())))
