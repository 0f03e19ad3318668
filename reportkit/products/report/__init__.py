"""The city self-check report (城市自体检报告): one Document, as Word and PDF."""
from __future__ import annotations

from .. import SURVEY_REQUIRED, Composed, DocJob, Needs


class Report:
    name = "report"
    needs = Needs(tables=None, survey=SURVEY_REQUIRED, narratives=True, previous=True)
    renders = True

    def compose(self, ctx) -> Composed:
        from ...compose.context import ComposeContext
        from ...compose.report import compose_report

        cctx = ComposeContext(ctx.project, ctx.scores, ctx.theme, ctx.figures_dir, ctx.survey,
                              problems=ctx.problems)
        doc = compose_report(cctx)
        return Composed(documents=[DocJob("report", doc, template="report.docx")], specs=dict(cctx.specs),
                        data=doc)


PRODUCT = Report()
