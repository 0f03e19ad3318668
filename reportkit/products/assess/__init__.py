"""The five-year assessment (一年一体检、五年一评估): several yearly checkups read together.

The build's project is the latest checkup (its theme, templates and narratives with
`section: assessment`); the earlier ones come as the option `years` (reportkit.
products.assess.years.Found, found by `discover`) and are loaded, validated and
scored here with the same code.  Outputs: assess/report.docx, assess/report.pdf,
assess/indicators.csv, assess/dimensions.csv (charts under figures/assess-*.png).
"""
from __future__ import annotations

from .. import SURVEY_OPTIONAL, Composed, DocJob, Needs

OUT_DIR = "assess"


class Assess:
    name = "assess"
    needs = Needs(tables=None, survey=SURVEY_OPTIONAL, narratives=True, previous=True)
    renders = True

    def compose(self, ctx) -> Composed:
        from ...compose.context import ComposeContext
        from ...messages import msg
        from .compose import compose_assessment, dimensions_csv, indicators_csv
        from .model import Assessment
        from .years import YearCheckup, load_year

        earlier = []
        for found in ctx.option(self.name, "years", ()) or ():
            y = load_year(found, ctx.problems)
            if y is not None:
                earlier.append(y)
        ctx.problems.raise_if_errors(msg("errors.assess_years_invalid"))
        p = ctx.project
        label = ctx.option(self.name, "label", str(p.root))
        summary = ctx.survey.summary if ctx.survey is not None else None
        years = sorted(earlier + [YearCheckup(p.settings.year, label, p, ctx.scores, summary)], key=lambda y: y.year)
        assessment = Assessment(years, flat_band=p.settings.scoring.flat_band)
        cctx = ComposeContext(p, ctx.scores, ctx.theme, ctx.figures_dir, ctx.survey, problems=ctx.problems,
                              narr=narrative_context(ctx))
        doc = compose_assessment(assessment, cctx)
        files = {f"{OUT_DIR}/indicators.csv": indicators_csv(assessment),
                 f"{OUT_DIR}/dimensions.csv": dimensions_csv(assessment)}
        return Composed(documents=[DocJob(f"{OUT_DIR}/report", doc, template="report.docx")], files=files,
                        specs=dict(cctx.specs), data=(assessment, doc))


class _LazySurveyLists(dict):
    """The hot issues and most mentioned concerns, computed only if a narrative cites
    them (the open-text analysis of a large survey takes seconds)."""

    def __init__(self, scores, survey):
        super().__init__()
        self._args, self._done = (scores, survey), False

    def get(self, key, default=None):
        if not self._done:
            from ...compose.context import survey_lists

            self.update(survey_lists(*self._args))
            self._done = True
        return super().get(key, default)


def narrative_context(ctx):
    """What the analysts' chapters may cite: the latest checkup, as in its report."""
    from ...fmt import Formatter
    from ...narrative import NarrativeContext

    p, p_settings = ctx.project, ctx.project.settings
    fmt = Formatter.from_theme(ctx.theme)
    summary = ctx.survey.summary if ctx.survey is not None else None
    narr = NarrativeContext(ctx.scores, fmt, ctx.theme.data.get("labels", {}), p_settings.city, p_settings.year,
                            summary, None, None, ctx.problems,   # any key: the composition checks them
                            survey_lists=_LazySurveyLists(ctx.scores, ctx.survey))
    if p.previous is not None:
        narr.previous, narr.comparison = p.previous, p.previous.comparison(p, ctx.scores)
    return narr


PRODUCT = Assess()
