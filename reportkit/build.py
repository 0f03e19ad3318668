"""The one build: load → validate → score → analyse → compose → draw → render → write.

Every command calls `build()` with the products it makes.  Everything is
gathered first — the project read and validated once, scored once, the survey
run once, every product composed, every chart drawn once, every document laid
out by one warm pool of workers — and only then does the Writer put the files
in place, all together or not at all (as mkdocs' `build()` does).  A failure at
any stage leaves every earlier output as it was.
"""
from __future__ import annotations

import sys
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import click

from . import products as registry
from .errors import Problems, ReportkitError
from .products import SURVEY_NONE, SURVEY_OPTIONAL, SURVEY_REQUIRED, Composed, Needs
from .write import Writer


class Progress:
    """Step announcements and progress bars on stderr (nothing when quiet)."""

    def __init__(self, quiet: bool = False):
        self.quiet = quiet
        self.timings: dict[str, float] = {}

    def step(self, label: str, key: str = ""):
        return _Step(self, label, key or label)

    def bar(self, label: str, total: int):
        if self.quiet or total <= 0:
            return None
        return click.progressbar(length=total, label=label, file=sys.stderr,
                                 show_pos=True)

    def say(self, text: str) -> None:
        if not self.quiet:
            click.echo(text, err=True)


class _Step:
    def __init__(self, progress: Progress, label: str, key: str):
        self.p, self.label, self.key = progress, label, key

    def __enter__(self):
        self.t = time.perf_counter()
        return self

    def __exit__(self, exc_type, *_):
        dt = time.perf_counter() - self.t
        self.p.timings[self.key] = self.p.timings.get(self.key, 0.0) + dt
        if exc_type is None and not self.p.quiet:
            from .messages import msg

            click.echo(msg("progress.step_done", label=self.label, seconds=f"{dt:.1f}"), err=True)


@dataclass
class BuildContext:
    """The hand-off objects every product composes from."""

    project: object                   # model.Project (loaded and validated)
    problems: Problems
    scores: object = None             # score.indicators.Scores
    survey: object = None             # score.survey.SurveyResult (None when not run or not computable)
    survey_error: ReportkitError | None = None
    theme: object = None
    out_dir: Path = Path("build")
    formats: tuple[str, ...] = ("pdf", "docx")
    options: dict = field(default_factory=dict)   # product name -> its options

    @property
    def figures_dir(self) -> Path:
        return self.out_dir / "figures"

    def option(self, product: str, key: str, default=None):
        return self.options.get(product, {}).get(key, default)


@dataclass
class BuildResult:
    context: BuildContext
    composed: dict[str, Composed]
    rendered: dict
    files: list[Path]
    timings: dict[str, float]

    @property
    def project(self):
        return self.context.project

    @property
    def scores(self):
        return self.context.scores

    @property
    def survey(self):
        return self.context.survey

    @property
    def problems(self) -> Problems:
        return self.context.problems


def _union_tables(needs: list[Needs]) -> tuple[str, ...] | None:
    if any(n.tables is None for n in needs):
        return None
    out: list[str] = []
    for n in needs:
        out += [t for t in n.tables if t not in out]
    return tuple(out)


def _survey_need(needs: list[Needs]) -> str:
    kinds = {n.survey for n in needs}
    if SURVEY_REQUIRED in kinds:
        return SURVEY_REQUIRED
    return SURVEY_OPTIONAL if SURVEY_OPTIONAL in kinds else SURVEY_NONE


def default_workers() -> int:
    return min(2, os.cpu_count() or 1)


