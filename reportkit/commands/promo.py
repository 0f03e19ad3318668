"""`reportkit promo`: survey campaign graphics under <out>/promo/."""
from __future__ import annotations

from pathlib import Path

import click

from ..cli_options import out_option, project_option, quiet_option
from ..cli_options import command as rk_command


@rk_command("promo")
@project_option
@out_option
@quiet_option
def command(project_dir: Path, out_dir: Path, quiet: bool) -> None:
    """生成问卷宣传图：公众号封面、方形图、长图、海报、收集进度图与结果图（PNG 与 JPEG）。"""
    from ..build import build
    from ..messages import join, msg

    result = build(project_dir, out_dir, ("promo",), quiet=quiet)
    if result.context.survey_error is not None:
        # at the start of a campaign there is nothing to score yet: no results image
        click.echo(msg("done.promo_no_results", reason=result.context.survey_error.message), err=True)
    c = result.composed["promo"]
    sizes = join((f"{r.canvas.name} {r.image.width}×{r.image.height}" for r in c.data), "comma")
    click.echo(msg("done.promo", out=Path(out_dir) / "promo", files=len(c.files), sizes=sizes))
