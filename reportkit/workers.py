"""The build's worker processes: they draw the charts and lay out the documents.

One pool per build, started first, so that the workers import matplotlib and
WeasyPrint and load the fonts (warm-up) while the main process reads and
scores the project.  Charts are drawn in small chunks; a document is queued as
soon as the charts it shows exist, biggest documents first, so the last tasks
are short ones.  Workers return bytes; only the build's Writer writes.

Workers are started with "spawn" (never a fork of a process that has loaded
pandas and a project) and die with their parent: on Linux the kernel sends
them SIGKILL when the build process ends (PR_SET_PDEATHSIG), so an interrupted
or killed build leaves no orphan that prints a traceback later.  With one
worker, everything runs in the calling process.
"""
from __future__ import annotations

import atexit
import os
import signal
import sys
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Callable

CHART_CHUNK = 4


@dataclass(frozen=True)
class RenderJob:
    stem: str                          # output path without extension
    doc: object                        # reportkit.document.Document
    formats: tuple[str, ...]
    template: Path | None              # Word template (None: no Word output)
    needs: frozenset = frozenset()     # chart names the document shows
    figures_dir: Path | None = None    # where its Figure paths point


@dataclass(frozen=True)
class Rendered:
    stem: str
    pdf: bytes | None
    docx: bytes | None
    pages: int | None                  # from WeasyPrint's laid-out document
    anchors: dict | None = None        # heading anchor -> page
    facts: object = None               # proof.LayoutFacts of the PDF (reportkit/proof.py)


class WorkerDied(Exception):
    """A worker process ended without an answer (killed, out of memory)."""


_STATE: dict = {}


def _die_with_parent() -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - not glibc
        pass
    if os.getppid() == 1:  # the parent is already gone
        os._exit(0)


def _quick_exit() -> None:
    """A worker's last act (atexit, once the pool has sent it home): the temporary font
    folders of its WeasyPrint font configurations removed, then the process ends without
    the interpreter's teardown of matplotlib, WeasyPrint and their caches (0.3-1 s the
    build waited for in Workers.close, for nothing: the answers were already sent)."""
    pdf = sys.modules.get("reportkit.render.pdf")
    for config in list(getattr(pdf, "_FONT_CONFIGS", {}).values()):
        config.__del__()   # weasyprint.text.fonts.FontConfiguration: removes its folder
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass
    os._exit(0)


def init_worker(theme, project_root: Path | None, warm: bool = True, child: bool = True) -> None:
    """Per-process fixed costs, paid once: imports, theme, fonts."""
    if child:
        _die_with_parent()
        signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C is the parent's to handle
        atexit.register(_quick_exit)
    _STATE.update(theme=theme, root=project_root)
    if not child:   # the calling process: each part is imported when first used
        return
    import reportkit.charts  # noqa: F401  (matplotlib and every chart kind)
    import reportkit.render.docx  # noqa: F401
    if warm:
        from .render.pdf import warm_up

        try:
            warm_up(theme)
        except Exception:  # a failed warm-up only loses the head start; the real render reports
            pass


def draw_chunk(specs: list) -> list[tuple[str, bytes, str]]:
    """Pool entry point: (name, PNG, cache file name) of each spec."""
    import reportkit.charts  # noqa: F401  (every chart kind)
    from .charts.base import draw_png
    from .charts.render import cache_name

    theme = _STATE["theme"]
    return [(s.name, draw_png(s, theme), cache_name(s, theme)) for s in specs]


def render_job(job: RenderJob, images: dict[str, bytes]) -> Rendered:
    """Pool entry point: one Document as PDF and/or Word."""
    theme, root = _STATE["theme"], _STATE["root"]
    by_path = {}
    if job.figures_dir is not None:
        by_path = {str(Path(job.figures_dir) / f"{name}.png"): png for name, png in images.items()}
    pdf = docx = pages = anchors = facts = printed = None
    if "pdf" in job.formats:
        from .render.pdf import render_pdf_document

        laid = render_pdf_document(job.doc, theme, root, images=by_path)
        pdf, pages, anchors, facts, printed = laid.data, laid.page_count, laid.anchors, laid.facts, laid.printed
    if "docx" in job.formats and job.template is not None:
        from .render.docx import render_docx

        # the Word contents carry the page numbers of the same document as laid out for the PDF
        docx = render_docx(job.doc, theme, job.template, images=by_path, page_numbers=printed)
    return Rendered(job.stem, pdf, docx, pages, anchors, facts)


