"""The provincial summary, end to end: read the built cities, analyse, compose, draw
the charts, render Word and PDF, write OUT/province/ (report.docx, report.pdf,
scores.csv, dimensions.csv, common_problems.csv, figures/)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ...errors import Problems, ReportkitError, error


@dataclass
class ProvinceBuild:
    result: object        # analyse.ProvinceResult
    document: object      # reportkit.document.Document
    files: list[Path]
    problems: Problems


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
    from ...charts.render import render_charts
    from ...compose.context import ComposeContext
    from ...fmt import Formatter
    from ...load.province import open_province, say, wording
    from ...parallel import Worker
    from ...pipeline import Progress
    from ...render.docx import default_template, render_docx
    from ...render.pdf import render_pdf, warm_up
    from ...theme import load_theme
    from ...write import Writer
    from .analyse import analyse_province, csv_outputs
    from .compose import ProvinceComposer
    from .data import load_cities
    from .narrative import ProvinceNarrativeContext

    progress = progress or Progress(quiet=True)
    out_dir = Path(out_dir)
    worker = Worker(warm_up if "pdf" in formats else None)
    try:
        with progress.step(say("step_read")):
            province, problems = open_province(province_dir)
            cities = load_cities(province, out_dir, problems)
            if not any(c.built for c in cities):
                raise ReportkitError(say("province_no_city", province.root), problems.errors)
            w = wording(province.root)
            result = analyse_province(province, cities, w["tracking"]["unreported"])
            narratives = _narratives(province, problems)
            problems.raise_if_errors(say("province_narratives_invalid", province.root))
        with progress.step(say("step_compose")):
            theme = load_theme(province.root)
            fmt = Formatter.from_theme(theme)
            figures = out_dir / "province" / "figures"
            narr = ProvinceNarrativeContext(result, fmt, w["labels"], w["report"]["joiner"], problems=problems)
            ctx = ComposeContext(None, None, theme, figures, problems=problems, narr=narr)
            doc = ProvinceComposer(ctx, result, w, narratives).compose()
            for kind, key, n in narr.used:
                if (kind, key) not in ctx.labels:
                    where = n.source(None) if n is not None else None
                    msg = "narr_unknown_figure" if kind == "fig" else "narr_unknown_table"
                    problems.add(error(where, say(msg, province.root, key=key)))
            problems.raise_if_errors(say("province_narratives_invalid", province.root))
        with progress.step(say("step_charts")):
            render_charts(list(ctx.specs.values()), figures, theme,
                          cache_dir=out_dir / "province" / ".cache" / "figures",
                          workers=workers if workers is not None else min(2, os.cpu_count() or 1))
        with progress.step(say("step_render")):
            writer = Writer(out_dir)
            if "pdf" in formats:
                worker.submit(render_pdf, doc, theme, province.root)
            if "docx" in formats:
                writer.add("province/report.docx", render_docx(doc, theme, default_template("report", province.root)))
            for rel, data in csv_outputs(result).items():
                writer.add(rel, data)
            if "pdf" in formats:
                writer.add("province/report.pdf", worker.result())
            files = writer.commit()
    finally:
        worker.close()
    return ProvinceBuild(result, doc, files, problems)