def prepare(project_dir: Path | str, out_dir: Path | str, products: Sequence[str] | None = None, *,
            formats: Sequence[str] = ("pdf", "docx"), options: dict | None = None,
            progress: Progress | None = None,
            on_composed=None) -> tuple[BuildContext, dict[str, Composed]]:
    """The stages up to composition — load, validate, score, analyse, compose — with
    nothing drawn, laid out or written.  `reportkit validate` and the snapshot tests
    use it; build() continues from it.  `on_composed(ctx, composed)` is called as each
    product is composed (build() starts drawing its charts then)."""
    from .load.project import load_project
    from .messages import msg
    from .theme import load_theme_checked
    from .validate import validate

    project_dir, out_dir = Path(project_dir), Path(out_dir).resolve()
    names = list(products) if products else list(registry.ALL)
    prods = [registry.get(n) for n in names]
    needs = [p.needs for p in prods]
    progress = progress or Progress(quiet=True)
    root = project_dir if project_dir.is_dir() else None
    with progress.step(msg("progress.load"), "load"):
        problems = Problems()
        project, problems = load_project(project_dir, problems, tables=_union_tables(needs))
        theme = load_theme_checked(root, problems)
        if project is not None:
            validate(project, problems, tables=_union_tables(needs))
            if any(n.previous for n in needs):   # v2 `previous`: last year's checkup
                from .previous import load_previous

                load_previous(project, problems)
        problems.raise_if_errors(msg("errors.project_invalid"))
    for p in problems.warnings:
        progress.say(p.format())
    ctx = BuildContext(project, problems, theme=theme, out_dir=out_dir,
                       formats=tuple(f for f in ("pdf", "docx") if f in formats), options=dict(options or {}))
    if any(n.scores for n in needs):
        from .score.indicators import score_project

        with progress.step(msg("progress.score"), "score"):
            ctx.scores = score_project(project)
    survey_need = _survey_need(needs)
    if survey_need != SURVEY_NONE:
        from .score.survey import run_survey

        with progress.step(msg("progress.survey"), "survey"):
            try:
                ctx.survey = run_survey(project)
            except ReportkitError as exc:
                if survey_need == SURVEY_REQUIRED:
                    raise
                ctx.survey_error = exc
    composed: dict[str, Composed] = {}
    with progress.step(msg("progress.compose"), "compose"):
        # the products that lay out documents first: their charts are drawn while the
        # others are composed; the results keep the products' own order
        for p in sorted(prods, key=lambda p: not getattr(p, "renders", False)):
            composed[p.name] = p.compose(ctx)
            if on_composed is not None:
                on_composed(ctx, composed[p.name])
        composed = {p.name: composed[p.name] for p in prods}
        problems.raise_if_errors(msg("errors.narratives_invalid"))
    return ctx, composed


def build(project_dir: Path | str, out_dir: Path | str, products: Sequence[str] | None = None, *,
          formats: Sequence[str] = ("pdf", "docx"), options: dict | None = None, quiet: bool = True,
          workers: int | None = None, progress: Progress | None = None, strict: bool = False) -> BuildResult:
    """Make `products` (names from reportkit.products.REGISTRY; default: all) of the
    project in `project_dir` under `out_dir`.  Raises ReportkitError (exit 2) on a
    user error, before anything is written.  Every document is proofread (reportkit/
    proof.py) once laid out; the findings are printed, and with `strict` they are
    errors: nothing is written."""
    from .theme import load_theme

    project_dir = Path(project_dir)
    names = list(products) if products else list(registry.ALL)
    progress = progress or Progress(quiet)
    workers = default_workers() if workers is None else max(1, int(workers))
    root = project_dir if project_dir.is_dir() else None
    t_start = time.perf_counter()
    Writer.recover(out_dir)   # an earlier build killed while committing is completed (or undone) first

    # The workers start first: they import and warm up while this process reads the project.
    pool = None
    if any(getattr(registry.get(n), "renders", False) for n in names) and workers > 1:
        from .workers import Workers

        pool = Workers(workers, load_theme(root), root, warm="pdf" in formats)
    try:
        ctx, composed = prepare(project_dir, out_dir, names, formats=formats, options=options, progress=progress,
                                on_composed=_prefetch(pool))
        result = _draw_render_write(ctx, composed, pool, workers, progress, root, strict)
    finally:
        if pool is not None:
            pool.close()
    progress.timings["total"] = time.perf_counter() - t_start
    result.timings = dict(progress.timings)
    return result


def _prefetch(pool):
    """The charts of each product as soon as it is composed: the workers draw them while
    the main process composes the next products."""
    if pool is None:
        return None

    def start(ctx: BuildContext, composed: Composed) -> None:
        if not composed.specs:
            return
        from .charts.render import CACHE_DIR, check_specs, from_cache

        specs = check_specs(list(composed.specs.values()), ctx.theme)
        _, misses = from_cache(specs, ctx.theme, ctx.out_dir / CACHE_DIR)
        pool.prefetch(misses)
    return start


