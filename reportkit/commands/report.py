"""`reportkit report`: the city self-check report as Word and PDF."""
from __future__ import annotations

from pathlib import Path

import click

from ..cli_options import out_option, project_option, quiet_option


@click.command("report")
@project_option
@out_option
@quiet_option
@click.option("--format", "formats", type=click.Choice(["docx", "pdf"]), multiple=True,
              help="只生成指定格式（可重复）；默认 Word 与 PDF 都生成")
def command(project_dir: Path, out_dir: Path, quiet: bool, formats: tuple[str, ...]) -> None:
    """生成城市自体检报告（Word 与 PDF），同时写出评分与问卷结果表。"""
    from ..parallel import Worker
    from ..pipeline import Progress
    from ..render.pdf import warm_up

    formats = formats or ("docx", "pdf")
    progress = Progress(quiet)
    # The PDF worker warms up (imports, fonts) while this process loads the project.
    worker = Worker(warm_up if "pdf" in formats else None)
    try:
        _build(project_dir, out_dir, progress, formats, worker)
    finally:
        worker.close()


def _build(project_dir, out_dir, progress, formats, worker) -> None:
    from ..compose.context import ComposeContext
    from ..compose.report import compose_report
    from ..export import add_score_outputs
    from ..pipeline import analyse, draw_charts
    from ..render.docx import default_template, render_docx
    from ..render.pdf import render_pdf
    from ..score.survey import add_survey_outputs
    from ..theme import load_theme
    from ..write import Writer

    built = analyse(project_dir, progress, check_narratives_now=False)
    theme = load_theme(built.project.root)
    with progress.step("组织报告结构"):
        ctx = ComposeContext(built.project, built.scores, theme, out_dir / "figures", built.survey)
        doc = compose_report(ctx)
        ctx.problems.raise_if_errors("叙述校验未通过")
    draw_charts(ctx.specs, out_dir, theme, progress)
    name = "report"
    writer = Writer(out_dir)
    # The PDF layout is the longest step: it runs in a second process while this one
    # writes the Word file and the result tables.
    with progress.step("排版 PDF 与生成 Word"):
        if "pdf" in formats:
            worker.submit(render_pdf, doc, theme, built.project.root)
        if "docx" in formats:
            writer.add(f"{name}.docx", render_docx(doc, theme, default_template("report", built.project.root)))
        add_score_outputs(writer, built.scores)
        add_survey_outputs(writer, built.survey, built.scores)
        if "pdf" in formats:
            writer.add(f"{name}.pdf", worker.result())
    writer.commit()
    click.echo(f"报告已生成：{out_dir / name}.{'、.'.join(formats)}（{len(doc.figures())} 幅图，"
               f"{len(doc.tables())} 张表）")
