"""`reportkit sheets`: one recommendation sheet per department and one sheet per town,
as PDF and Word, plus sheets/index.csv listing what was sent.

Fixed costs are paid once per run: the project is read and scored once, every
chart is drawn once (sheets that show the same indicator share its PNG), and
the sheets are laid out by a small pool of worker processes, each of which
loads fonts, theme and Word template once and renders PDF + Word for the
sheets it is given.
"""
from __future__ import annotations

import csv
import io
import os
import re
import zlib
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

import click

from ..cli_options import out_option, project_option, quiet_option

SHEETS_DIR = "sheets"
INDEX = f"{SHEETS_DIR}/index.csv"
INDEX_COLUMNS = ["department", "file", "items", "pages", "kind", "id"]
TABLES = ("indicators", "areas", "values", "departments", "recommendations")
IN_PROCESS_MAX = 3   # this many sheets or fewer are laid out without a pool


# --- counting pages in a PDF -----------------------------------------------------------
_STREAM = re.compile(rb"(?<![A-Za-z])stream\r?\n")
_PAGES_DICT = re.compile(rb"<<((?:(?!<<|>>).)*?/Type\s*/Pages\b(?:(?!<<|>>).)*)>>", re.S)
_PAGE_DICT = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
_COUNT = re.compile(rb"/Count\s+(\d+)")


def _pdf_object_text(data: bytes) -> bytes:
    """The PDF's object syntax: everything outside streams, plus the decompressed
    contents of object streams (where compressed PDFs keep their page tree)."""
    parts, pos = [], 0
    while True:
        m = _STREAM.search(data, pos)
        if m is None:
            parts.append(data[pos:])
            break
        head = data[pos:m.start()]
        parts.append(head)
        end = data.find(b"endstream", m.end())
        if end < 0:
            break
        obj = head[head.rfind(b" obj"):] if b" obj" in head else head[-400:]
        if b"/ObjStm" in obj:
            body = data[m.end():end]
            try:
                parts.append(zlib.decompress(body) if b"/FlateDecode" in obj else body)
            except zlib.error:
                pass
        pos = end + len(b"endstream")
    return b"\n".join(parts)


def pdf_page_count(data: bytes) -> int:
    """Pages of a PDF given as bytes: /Count of the root page-tree node (the /Pages
    dictionary without /Parent; the last one wins, as in an incremental update),
    else the number of /Type /Page dictionaries."""
    text = _pdf_object_text(data)
    roots = [m.group(1) for m in _PAGES_DICT.finditer(text) if b"/Parent" not in m.group(1)]
    for body in reversed(roots):
        c = _COUNT.search(body)
        if c:
            return int(c.group(1))
    return len(_PAGE_DICT.findall(text))


# --- rendering (runs in worker processes) --------------------------------------------------
@dataclass(frozen=True)
class Job:
    stem: str
    doc: object                 # reportkit.document.Document
    formats: tuple[str, ...]
    needs: frozenset = frozenset()   # chart names (PNG stems) the sheet shows


@dataclass(frozen=True)
class Rendered:
    stem: str
    pdf: bytes | None
    docx: bytes | None
    pages: int | None


_WORKER: dict = {}


def _init_worker(theme, project_root: Path | None, template: Path | None, figures: Path, cache: Path) -> None:
    """Per-process fixed costs, paid once: imports, theme, template path."""
    _WORKER.update(theme=theme, root=project_root, template=template, figures=figures, cache=cache)
    import reportkit.charts.render  # noqa: F401  (matplotlib and every chart kind)
    import reportkit.render.docx  # noqa: F401
    import reportkit.render.pdf  # noqa: F401  (WeasyPrint)


def _draw(specs: list) -> list[str]:
    """Pool entry point: draw (or copy from the cache) a chunk of charts, in this process."""
    from ..charts.render import render_charts

    render_charts(specs, _WORKER["figures"], _WORKER["theme"], cache_dir=_WORKER["cache"], workers=1)
    return [s.name for s in specs]


def _render(job: Job) -> Rendered:
    """Pool entry point: one sheet as PDF and/or Word with the worker's theme and template."""
    theme, root, template = _WORKER["theme"], _WORKER["root"], _WORKER["template"]
    pdf = docx = None
    pages = None
    if "pdf" in job.formats:
        from ..render.pdf import render_pdf

        pdf = render_pdf(job.doc, theme, root)
        pages = pdf_page_count(pdf)
    if "docx" in job.formats:
        from ..render.docx import render_docx

        docx = render_docx(job.doc, theme, template)
    return Rendered(job.stem, pdf, docx, pages)


