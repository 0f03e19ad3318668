"""Follow-up workbooks: tracking/<department id>.xlsx for every department that
leads or assists a recommendation (`reportkit tracking template`)."""
from __future__ import annotations

from pathlib import Path

from .. import Composed, Needs

TRACKING_DIR = "tracking"
TABLES = ("indicators", "areas", "values", "departments", "recommendations")


class Tracking:
    name = "tracking"
    needs = Needs(tables=TABLES, scores=False)
    renders = False

    def compose(self, ctx) -> Composed:
        from ...errors import ReportkitError
        from ...messages import msg
        from ...tracking import build_template, duties, file_stem, sheet_wording

        project = ctx.project
        from ...terms import project_terms

        w = sheet_wording(project.root, project_terms(project))
        plan = duties(project)
        stems: dict[str, str] = {}
        for dept in plan:
            other = stems.setdefault(file_stem(dept), dept)
            if other != dept:
                raise ReportkitError(msg("done.tracking_dup", a=other, b=dept, stem=file_stem(dept)))
        out = Composed(data=plan)
        for dept, items in plan.items():
            out.add(f"{TRACKING_DIR}/{file_stem(dept)}.xlsx", build_template(project, dept, items, w))
        return out





class TrackingCollect:
    """Reads the workbooks the departments sent back (options: `returned_dir`,
    `write_back`), checks them (every problem by file and cell) and gives the
    contract's tracking table: tracking.csv, and with write_back the project's own
    data/tracking (.xlsx when the project keeps it as .xlsx)."""

    name = "tracking-collect"
    needs = Needs(tables=TABLES, scores=False)
    renders = False

    def compose(self, ctx) -> Composed:
        from ...errors import Problems, ReportkitError, Source, error
        from ...load.tables import write_csv_bytes
        from ...messages import msg
        from ...tracking import collect, tracking_xlsx

        returned = Path(ctx.option(self.name, "returned_dir"))
        if not returned.is_dir():
            raise ReportkitError(msg("collect.failed"), [error(Source(str(returned)), msg("collect.no_dir"),
                                                              hint=msg("collect.no_dir_hint"))])
        paths = sorted(p for p in returned.iterdir()
                       if p.is_file() and p.suffix.lower() == ".xlsx" and not p.name.startswith(("~$", ".")))
        if not paths:
            raise ReportkitError(msg("collect.failed"), [error(Source(str(returned)), msg("collect.no_files"),
                                                              hint=msg("collect.no_files_hint"))])
        result = collect(ctx.project, paths, [p.as_posix() for p in paths])
        ctx.problems.extend(Problems(result.problems.warnings).items)
        result.problems.raise_if_errors(msg("collect.failed_check"))
        out = Composed(data=(result, paths))
        out.add("tracking.csv", write_csv_bytes(result.table))
        if ctx.option(self.name, "write_back", False):
            data = ctx.project.root / "data"
            if (data / "tracking.xlsx").exists():
                out.outside[data / "tracking.xlsx"] = tracking_xlsx(result.table)
            else:
                out.outside[data / "tracking.csv"] = write_csv_bytes(result.table)
        return out


PRODUCTS = {"tracking": Tracking(), "tracking-collect": TrackingCollect()}
