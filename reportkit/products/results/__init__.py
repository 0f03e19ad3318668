"""The machine-readable results other programs read back (contract: "Outputs"):
`results` — scores.csv, scores.xlsx, dimensions.csv, towns.csv;
`survey` — survey/summary.json and the survey tables."""
from __future__ import annotations

from .. import SURVEY_REQUIRED, Composed, Needs

SCORE_TABLES = ("indicators", "areas", "values", "departments", "recommendations")
SURVEY_TABLES = SCORE_TABLES + ("survey_questions", "survey")


class ScoreResults:
    name = "results"
    needs = Needs(tables=SCORE_TABLES)
    renders = False

    def compose(self, ctx) -> Composed:
        from ...export import add_score_outputs

        out = Composed(data=ctx.scores)
        add_score_outputs(out, ctx.scores)
        return out


class SurveyResults:
    name = "survey"
    needs = Needs(tables=SURVEY_TABLES, survey=SURVEY_REQUIRED)
    renders = False

    def compose(self, ctx) -> Composed:
        from ...score.survey import add_survey_outputs

        out = Composed(data=ctx.survey)
        add_survey_outputs(out, ctx.survey, ctx.scores)
        return out


PRODUCTS = {"results": ScoreResults(), "survey": SurveyResults()}
