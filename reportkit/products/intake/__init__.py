"""The filing loop (数据填报): workbooks for every filer, collection with data checks,
return slips and the progress bulletin, as three products of the build:

- `intake` (`reportkit intake template`): intake/<filer id>.xlsx and intake/index.csv;
- `intake-collect` (`reportkit intake collect DIR [--write]`): intake/collected.csv,
  problems.csv, status.csv, the return slips intake/returns/<filer id>.pdf/.xlsx,
  and with `write_back` the project's data/values;
- `intake-status` (`reportkit intake status DIR`): intake/bulletin.png and .csv.

Options (build(options={name: {...}})): `returned_dir`, `write_back`, `date`
(a datetime.date: the day the bulletin and slips are dated; default SOURCE_DATE_EPOCH's day
when set, else today's local date), `prefetch` (a prefetch.Prefetch: the workbooks read by
the command's helper process while the project loaded).
The modules here are pure: they return bytes, Documents and tables.
"""
from __future__ import annotations

from pathlib import Path

from .. import Composed, DocJob, Needs

INTAKE_DIR = "intake"
CACHE_FILE = ".cache/intake/returns.json"
TABLES = ("indicators", "areas", "values", "departments", "recommendations")


def wording(project_root=None):
    from ...wording import Wording

    return Wording.load("intake.toml", project_root)


def town_term(project, w) -> str:
    """What the documents call the town level: project.toml [terms] town, else the wording's."""
    st = project.settings
    terms = getattr(st, "terms", None)
    got = terms.get("town") if isinstance(terms, dict) else getattr(terms, "town", None)
    if not got:
        extra = getattr(st, "extra", {}) or {}
        got = (extra.get("terms") or {}).get("town") if isinstance(extra.get("terms"), dict) else None
    return got or w.get("problems.town_term")


def _setup(ctx):
    from ...errors import Problems
    from .settings import intake_settings

    w = wording(ctx.project.root)
    problems = Problems()
    settings = intake_settings(ctx.project.settings, problems, w)
    problems.raise_if_errors(w.get("cli.failed"))
    return w, settings


def stems_of(plan, w) -> dict[str, str]:
    from ...errors import ReportkitError
    from ...workbook import file_stem

    stems: dict[str, str] = {}
    seen: dict[str, str] = {}
    for filer in plan.filers:
        stem = file_stem(filer)
        if stem in seen and seen[stem] != filer:
            raise ReportkitError(w.say("cli.stem_clash", a=seen[stem], b=filer, stem=stem))
        seen[stem] = filer
        stems[filer] = stem
    return stems


def _today(ctx, name):
    """The day the bulletin and the return slips are dated: `--date`, else the day
    SOURCE_DATE_EPOCH names (a reproducible build), else today's local date — the
    bulletin is a daily product, reportkit's fixed epoch would date it years back."""
    import datetime as dt
    import os

    from ...write import build_time

    given = ctx.option(name, "date")
    if given:
        return given
    if os.environ.get("SOURCE_DATE_EPOCH", "").strip():
        return build_time().date()
    return dt.date.today()


def listing(returned_dir: Path) -> list[Path]:
    """The files of the returned folder, by name (no folders, no lock or hidden files)."""
    return sorted((p for p in returned_dir.iterdir() if not p.name.startswith(("~$", ".")) and not p.is_dir()),
                  key=lambda p: p.name)


def returned_files(returned_dir: Path, w) -> tuple[list[Path], list[str]]:
    from ...errors import ReportkitError, Source, error

    if not returned_dir.is_dir():
        raise ReportkitError(w.get("cli.failed"), [error(Source(str(returned_dir)), w.get("cli.no_dir"),
                                                         hint=w.get("cli.no_dir_hint"))])
    paths = listing(returned_dir)
    if not paths:
        raise ReportkitError(w.get("cli.failed"), [error(Source(str(returned_dir)), w.get("cli.no_files"),
                                                         hint=w.get("cli.no_files_hint"))])
    return paths, [p.as_posix() for p in paths]


def _read_cache(out_dir: Path) -> dict:
    """What earlier runs read from returned files: out/.cache/intake/returns.json, an
    object of file key (read.file_key) -> what was read (read.dump_return)."""
    import json

    path = Path(out_dir) / CACHE_FILE
    try:
        if path.is_file() and not path.is_symlink() and path.stat().st_size < (64 << 20):
            got = json.loads(path.read_bytes().decode("utf-8"))
            if isinstance(got, dict):
                return got
    except (OSError, ValueError, RecursionError):
        pass
    return {}


def _collect(ctx, name, out: Composed, w, settings):
    import json

    from .collect import collect

    paths, displays = returned_files(Path(ctx.option(name, "returned_dir")), w)
    cache = _read_cache(ctx.out_dir)
    helper = ctx.option(name, "prefetch")
    if helper is not None:   # what the command's helper process read meanwhile (prefetch.py)
        for key, entry in helper.take().items():
            cache.setdefault(key, entry)
    used: dict = {}
    col = collect(ctx.project, paths, displays, settings, w, cache, used)
    # one file, the entries of today's files only: one write (none when nothing changed)
    out.add(CACHE_FILE, json.dumps(used, ensure_ascii=False, sort_keys=True).encode("utf-8"))
    return col, paths


