"""`reportkit survey`: screen the questionnaires and write the satisfaction results
under <out>/survey/ (summary.json and the survey tables)."""
from __future__ import annotations

from pathlib import Path

import click

from ..cli_options import out_option, project_option, quiet_option
from ..cli_options import command as rk_command


@rk_command("survey")
@project_option
@out_option
@quiet_option
def command(project_dir: Path, out_dir: Path, quiet: bool) -> None:
    """问卷筛查与满意度分析：写出 survey/summary.json、无效问卷清单、分群体得分和热点问题。"""
    from ..build import build
    from ..messages import join, msg

    result = build(project_dir, out_dir, ("survey",), quiet=quiet)
    survey = result.survey
    s = survey.summary
    label = survey.label_message()
    if label:
        click.echo(label)
    rejected = join((f"{k} {v:,}" for k, v in s["rejected"].items() if v), "comma") or msg("done.survey_no_rejected")
    click.echo(msg("done.survey_collected", collected=f"{s['collected']:,}", valid=f"{s['valid']:,}",
                   rejected=rejected))
    overall = "—" if s["overall"] is None else f"{s['overall']:.1f}"
    click.echo(msg("done.survey_overall", overall=overall))
    small = [msg("done.survey_group", group=survey.config.group_names.get(g, g), value=v)
             for g, vals in s["groups"].items() for v, x in vals.items() if x is None]
    if small:
        click.echo(msg("done.survey_small", min=survey.settings.min_group, groups=join(small)))
    click.echo(msg("done.survey_written", out=Path(out_dir) / "survey"))
