"""`reportkit batch`: every city of a province built in worker processes (batch package)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ..cli_options import out_option, quiet_option
from ..load.province import say
from ..cli_options import command as rk_command

province_option = click.option("--province", "province_dir", required=True,
                               type=click.Path(file_okay=False, path_type=Path), help=say("help_province"))


@rk_command("batch")
@province_option
@out_option
@click.option("--workers", type=click.IntRange(1, 512), default=None,
              help=say("help_batch_workers"))
@click.option("--scheduler", metavar="ADDRESS", default=None,
              help=say("help_scheduler"))
@click.option("--force", is_flag=True, help=say("help_force"))
@quiet_option
def command(province_dir: Path, out_dir: Path, workers: int | None, scheduler: str | None, force: bool,
            quiet: bool) -> None:
    """批量构建省内各城市的全部成果到 OUT/cities/<城市>/，并写出 OUT/batch.csv。"""

    from ..batch import run_batch
    from ..cli import echo_problems
    from ..load.province import open_province

    province, problems = open_province(province_dir)
    echo_problems(problems)
    bar = None
    if not quiet:
        bar = click.progressbar(length=len(province.cities), label=say("batch_bar", province.root),
                                file=sys.stderr, show_pos=True,
                                item_show_func=lambda r: r if isinstance(r, str) else None)
        bar.__enter__()

    def tick(result) -> None:
        if bar is not None:
            bar.current_item = f"{result.city} {result.status}"
            bar.update(1)

    try:
        result = run_batch(province, out_dir, workers=workers, scheduler=scheduler, force=force, progress=tick)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    failed = result.failed
    click.echo(say("batch_done", province.root, total=len(result.results), built=len(result.built),
                   skipped=len(result.skipped), failed=len(failed), seconds=f"{result.seconds:.1f}",
                   csv=str(result.csv)))
    if failed:
        click.echo(say("batch_failed_list", province.root, cities=[r.city for r in failed]), err=True)
        for r in failed:
            first = r.message.strip().splitlines()[-1] if r.message.strip() else ""
            click.echo(f"  {r.city}: {first}", err=True)
        sys.exit(2)
