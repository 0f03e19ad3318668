"""`reportkit promo`: survey campaign graphics under <out>/promo/.

Cover (900×383) and square (500×500) for WeChat articles, an in-article long
image, a 1080×1920 poster, the collection progress and the survey results,
each as PNG and JPEG (RGB, sRGB profile, deterministic bytes).
"""
from __future__ import annotations

from pathlib import Path

import click

from ..cli_options import out_option, project_option, quiet_option

# Every table is read and validated, as for the report: the results image must
# show the report's figures, and optional tables (tracking …) reference the others.
SURVEY_TABLES = None


def render_all(canvases, design) -> tuple[dict[str, bytes], list]:
    """Render canvases and encode them: ({"promo/cover.png": bytes, …}, [Rendered, …])."""
    from ..errors import ReportkitError
    from ..render import png

    out = design.output
    formats = out.get("formats", ["png", "jpg"])
    quality = int(out.get("jpeg_quality", 90))
    dpi = int(out.get("dpi", 72))
    limit = int(out.get("max_cover_bytes", 2 * 1024 * 1024))
    files: dict[str, bytes] = {}
    rendered = []
    for canvas in canvases:
        r = png.render(canvas)
        rendered.append(r)
        for fmt in formats:
            data = png.encode(r.image, fmt, quality, dpi)
            if canvas.name == "cover" and len(data) > limit:
                raise ReportkitError(f"封面图 cover.{fmt} 有 {len(data)} 字节，超过公众号封面上限 {limit} 字节")
            files[f"promo/{canvas.name}.{fmt}"] = data
    return files, rendered


def build_promo(project, summary: dict | None, design=None) -> tuple[dict[str, bytes], list]:
    """Every promo image of a loaded project; `summary` is run_survey(project).summary
    (None skips the results image)."""
    from ..compose import promo

    design = design or promo.load_design(project.root)
    camp = promo.campaign_from_project(project, design)
    art = promo.artwork_path(project.root, design)
    canvases = promo.compose_campaign(camp, design, art)
    top = int(design.image("progress").get("town_top", 10))
    canvases.append(promo.compose_progress(camp, promo.survey_progress(project, top), design))
    if summary is not None:
        canvases.append(promo.compose_results(camp, summary, design))
    return render_all(canvases, design)


@click.command("promo")
@project_option
@out_option
@quiet_option
def command(project_dir: Path, out_dir: Path, quiet: bool) -> None:
    """生成问卷宣传图：公众号封面、方形图、长图、海报、收集进度图与结果图（PNG 与 JPEG）。"""
    from ..load.project import open_project
    from ..pipeline import Progress
    from ..score.survey import run_survey
    from ..write import Writer

    progress = Progress(quiet)
    with progress.step("读取并校验项目"):
        project, _ = open_project(project_dir, tables=SURVEY_TABLES)
    from ..errors import ReportkitError

    with progress.step("问卷筛查与满意度计算"):
        # At the start of a campaign there is nothing to score yet: the campaign and
        # progress images are still made, the results image is left out.
        try:
            summary = run_survey(project).summary
        except ReportkitError as exc:
            summary = None
            click.echo(f"[提示] 暂无可计算满意度的问卷，不生成结果图：{exc.message}", err=True)
    with progress.step("绘制宣传图"):
        files, rendered = build_promo(project, summary)
    writer = Writer(out_dir)
    for rel, data in files.items():
        writer.add(rel, data)
    writer.commit()
    sizes = "，".join(f"{r.canvas.name} {r.image.width}×{r.image.height}" for r in rendered)
    click.echo(f"宣传图已生成：{out_dir / 'promo'}/（{len(files)} 个文件：{sizes}）")