class IntakeTemplate:
    name = "intake"
    needs = Needs(tables=TABLES, scores=False)
    renders = False

    def compose(self, ctx) -> Composed:
        import pandas as pd

        from ...errors import ReportkitError
        from ...load.tables import write_csv_bytes
        from ...workbook import neutral_frame
        from .plan import make_plan
        from .template import build_template, index_rows

        w, settings = _setup(ctx)
        plan = make_plan(ctx.project)
        if not plan.filers:
            raise ReportkitError(w.get("cli.no_items"))
        stems = stems_of(plan, w)
        out = Composed(data=plan)
        for filer in plan.filers:
            out.add(f"{INTAKE_DIR}/{stems[filer]}.xlsx", build_template(ctx.project, plan, filer, w, settings))
        index = pd.DataFrame(index_rows(plan, stems), columns=["filer", "file", "items", "name"])
        out.add(f"{INTAKE_DIR}/index.csv", write_csv_bytes(neutral_frame(index)))
        out.summary = w.say("cli.templates", filers=len(plan.filers), items=plan.total,
                            where=f"{Path(ctx.out_dir) / INTAKE_DIR}/", index=f"{INTAKE_DIR}/index.csv")
        return out


class IntakeCollect:
    name = "intake-collect"
    needs = Needs(tables=TABLES, scores=False)
    renders = False   # the few return slips of a day are laid out in this process

    def compose(self, ctx) -> Composed:
        from ...load.tables import write_csv_bytes
        from ...workbook import neutral_frame
        from .collect import values_after_write
        from .returns import return_document, return_xlsx, returns_filers

        w, settings = _setup(ctx)
        out = Composed()
        col, paths = _collect(ctx, self.name, out, w, settings)
        collected, problems, status = col.tables()
        out.add(f"{INTAKE_DIR}/collected.csv", write_csv_bytes(neutral_frame(collected)))
        out.add(f"{INTAKE_DIR}/problems.csv", write_csv_bytes(neutral_frame(problems)))
        out.add(f"{INTAKE_DIR}/status.csv", write_csv_bytes(neutral_frame(status)))
        today = _today(ctx, self.name)
        stems = stems_of(col.plan, w)
        date = w.say("bulletin.date", y=today.year, m=today.month, d=today.day)
        for filer in returns_filers(col):
            doc = return_document(ctx.project, col, filer, w, settings, date)
            out.documents.append(DocJob(f"{INTAKE_DIR}/returns/{stems[filer]}", doc, ("pdf",), "sheet.docx"))
            out.add(f"{INTAKE_DIR}/returns/{stems[filer]}.xlsx", return_xlsx(col, filer, w))
        written = None
        if ctx.option(self.name, "write_back") and col.accepted:
            written = _values_file(ctx.project, values_after_write(ctx.project, col))
            out.outside[written[0]] = written[1]
        out.data = (col, paths, written)
        return out


class IntakeStatus:
    name = "intake-status"
    needs = Needs(tables=TABLES, scores=False)
    renders = False

    def compose(self, ctx) -> Composed:
        from .bulletin import bulletin_csv, bulletin_png

        w, settings = _setup(ctx)
        out = Composed()
        col, paths = _collect(ctx, self.name, out, w, settings)
        _, _, table = col.tables()
        today = _today(ctx, self.name)
        out.add(f"{INTAKE_DIR}/bulletin.png", bulletin_png(ctx.project, table, settings.deadline, today, w, ctx.theme))
        out.add(f"{INTAKE_DIR}/bulletin.csv", bulletin_csv(table, settings.deadline, today, w))
        out.data = (col, table)
        return out


def _values_file(project, df) -> tuple[Path, bytes]:
    """data/values as it will be written: the project's own file (.csv or .xlsx)."""
    from ...load.tables import write_csv_bytes
    from ...workbook import neutral_frame

    table = project.table("values")
    path = Path(table.path) if table is not None else project.root / "data" / "values.csv"
    df = neutral_frame(df)
    if path.suffix.lower() == ".xlsx":
        return path, _values_xlsx(df)
    payload = write_csv_bytes(df)
    if table is not None and table.encoding == "utf-8" and payload.startswith(b"\xef\xbb\xbf"):
        payload = payload[3:]     # a UTF-8 file without BOM stays so
    return path, payload


def _values_xlsx(df) -> bytes:
    from openpyxl import Workbook

    from ...workbook import NUMBER_TEXT, string_cell
    from ...write import xlsx_bytes

    wb = Workbook()
    ws = wb.active
    ws.title = "values"
    for i, name in enumerate(df.columns, 1):
        string_cell(ws.cell(1, i), name)
    for r, row in enumerate(df.itertuples(index=False), 2):
        for i, (name, v) in enumerate(zip(df.columns, row), 1):
            if v == "" or v is None:
                continue
            if name in ("value", "year") and NUMBER_TEXT.match(str(v)):
                ws.cell(r, i).value = float(v) if name == "value" else int(v)
            else:
                string_cell(ws.cell(r, i), v)
    return xlsx_bytes(wb)


PRODUCTS = {"intake": IntakeTemplate(), "intake-collect": IntakeCollect(), "intake-status": IntakeStatus()}
