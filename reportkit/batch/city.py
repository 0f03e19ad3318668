"""One city's build inside a batch worker.

`build_city` runs in a worker process (a process-pool worker or a Dask worker): it
builds every product of one city project into a private temporary folder with one
process (workers=1: the batch's pool is the parallelism), reads the outputs back as
bytes and removes the folder.  The driver then writes them under OUT/cities/<city>/
all at once, so a worker that is killed mid-build leaves nothing behind.

It never raises for a city's own problems: a user error (bad data) or an unexpected
failure comes back as a "failed" result with the messages, so that one city never
stops the others.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

OK, FAILED = "ok", "failed"
CACHE_DIRS = (".cache",)


@dataclass
class CityResult:
    city: str
    status: str
    seconds: float = 0.0
    errors: int = 0
    message: str = ""
    files: dict = field(default_factory=dict)   # relative path -> bytes
    cpu: float = 0.0                            # CPU seconds of the worker process
    skipped: bool = False


def _build_products(project_dir: Path, out_dir: Path) -> None:
    """Every product of the project, with one process.

    Uses the one build (reportkit.build.build) where the package has it, else the
    per-command build functions: report (with its score and survey files), sheets,
    tracking workbooks and promo images."""
    try:
        from ..build import build   # the one build of every product (issue #9)
    except ImportError:
        build = None
    if build is not None:
        build(project_dir, out_dir, None, quiet=True, workers=1)
        return
    _build_with_commands(project_dir, out_dir)


def _build_with_commands(project_dir: Path, out_dir: Path) -> None:
    from ..charts.render import render_charts
    from ..commands.promo import build_promo
    from ..commands.sheets import build_sheets
    from ..compose.context import ComposeContext
    from ..compose.report import compose_report
    from ..errors import ReportkitError
    from ..export import add_score_outputs
    from ..load.project import open_project
    from ..pipeline import Progress, analyse
    from ..render.docx import default_template, render_docx
    from ..render.pdf import render_pdf
    from ..score.survey import add_survey_outputs
    from ..theme import load_theme
    from ..tracking import Wording, build_template, duties, file_stem
    from ..write import Writer

    progress = Progress(quiet=True)
    # report, score and survey files (as `reportkit report`, in this process)
    built = analyse(project_dir, progress, check_narratives_now=False)
    theme = load_theme(built.project.root)
    ctx = ComposeContext(built.project, built.scores, theme, out_dir / "figures", built.survey)
    doc = compose_report(ctx)
    ctx.problems.raise_if_errors("叙述校验未通过")
    render_charts(list(ctx.specs.values()), out_dir / "figures", theme, cache_dir=out_dir / ".cache" / "figures",
                  workers=1)
    writer = Writer(out_dir)
    writer.add("report.docx", render_docx(doc, theme, default_template("report", built.project.root)))
    writer.add("report.pdf", render_pdf(doc, theme, built.project.root))
    add_score_outputs(writer, built.scores)
    add_survey_outputs(writer, built.survey, built.scores)
    writer.commit()
    # department and town sheets
    build_sheets(project_dir, out_dir, progress, ("pdf", "docx"), workers=1)
    # tracking workbooks
    project, _ = open_project(project_dir, tables=("indicators", "areas", "values", "departments",
                                                   "recommendations"))
    w = Wording.load(project.root)
    writer = Writer(out_dir)
    for dept, items in duties(project).items():
        writer.add(f"tracking/{file_stem(dept)}.xlsx", build_template(project, dept, items, w))
    writer.commit()
    # promo images (without the results image when no questionnaire can be scored yet)
    try:
        summary = built.survey.summary
    except (AttributeError, ReportkitError):
        summary = None
    files, _ = build_promo(built.project, summary)
    writer = Writer(out_dir)
    for rel, data in files.items():
        writer.add(rel, data)
    writer.commit()


def collect_files(root: Path) -> dict[str, bytes]:
    """Every output file under root (caches left out), by relative POSIX path."""
    out: dict[str, bytes] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in CACHE_DIRS)
        for name in sorted(filenames):
            if name.startswith(".") and name.endswith(".tmp"):
                continue
            path = Path(dirpath) / name
            out[path.relative_to(root).as_posix()] = path.read_bytes()
    return out


def _run(city: str, project_dir: Path, out_dir: Path) -> CityResult:
    from ..errors import ReportkitError

    try:
        _build_products(project_dir, out_dir)
        return CityResult(city, OK, files=collect_files(out_dir))
    except ReportkitError as exc:
        errors = len([p for p in exc.problems if p.is_error]) or 1
        return CityResult(city, FAILED, errors=errors, message=exc.format_message())
    except Exception as exc:   # a bug met on this city's data: reported, the batch goes on
        from ..load.province import say

        detail = f"{type(exc).__name__}: {exc}"
        if os.environ.get("REPORTKIT_DEBUG"):
            detail += "\n" + traceback.format_exc()
        return CityResult(city, FAILED, errors=1, message=say("batch_internal", detail=detail))


def build_city(city: str, project_dir: str) -> CityResult:
    """Worker entry point (module level, so spawn and Dask workers can import it)."""
    os.environ["REPORTKIT_NO_FORK"] = "1"   # no helper processes inside a batch worker
    t0, c0 = time.perf_counter(), time.process_time()
    tmp = Path(tempfile.mkdtemp(prefix="reportkit-city-"))
    try:
        result = _run(city, Path(project_dir), tmp / "out")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    result.seconds = round(time.perf_counter() - t0, 3)
    result.cpu = time.process_time() - c0
    return result


def warm() -> int:
    """Pool warm-up: import what every build needs, once per worker process."""
    import reportkit.charts.render  # noqa: F401  (matplotlib and every chart kind)
    import reportkit.render.docx  # noqa: F401
    import reportkit.render.pdf  # noqa: F401  (WeasyPrint)
    return os.getpid()
