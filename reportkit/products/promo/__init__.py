"""Survey campaign images: WeChat cover and square, long image, poster, collection
progress and results, each as PNG and JPEG under promo/."""
from __future__ import annotations

from .. import SURVEY_OPTIONAL, Composed, Needs


def render_all(canvases, design) -> tuple[dict[str, bytes], list]:
    """Render canvases and encode them: ({"promo/cover.png": bytes, …}, [Rendered, …])."""
    from ...errors import ReportkitError
    from ...messages import msg
    from ...render import png

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
                raise ReportkitError(msg("promo.cover_too_big", fmt=fmt, size=len(data), limit=limit))
            files[f"promo/{canvas.name}.{fmt}"] = data
    return files, rendered


def build_promo(project, summary: dict | None, design=None) -> tuple[dict[str, bytes], list]:
    """Every promo image of a loaded project; `summary` is the survey summary
    (None: before the first answers, the results image is left out)."""
    from ...compose import promo

    from ...terms import project_terms

    design = design or promo.load_design(project.root, terms=project_terms(project))
    camp = promo.campaign_from_project(project, design)
    art = promo.artwork_path(project.root, design)
    canvases = promo.compose_campaign(camp, design, art)
    top = int(design.image("progress").get("town_top", 10))
    from ...write import build_time

    # the build date decides whether the campaign is over (SOURCE_DATE_EPOCH honoured)
    canvases.append(promo.compose_progress(camp, promo.survey_progress(project, top), design,
                                           today=build_time().date()))
    if summary is not None:
        canvases.append(promo.compose_results(camp, summary, design))
    return render_all(canvases, design)


class Promo:
    name = "promo"
    # every table is read and validated, as for the report: the results image shows the
    # report's figures, and optional tables (tracking …) reference the others
    needs = Needs(tables=None, scores=False, survey=SURVEY_OPTIONAL)
    renders = False

    def compose(self, ctx) -> Composed:
        summary = ctx.survey.summary if ctx.survey is not None else None
        files, rendered = build_promo(ctx.project, summary)
        return Composed(files=files, data=rendered)


PRODUCT = Promo()