class Workers:
    """A pool of `n` warm worker processes (none when n == 1)."""

    def __init__(self, n: int, theme, project_root: Path | None, *, warm: bool = True):
        self.n = max(1, int(n))
        self.args = (theme, Path(project_root).resolve() if project_root else None, warm)
        self.pool = None
        self._local_ready = False
        self._early: dict = {}        # future -> number of charts, submitted by prefetch()
        self._submitted: dict = {}    # chart name -> spec already being drawn
        if self.n > 1:
            self.pool = ProcessPoolExecutor(max_workers=self.n, mp_context=get_context("spawn"),
                                            initializer=init_worker, initargs=self.args)
            for _ in range(self.n):   # start (and warm) the workers now
                self.pool.submit(int)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _local(self) -> None:
        if not self._local_ready:
            theme, root, warm = self.args
            init_worker(theme, root, warm=False, child=False)
            self._local_ready = True

    def prefetch(self, specs: list) -> None:
        """Start drawing `specs` now (the build calls this as each product is composed,
        so the workers draw while the other products are still being composed);
        run() then waits for them instead of drawing them again.  Without a pool:
        nothing (run() draws them)."""
        if self.pool is None:
            return
        todo = [s for s in specs if s.name not in self._submitted]
        for i in range(0, len(todo), CHART_CHUNK):
            chunk = todo[i:i + CHART_CHUNK]
            try:
                self._early[self.pool.submit(draw_chunk, chunk)] = len(chunk)
            except BrokenProcessPool:   # a worker died: run() reports it (WorkerDied)
                return
            self._submitted.update((s.name, s) for s in chunk)

    def run(self, specs: list, jobs: list[RenderJob], have: dict[str, bytes],
            tick: Callable[[int], None] | None = None) -> tuple[dict[str, bytes], dict[str, bytes], dict[str, Rendered]]:
        """Draw `specs` (charts not in `have`) and render `jobs`.  Returns
        (PNG of every chart, new cache entries, Rendered per job stem)."""
        pngs = dict(have)
        cache: dict[str, bytes] = {}
        jobs = sorted(jobs, key=lambda j: -len(j.doc.blocks))
        # with a pool, even one document goes to it: its workers have WeasyPrint imported
        # and the fonts loaded (warm-up) while this process read the project
        if self.pool is None:
            return self._serial(specs, jobs, pngs, cache, tick)
        out: dict[str, Rendered] = {}
        waiting = list(jobs)
        futures: dict = {f: ("charts", n) for f, n in self._early.items()}
        self._early = {}
        specs = [s for s in specs if self._submitted.get(s.name) != s]
        try:
            for i in range(0, len(specs), CHART_CHUNK):
                chunk = specs[i:i + CHART_CHUNK]
                futures[self.pool.submit(draw_chunk, chunk)] = ("charts", len(chunk))

            def release():
                nonlocal waiting
                ready = [j for j in waiting if j.needs <= pngs.keys()]
                waiting = [j for j in waiting if not j.needs <= pngs.keys()]
                for j in ready:
                    images = {n: pngs[n] for n in j.needs}
                    futures[self.pool.submit(render_job, j, images)] = ("doc", 1)

            release()
            while futures:
                done, _ = wait(futures, return_when=FIRST_COMPLETED)
                for fut in done:
                    kind, n = futures.pop(fut)
                    result = fut.result()
                    if kind == "charts":
                        for name, png, cname in result:
                            pngs[name] = png
                            cache[cname] = png
                    else:
                        out[result.stem] = result
                    if tick:
                        tick(n)
                release()
        except BrokenProcessPool as exc:
            for f in futures:
                f.cancel()
            raise WorkerDied(str(exc)) from None
        except BaseException:
            for f in futures:
                f.cancel()
            raise
        if waiting:  # pragma: no cover - a document shows a chart nobody drew: a composer bug
            raise RuntimeError(f"charts missing for {[j.stem for j in waiting]}")
        return pngs, cache, out

    def _serial(self, specs, jobs, pngs, cache, tick):
        self._local()
        for spec in specs:
            for name, png, cname in draw_chunk([spec]):
                pngs[name] = png
                cache[cname] = png
            if tick:
                tick(1)
        out = {}
        for job in jobs:
            out[job.stem] = render_job(job, {n: pngs[n] for n in job.needs})
            if tick:
                tick(1)
        return pngs, cache, out
