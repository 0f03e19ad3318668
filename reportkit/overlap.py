"""One big document whose charts are drawn while its PDF is laid out (two cores).

The PDF's layout (WeasyPrint, 5-6 s for the provincial summary) needs only the size of
each chart, known before it is drawn (charts/size.py); its write needs the pixels.  So,
instead of drawing every chart first and laying the document out after:

- one warm worker process (the PDF worker) lays the document out at once, with a
  stand-in for every chart still to draw (render/deferred.py), then draws charts from the
  end of the list while the main process draws them from the start (each chart is drawn
  once, by whoever reaches it first: the same bytes whoever draws them);
- the PDF worker then writes the PDF, while the main process writes the Word file with
  the page numbers of that layout.

With one pool worker, its tasks run in the order they were submitted, in one process:
the laid-out document stays in that process between the tasks (`_LAID`).  The same
outputs, byte for byte, as reportkit.workers.Workers.run of the same job.
"""
from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from pathlib import Path

from .workers import Rendered, RenderJob, WorkerDied, init_worker

_LAID: dict = {}     # in the PDF worker: job stem -> render.deferred.Deferred
_DRAWN: dict = {}    # in the PDF worker: job stem -> {str(Figure.path): PNG} it drew itself


def _fig(job: RenderJob, name: str) -> str:
    return str(Path(job.figures_dir) / f"{name}.png") if job.figures_dir is not None else name


# -- the PDF worker's tasks ----------------------------------------------------------
def layout_task(job: RenderJob, images: dict, pending: dict) -> tuple[dict, dict, object, int]:
    from .render import deferred
    from .workers import _STATE

    state = deferred.layout(job.doc, _STATE["theme"], _STATE["root"], images, pending)
    _LAID[job.stem] = state
    _DRAWN[job.stem] = {}
    return state.pages, state.printed, state.facts, state.page_count


def draw_task(job_stem: str, figures_dir, specs: list) -> list[tuple[str, bytes, str]]:
    from .workers import draw_chunk

    out = draw_chunk(specs)
    drawn = _DRAWN.setdefault(job_stem, {})
    for name, png, _ in out:
        drawn[str(Path(figures_dir) / f"{name}.png") if figures_dir is not None else name] = png
    return out


def write_task(job_stem: str, charts: dict):
    from .render import deferred

    state = _LAID.pop(job_stem)
    charts = {**_DRAWN.pop(job_stem, {}), **charts}
    return deferred.write(state, charts)


class PdfWorker:
    """One warm worker process (spawn; it dies with its parent, see reportkit.workers)."""

    def __init__(self, theme, project_root: Path | None, *, warm: bool = True):
        self.theme = theme
        self.root = Path(project_root).resolve() if project_root else None
        self.pool = ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn"),
                                        initializer=init_worker, initargs=(theme, self.root, warm))
        self.pool.submit(int)   # start (and warm) it now

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    def run(self, specs: list, job: RenderJob, have: dict[str, bytes]) -> tuple[dict, dict, dict[str, Rendered]]:
        """Draw `specs` (the charts not in `have`) and render `job`; returns what
        Workers.run returns: (PNG of every chart, new cache entries, {stem: Rendered})."""
        futures: list = []
        try:
            return self._run(specs, job, have, futures)
        except BrokenProcessPool as exc:
            raise WorkerDied(str(exc)) from None
        finally:
            for f in futures:
                f.cancel()

    def _run(self, specs, job, have, futures):
        from .charts.base import draw_png
        from .charts.render import cache_name
        from .charts.size import pixel_size

        theme, pool = self.theme, self.pool
        pngs, cache = dict(have), {}
        pdf = "pdf" in job.formats
        sizes = {s.name: pixel_size(s, theme) for s in specs} if pdf else {}
        first = [s for s in specs if pdf and s.name in job.needs and sizes[s.name] is None]
        later = [s for s in specs if s not in first]

        def draw_here(spec) -> bytes:
            png = draw_png(spec, theme)
            pngs[spec.name] = png
            cache[cache_name(spec, theme)] = png
            return png

        mine = {_fig(job, s.name): draw_here(s) for s in first}   # a size unknown: drawn before the layout
        laid = None
        if pdf:
            images = {_fig(job, n): pngs[n] for n in job.needs if n in pngs}
            pending = {_fig(job, s.name): sizes[s.name] for s in later if s.name in job.needs}
            laid = pool.submit(layout_task, job, images, pending)
            futures.append(laid)
        theirs = {}
        for s in reversed(later):   # the worker's share: from the end, one chart a task
            theirs[s.name] = pool.submit(draw_task, job.stem, job.figures_dir, [s])
            futures.append(theirs[s.name])
        for s in later:             # the main process's: from the start, each chart the worker has not taken
            if theirs[s.name].cancel():
                mine[_fig(job, s.name)] = draw_here(s)
        written = pool.submit(write_task, job.stem, {p: png for p, png in mine.items()}) if pdf else None
        if written is not None:
            futures.append(written)
        for s in later:
            f = theirs[s.name]
            if not f.cancelled():
                for name, png, cname in f.result():
                    pngs[name] = png
                    cache[cname] = png
        printed = laid.result()[1] if laid is not None else None
        docx = self._docx(job, pngs, printed)
        pdf_bytes = pages = anchors = facts = None
        if written is not None:
            out = written.result()
            pdf_bytes, pages, anchors, facts = out.data, out.page_count, out.anchors, out.facts
            if out.printed != printed and docx is not None:   # laid out again (a chart's size was not its stand-in's)
                docx = self._docx(job, pngs, out.printed)
        return pngs, cache, {job.stem: Rendered(job.stem, pdf_bytes, docx, pages, anchors, facts)}

    def _docx(self, job: RenderJob, pngs: dict, printed) -> bytes | None:
        if "docx" not in job.formats or job.template is None:
            return None
        from .render.docx import render_docx

        images = {_fig(job, n): pngs[n] for n in job.needs}
        return render_docx(job.doc, self.theme, job.template, images=images, page_numbers=printed)