class RenderPool:
    """Draws the charts and lays out the sheets, in `workers` processes (or in this
    one when workers == 1).  The pool is started first, so that workers import
    WeasyPrint and matplotlib while this process reads the project; charts are
    drawn in small chunks and each sheet is queued as soon as its charts exist."""

    CHART_CHUNK = 4

    def __init__(self, workers: int, theme, project_root: Path | None, template: Path | None, out_dir: Path):
        self.workers = workers
        self.args = (theme, project_root, template, Path(out_dir).resolve() / "figures",
                     Path(out_dir).resolve() / ".cache" / "figures")
        self.pool = None
        if workers > 1:
            self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"),
                                            initializer=_init_worker, initargs=self.args)
            for _ in range(workers):   # start the workers now
                self.pool.submit(int)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def run(self, specs: list, jobs: list[Job], tick=None) -> dict[str, Rendered]:
        # biggest documents first among those ready, so the last tasks are short ones
        jobs = sorted(jobs, key=lambda j: -len(j.doc.blocks))
        if self.pool is None or len(jobs) + len(specs) <= IN_PROCESS_MAX:
            return self._serial(specs, jobs, tick)
        out: dict[str, Rendered] = {}
        drawn: set[str] = set()
        waiting = list(jobs)
        futures = {}
        for i in range(0, len(specs), self.CHART_CHUNK):
            chunk = specs[i:i + self.CHART_CHUNK]
            futures[self.pool.submit(_draw, chunk)] = ("charts", len(chunk))

        def release():
            nonlocal waiting
            ready = [j for j in waiting if j.needs <= drawn]
            waiting = [j for j in waiting if not j.needs <= drawn]
            for j in ready:
                futures[self.pool.submit(_render, j)] = ("sheet", 1)

        release()
        try:
            while futures:
                done, _ = wait(futures, return_when=FIRST_COMPLETED)
                for fut in done:
                    kind, n = futures.pop(fut)
                    result = fut.result()
                    if kind == "charts":
                        drawn.update(result)
                    else:
                        out[result.stem] = result
                    if tick:
                        tick(n)
                release()
        except BaseException:
            for f in futures:
                f.cancel()
            raise
        if waiting:  # pragma: no cover - a sheet needs a chart nobody drew: a composer bug
            raise RuntimeError(f"charts missing for {[j.stem for j in waiting]}")
        return out

    def _serial(self, specs, jobs, tick) -> dict[str, Rendered]:
        _init_worker(*self.args)
        out = {}
        if specs:
            _draw(specs)
            if tick:
                tick(len(specs))
        for job in jobs:
            out[job.stem] = _render(job)
            if tick:
                tick(1)
        return out


