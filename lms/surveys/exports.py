"""Survey results as CSV and XLSX, through the statistics' writers (formula neutralisation,
the quote-prefix style, streaming): one row per item, group and answer, then the free text."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from flask_babel import format_date
from sqlalchemy.orm import Session

from lms.core.i18n import _, localized
from lms.reports.dimensions import DIMENSIONS
from lms.reports.exports import Export, scope_label
from lms.reports.measures import COUNT, PERCENT, SCORE
from lms.reports.tables import Column
from lms.surveys.models import LIKERT, TEXT
from lms.surveys.operations.results import ALL_RESPONSES, Figures, ItemResult, SurveyResults


@dataclass
class ResultsExport(Export):
    """The head names the course, the filters (no period basis: a response keeps its month)."""

    course_title: str = ""
    threshold: int = 0

    def head(self) -> list[list]:
        rows: list[list] = [[self.title], [_("Course"), self.course_title]]
        rows += [[str(member_label), member.label] for member_label, member in _described(self.filters)]
        if self.filters.start or self.filters.end:
            start = format_date(self.filters.start) if self.filters.start else "…"
            end = format_date(self.filters.end) if self.filters.end else "…"
            rows.append([_("Period"), f"{start} – {end}"])
        rows.append([_("Scope"), self.scope_label])
        rows.append([_("Generated"), self.generated_at.strftime("%Y-%m-%d %H:%M UTC")])
        rows.append([_("Answers are anonymous. Figures of fewer than {count} answers are shown as “suppressed”, "
                       "with others where needed so that totals cannot reveal them; free text only for groups "
                       "of at least {count} responses.").format(count=self.threshold)])
        rows.append([])
        return rows


def _described(filters):
    return [(DIMENSIONS[name].label, member) for name, member in filters.chosen.items()]


def answer_label(result: ItemResult, key: str, scale: list) -> str:
    if result.kind == LIKERT:
        return f"{key} – {localized(scale[int(key) - 1])}"
    return next((localized(o["label"]) for o in result.item["options"] if o["slug"] == key), key)


def _rows(results: SurveyResults) -> Iterator[list]:
    suppressed = _("suppressed")
    groups = [(member.label, member.key) for member in results.groups]
    for result in results.items:
        question = localized(result.item["text"])
        shown: list[tuple[str, Figures]] = [(label, result.rows[key]) for label, key in groups]
        shown.append((str(ALL_RESPONSES), result.total))
        for label, figures in shown:
            if figures.suppressed:
                yield [question, label, suppressed, suppressed, None, None]
                continue
            if result.kind == TEXT:
                yield [question, label, _("Answers"), figures.answers, None, None]
                for text in figures.texts or []:
                    yield [question, label, text, None, None, None]
                continue
            for key in result.answer_keys():
                yield [question, label, answer_label(result, key, results.survey.scale), figures.counts.get(key, 0),
                       figures.share(key), None]
            if result.kind == LIKERT:
                yield [question, label, _("Mean (1–5)"), figures.answers, None, figures.mean]


def results_export(session: Session, viewer, results: SurveyResults, *, now: datetime) -> ResultsExport:
    columns = [Column(_("Question")), Column(_("Group")), Column(_("Answer")), Column(_("Count"), COUNT),
               Column(_("Share (%)"), PERCENT), Column(_("Mean"), SCORE)]
    return ResultsExport(f"evaluation-{results.course.slug}", _("Course evaluation results"), results.filters,
                         columns, _rows(results), now, scope_label(session, viewer) if _is_manager(viewer) else
                         _("Your group"), course_title=results.course.title_in(), threshold=results.threshold)


def _is_manager(viewer) -> bool:
    return viewer.is_admin or viewer.is_manager
