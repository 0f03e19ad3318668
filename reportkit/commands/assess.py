"""`reportkit assess --projects DIR... --out OUT`: the five-year assessment over several
yearly checkups, as Word and PDF, with assess/indicators.csv and assess/dimensions.csv."""
from __future__ import annotations

from pathlib import Path

import click

from ..cli_options import formats_of, formats_option, out_option, quiet_option, workers_option
from ..messages import join, msg
from ..cli_options import command as rk_command


@rk_command("assess")
@click.option("--projects", "projects", multiple=True, type=click.Path(path_type=Path), metavar="DIR...",
              help=msg("help.projects"))
@click.argument("more", nargs=-1, type=click.Path(path_type=Path), metavar="[DIR]...")
@out_option
@quiet_option
@formats_option
@workers_option
def command(projects: tuple[Path, ...], more: tuple[Path, ...], out_dir: Path, quiet: bool,
            formats: tuple[str, ...], workers: int | None) -> None:
    """生成城市体检评估报告（Word 与 PDF）：汇总各年度体检的指标变化、规划目标实现、问题整治和满意度。"""
    from ..build import build
    from ..errors import Problems, ReportkitError
    from ..products.assess import OUT_DIR
    from ..products.assess.years import discover

    paths = list(projects) + list(more)
    if not paths:
        raise ReportkitError(msg("errors.assess_no_projects"))
    problems = Problems()
    found = discover(paths, problems)
    problems.raise_if_errors(msg("errors.assess_discover"))
    latest, earlier = found[-1], found[:-1]
    formats = formats_of(formats)
    result = build(latest.path, out_dir, ("assess",), formats=formats, quiet=quiet, workers=workers,
                   options={"assess": {"years": earlier, "label": latest.label}})
    assessment, doc = result.composed["assess"].data
    out = Path(out_dir) / OUT_DIR
    paths_text = join(str(out / f"report.{f}") for f in ("docx", "pdf") if f in formats)
    click.echo(msg("done.assess", paths=paths_text, years=len(assessment.years),
                   span=join(str(y) for y in assessment.year_list), figures=len(doc.figures()),
                   tables=len(doc.tables()), csv=join([out / "indicators.csv", out / "dimensions.csv"])))