# --- the whole build ----------------------------------------------------------------------
def index_csv(rows: list[dict]) -> bytes:
    buf = io.StringIO()
    w = csv.DictWriter(buf, INDEX_COLUMNS, lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    for r in rows:
        w.writerow(r)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _old_index(out_dir: Path) -> list[dict]:
    path = out_dir / INDEX
    if not path.is_file():
        return []
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return []
    return [r for r in csv.DictReader(io.StringIO(text)) if r.get("file")]


@dataclass
class SheetsResult:
    sheets: list            # compose.sheets.Sheet
    index: list[dict]
    files: list[Path]
    charts: int


def build_sheets(project_dir: Path, out_dir: Path, progress, formats=("pdf", "docx"),
                 workers: int | None = None, only: tuple[str, ...] = ()) -> SheetsResult:
    from .. import fonts
    from ..charts.base import check_kind, spec_text
    from ..compose.sheets import compose_sheets
    from ..errors import ReportkitError
    from ..load.project import open_project
    from ..render.docx import default_template
    from ..score.indicators import score_project
    from ..theme import load_theme
    from ..write import Writer

    out_dir = Path(out_dir)
    project_dir = Path(project_dir)
    if workers is None:
        workers = min(2, os.cpu_count() or 1)
    theme = load_theme(project_dir if project_dir.is_dir() else None)
    template = None
    if "docx" in formats:
        try:
            template = default_template("sheet", project_dir if project_dir.is_dir() else None)
        except FileNotFoundError:
            raise ReportkitError("找不到 Word 模板 sheet.docx") from None
    with RenderPool(workers, theme, project_dir.resolve() if project_dir.is_dir() else None, template,
                    out_dir) as pool:
        with progress.step("读取并校验项目"):
            project, _ = open_project(project_dir, tables=TABLES)
        with progress.step("指标评分"):
            scores = score_project(project)
        with progress.step("组织反馈单"):
            sel = set(only) if only else None
            built = compose_sheets(project, scores, theme, out_dir.resolve() / "figures", only=sel)
            built.problems.raise_if_errors("反馈单组织失败")
            if sel is not None:
                found = {s.key for s in built.sheets} | {s.stem for s in built.sheets}
                unknown = sorted(sel - found)
                if unknown:
                    raise ReportkitError(f"--only 指定的部门编号或园镇没有反馈单：{'、'.join(unknown)}")
            specs = list(built.specs.values())
            for spec in specs:   # fail before any drawing when a chart cannot be drawn
                check_kind(spec)
                fonts.require_coverage(spec_text(spec), "sans", where=f"图表 {spec.name}")
        jobs = [Job(s.stem, s.doc, tuple(formats), frozenset(Path(f.path).stem for f in s.doc.figures()))
                for s in built.sheets]
        bar = progress.bar("绘制图表并排版反馈单", len(jobs) + len(specs))
        if bar is not None:
            bar.__enter__()
        try:
            rendered = pool.run(specs, jobs, tick=bar.update if bar is not None else None)
        finally:
            if bar is not None:
                bar.__exit__(None, None, None)

    writer = Writer(out_dir)
    rows = []
    for s in built.sheets:
        r = rendered[s.stem]
        if r.pdf is not None:
            writer.add(f"{SHEETS_DIR}/{s.stem}.pdf", r.pdf)
        if r.docx is not None:
            writer.add(f"{SHEETS_DIR}/{s.stem}.docx", r.docx)
        ext = "pdf" if r.pdf is not None else "docx"
        rows.append({"department": s.name, "file": f"{s.stem}.{ext}", "items": s.count,
                     "pages": "" if r.pages is None else r.pages, "kind": s.kind, "id": s.key})
    if only:
        mine = {r["file"] for r in rows}
        keys = {r["id"] for r in rows}
        rows = [r for r in _old_index(out_dir) if r["file"] not in mine and r.get("id") not in keys] + rows
        from ..compose.sheets import town_stems
        from ..tracking import duties

        canon = [("department", d) for d in duties(project)] + [("town", t) for t in town_stems(project, scores)]
        order = {k: i for i, k in enumerate(canon)}
        rows.sort(key=lambda r: order.get((r.get("kind"), r.get("id")), len(order)))
    writer.add(INDEX, index_csv(rows))
    files = writer.commit()
    return SheetsResult(built.sheets, rows, files, len(specs))


@click.command("sheets")
@project_option
@out_option
@quiet_option
@click.option("--format", "formats", type=click.Choice(["docx", "pdf"]), multiple=True,
              help="只生成指定格式（可重复）；默认 Word 与 PDF 都生成")
@click.option("--only", "only", multiple=True, metavar="ID",
              help="只生成指定部门编号或园镇名称的反馈单（可重复）；sheets/index.csv 中其余各行保留")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="并行排版的进程数（默认为 CPU 核数，最多 2）")
def command(project_dir: Path, out_dir: Path, quiet: bool, formats: tuple[str, ...], only: tuple[str, ...],
            workers: int | None) -> None:
    """生成各部门策略建议落实反馈单与各园镇（街道）指标情况表（Word 与 PDF），并写出 sheets/index.csv。"""
    from ..pipeline import Progress

    formats = tuple(f for f in ("pdf", "docx") if f in formats) if formats else ("pdf", "docx")
    progress = Progress(quiet)
    result = build_sheets(project_dir, out_dir, progress, formats, workers, only)
    depts = sum(1 for s in result.sheets if s.kind == "department")
    towns = len(result.sheets) - depts
    pages = sum(int(r["pages"]) for r in result.index if str(r["pages"]).isdigit()
                and r["id"] in {s.key for s in result.sheets})
    page_text = f"，共 {pages} 页" if "pdf" in formats else ""
    click.echo(f"反馈单已生成：{depts} 个部门、{towns} 个园镇（街道）{page_text}；"
               f"输出在 {Path(out_dir) / SHEETS_DIR}/（清单见 {INDEX}）")
