"""Department recommendation sheets and town sheets, as PDF and Word, plus
sheets/index.csv (what was sent, with each sheet's page count)."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from .. import Composed, DocJob, Needs

SHEETS_DIR = "sheets"
INDEX = f"{SHEETS_DIR}/index.csv"
INDEX_COLUMNS = ["department", "file", "items", "pages", "kind", "id"]
TABLES = ("indicators", "areas", "values", "departments", "recommendations")


def index_csv(rows: list[dict]) -> bytes:
    buf = io.StringIO()
    w = csv.DictWriter(buf, INDEX_COLUMNS, lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    from ...safety.cells import csv_text

    for r in rows:
        w.writerow({k: csv_text(v) for k, v in r.items()})   # no live formulas (docs/security.md)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def old_index(out_dir: Path) -> list[dict]:
    path = Path(out_dir) / INDEX
    if not path.is_file():
        return []
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return []
    from ...safety.cells import uncsv_text

    return [{k: uncsv_text(v) for k, v in r.items()} for r in csv.DictReader(io.StringIO(text)) if r.get("file")]


class Sheets:
    """Options (build(options={"sheets": {...}})): `only` — department ids or town
    names; the other rows of an existing sheets/index.csv are kept."""

    name = "sheets"
    needs = Needs(tables=TABLES, previous=True)
    renders = True

    def compose(self, ctx) -> Composed:
        from ...compose.sheets import compose_sheets
        from ...errors import ReportkitError
        from ...messages import join, msg

        only = tuple(ctx.option(self.name, "only", ()) or ())
        sel = set(only) if only else None
        built = compose_sheets(ctx.project, ctx.scores, ctx.theme, ctx.figures_dir, only=sel)
        ctx.problems.extend(built.problems.items)
        if sel is not None:
            found = {s.key for s in built.sheets} | {s.stem for s in built.sheets}
            unknown = sorted(sel - found)
            if unknown:
                raise ReportkitError(msg("errors.only_unknown", names=join(unknown)))
        docs = [DocJob(f"{SHEETS_DIR}/{s.stem}", s.doc, template="sheet.docx") for s in built.sheets]

        def finish(rendered: dict) -> dict[str, bytes]:
            rows = []
            for s in built.sheets:
                r = rendered.get(f"{SHEETS_DIR}/{s.stem}")
                pdf = r is not None and r.pdf is not None
                rows.append({"department": s.name, "file": f"{s.stem}.{'pdf' if pdf else 'docx'}",
                             "items": s.count, "pages": r.pages if pdf else "", "kind": s.kind, "id": s.key})
            if only:
                rows = _merge_index(ctx, rows)
            return {INDEX: index_csv(rows)}

        return Composed(documents=docs, specs=dict(built.specs), finish=finish, data=built)


def _merge_index(ctx, rows: list[dict]) -> list[dict]:
    """With --only: keep the other rows of the previous index, in the canonical order."""
    from ...compose.sheets import town_stems
    from ...tracking import duties

    mine = {r["file"] for r in rows}
    keys = {r["id"] for r in rows}
    rows = [r for r in old_index(ctx.out_dir) if r["file"] not in mine and r.get("id") not in keys] + rows
    canon = [("department", d) for d in duties(ctx.project)] + \
            [("town", t) for t in town_stems(ctx.project, ctx.scores)]
    order = {k: i for i, k in enumerate(canon)}
    rows.sort(key=lambda r: order.get((r.get("kind"), r.get("id")), len(order)))
    return rows


PRODUCT = Sheets()