def _proofread(ctx: BuildContext, composed: dict[str, Composed], rendered: dict, strict: bool) -> None:
    """The proof (预检) of every rendered document: printed; errors under --strict."""
    from .proof import ProofReport, echo_proof, project_town_term, proof

    term = project_town_term(ctx.project.settings)
    directions = (dict(zip(ctx.scores.table["name"], ctx.scores.table["direction"]))
                  if ctx.scores is not None else {})
    reports = []
    for c in composed.values():
        for dj in c.documents:
            r = rendered.get(dj.stem)
            if r is None:
                continue
            product = f"{dj.stem}.pdf" if r.pdf is not None else f"{dj.stem}.docx"
            reports.append(proof(dj.doc, r.facts, product=product, town_term=term, project_root=ctx.project.root,
                                 directions=directions))
    if not reports:
        return
    echo_proof(*reports)
    ProofReport(reports[0].product if len(reports) == 1 else "", [f for x in reports for f in x.findings],
                ctx.project.root).raise_if_strict(strict)


def _draw_render_write(ctx: BuildContext, composed: dict[str, Composed], pool, workers: int,
                       progress: Progress, root: Path | None, strict: bool = False) -> BuildResult:
    # draw: every chart of every product once, by name
    all_specs: list = []
    for c in composed.values():
        all_specs += list(c.specs.values())
    if not all_specs and not any(c.documents for c in composed.values()):
        # nothing to draw or lay out (results, tracking, intake, promo): no chart
        # machinery (matplotlib) nor the workers' is even imported
        return _write_all(ctx, composed, {}, {}, {}, progress)
    from .messages import msg
    from .theme import find_template
    from .workers import RenderJob, Workers, WorkerDied

    have, misses = {}, []
    if all_specs:   # documents without charts (intake's return slips): no chart machinery imported
        from .charts.render import CACHE_DIR, check_specs, from_cache

        with progress.step(msg("progress.check_charts"), "check"):
            specs = check_specs(all_specs, ctx.theme)
        have, misses = from_cache(specs, ctx.theme, ctx.out_dir / CACHE_DIR)

    jobs = []
    for c in composed.values():
        for dj in c.documents:
            formats = tuple(f for f in dj.formats if f in ctx.formats)
            if not formats:
                continue
            template = None
            if "docx" in formats:
                try:
                    template = find_template(dj.template, root)
                except FileNotFoundError:
                    raise ReportkitError(msg("errors.no_word_template", name=dj.template)) from None
            needs = frozenset(Path(f.path).stem for f in dj.doc.figures())
            jobs.append(RenderJob(dj.stem, dj.doc, formats, template, needs, ctx.figures_dir))

    local = pool is None
    if local:
        pool = Workers(1, ctx.theme, root)
    bar = progress.bar(msg("progress.draw_render"), len(misses) + len(jobs))
    t0 = time.perf_counter()
    try:
        if bar is not None:
            bar.__enter__()
        pngs, new_cache, rendered = pool.run(misses, jobs, have, tick=bar.update if bar is not None else None)
    except WorkerDied:
        raise ReportkitError(msg("errors.worker_died")) from None
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
        if local:
            pool.close()
    progress.timings["draw_render"] = time.perf_counter() - t0
    if bar is not None:   # the bar's step is announced done, with its time, as every other step
        progress.say(msg("progress.step_done", label=msg("progress.draw_render"),
                         seconds=f"{progress.timings['draw_render']:.1f}"))
    _proofread(ctx, composed, rendered, strict)

    return _write_all(ctx, composed, pngs, new_cache, rendered, progress)


def _write_all(ctx: BuildContext, composed: dict[str, Composed], pngs: dict, new_cache: dict, rendered: dict,
               progress: Progress) -> BuildResult:
    """write: everything at once (the documents, figures/, the chart cache, the products' files)."""
    from .messages import msg

    with progress.step(msg("progress.write"), "write"):
        writer = Writer(ctx.out_dir)
        for c in composed.values():
            for rel, data in c.files.items():
                writer.add(rel, data)
            for path, data in c.outside.items():
                writer.add_path(path, data)
        for name, png in pngs.items():
            writer.add(f"figures/{name}.png", png)
        if new_cache:
            from .charts.render import CACHE_DIR

            for cname, png in new_cache.items():
                writer.add(f"{CACHE_DIR}/{cname}", png)
        for c in composed.values():
            for dj in c.documents:
                r = rendered.get(dj.stem)
                if r is None:
                    continue
                if r.pdf is not None:
                    writer.add(f"{dj.stem}.pdf", r.pdf)
                if r.docx is not None:
                    writer.add(f"{dj.stem}.docx", r.docx)
            if c.finish is not None:
                for rel, data in c.finish(rendered).items():
                    writer.add(rel, data)
        files = writer.commit()
    return BuildResult(ctx, composed, rendered, files, {})
