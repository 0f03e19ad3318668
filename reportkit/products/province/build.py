"""The provincial summary, end to end: read the built cities, analyse, compose, draw
the charts and lay out Word and PDF (reportkit.workers), then write OUT/province/
(report.docx, report.pdf, scores.csv, dimensions.csv, common_problems.csv, figures/)
with one Writer: all of it or, after any failure, nothing."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import Problems, ReportkitError

OUT = "province"


@dataclass
class ProvinceBuild:
    result: object        # analyse.ProvinceResult
    document: object      # reportkit.document.Document
    files: list[Path]
    problems: Problems
    timings: dict = field(default_factory=dict)


def _narratives(province, problems: Problems) -> list:
    from ...errors import Source, warning
    from ...load.narratives import load_narratives
    from ...load.province import say
    from .narrative import SECTIONS

    out = []
    for n in load_narratives(province.root, problems, SECTIONS):
        if n.dimension is not None:
            problems.add(warning(Source(n.display, line=1), say("narr_dimension_ignored", province.root)))
        out.append(n)
    return out


def build_province(province_dir: Path, out_dir: Path, progress=None, formats=("docx", "pdf"),
                   workers: int | None = None) -> ProvinceBuild:
    from ...build import Progress, default_workers
    from ...overlap import PdfWorker
    from ...theme import find_template, load_theme

    t0 = time.perf_counter()
    progress = progress or Progress(quiet=True)
    out_dir = Path(out_dir)
    root = Path(province_dir) if Path(province_dir).is_dir() else None
    workers = default_workers() if workers is None else max(1, int(workers))
    # the PDF worker starts first, before this process imports pandas and matplotlib: it
    # imports and warms up while this process reads the cities; then it lays the report
    # out while this process draws the charts (reportkit/overlap.py)
    pool = PdfWorker(load_theme(root), root, warm="pdf" in formats) if workers > 1 else None
    from ...charts.render import CACHE_DIR, check_specs, from_cache
    from ...compose.context import ComposeContext
    from ...fmt import Formatter
    from ...load.province import open_province, say, wording
    from ...workers import RenderJob, WorkerDied, Workers
    from ...write import Writer
    from .analyse import analyse_province, csv_outputs
    from .compose import ProvinceComposer
    from .data import load_cities
    from .narrative import ProvinceNarrativeContext

    try:
        with progress.step(say("step_read", root)):
            province, problems = open_province(province_dir)
            cities = load_cities(province, out_dir, problems)
            if not any(c.built for c in cities):
                raise ReportkitError(say("province_no_city", province.root), problems.errors)
            w = wording(province.root)
            result = analyse_province(province, cities, w["tracking"]["unreported"])
            narratives = _narratives(province, problems)
            problems.raise_if_errors(say("province_narratives_invalid", province.root))
        with progress.step(say("step_compose", root)):
            theme = load_theme(province.root)
            figures = out_dir / OUT / "figures"
            narr = ProvinceNarrativeContext(result, Formatter.from_theme(theme), w["labels"], w["report"]["joiner"],
                                            problems=problems)
            ctx = ComposeContext(None, None, theme, figures, problems=problems, narr=narr)
            doc = ProvinceComposer(ctx, result, w, narratives).compose()
            problems.raise_if_errors(say("province_narratives_invalid", province.root))
            specs = check_specs(list(ctx.specs.values()), theme)
            cache_dir = out_dir / OUT / CACHE_DIR
            have, misses = from_cache(specs, theme, cache_dir)
            template = find_template("report.docx", province.root) if "docx" in formats else None
            job = RenderJob(f"{OUT}/report", doc, tuple(formats), template,
                            frozenset(Path(f.path).stem for f in doc.figures()), ctx.figures_dir)
        with progress.step(say("step_render", root)):
            runner = pool or Workers(1, theme, province.root)
            try:
                if pool is not None:
                    pngs, new_cache, rendered = pool.run(misses, job, have)
                else:
                    pngs, new_cache, rendered = runner.run(misses, [job], have)
            except WorkerDied:
                from ...messages import msg

                raise ReportkitError(msg("errors.worker_died")) from None
            finally:
                if pool is None:
                    runner.close()
        writer = Writer(out_dir)
        for rel, data in csv_outputs(result).items():
            writer.add(rel, data)
        for name, png in pngs.items():
            writer.add(f"{OUT}/figures/{name}.png", png)
        for cname, png in new_cache.items():
            writer.add(f"{OUT}/{CACHE_DIR}/{cname}", png)
        r = rendered[job.stem]
        if r.pdf is not None:
            writer.add(f"{job.stem}.pdf", r.pdf)
        if r.docx is not None:
            writer.add(f"{job.stem}.docx", r.docx)
        files = writer.commit()
    finally:
        if pool is not None:
            pool.close()
    return ProvinceBuild(result, doc, files, problems, {"total": time.perf_counter() - t0})
