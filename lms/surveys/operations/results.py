"""Survey results: per item, the distribution of the answers and the mean of a scale, by course,
group, beneficiary, language of study or gender, under the statistics' small-cell suppression.

Every figure of a survey describes people's opinions, so every figure is protected (as a
statistics table filtered by gender is, ``lms.reports.suppression``): a group answering an
item fewer than ``LMS_REPORT_MIN_GROUP`` times (but at least once) is hidden, with another
where needed so that the total cannot give it back. Free text is shown only for a group of at
least that many responses, sorted (never in the order it was written). The counts of
responses are protected like the statistics' counts: where they could tell a person's gender.

Who sees what: managers the responses of their scope (a beneficiary outside it is refused,
403), administrators all, a tutor one of their own groups once it has ended (another tutor's
group is not found, 404; a group still running is refused, 403).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import false, func, literal_column, select
from sqlalchemy.orm import Session

from lms.accounts.models import User
from lms.core.errors import NotAllowed, NotFound
from lms.core.i18n import _, _l
from lms.core.models import utcnow
from lms.courses.models import Course
from lms.reports.dimensions import DIMENSIONS, Member, ordered
from lms.reports.filters import Filters, in_scope, may_view_reports, out_of_scope
from lms.reports.filters import scope_of as statistics_scope
from lms.reports.suppression import TOTAL, protect
from lms.surveys.models import (
    LIKERT,
    SCALE_POINTS,
    TEXT,
    Survey,
    SurveyAnswer,
    SurveyResponse,
    month_of,
)
from lms.tutors.models import Cohort

# The dimensions of the results, each a column copied onto the response.
COLUMNS = {
    "cohort": SurveyResponse.cohort_id,
    "beneficiary": SurveyResponse.beneficiary_id,
    "language": SurveyResponse.language,
    "gender": SurveyResponse.gender,
    "course": SurveyResponse.course_id,
}
BREAKDOWNS = ("cohort", "beneficiary", "language", "gender")
ALL_RESPONSES = _l("All responses")  # the total's row


def threshold() -> int:
    return max(1, int(current_app.config["LMS_REPORT_MIN_GROUP"]))


@dataclass(frozen=True)
class Access:
    """Whose responses a viewer's results read: a scope of beneficiaries (None: all), or one group."""

    scope: set[int] | None
    cohort_id: int | None = None


def may_view_results(user) -> bool:
    """Managers and admins (statistics), and tutors (their ended groups)."""
    return may_view_reports(user) or bool(getattr(user, "is_authenticated", False) and user.is_tutor)


def results_access(session: Session, viewer: User, filters: Filters) -> Access:
    """What ``viewer`` may read with these filters; refusals as the module docstring says."""
    if may_view_reports(viewer):
        scope = statistics_scope(viewer)
        if not all(in_scope(scope, member.beneficiary_id) for member in filters.chosen.values()):
            raise out_of_scope()
        return Access(scope)
    if not getattr(viewer, "is_authenticated", False) or not viewer.is_tutor:
        raise NotAllowed()
    cohort_id = filters.key("cohort")
    if cohort_id is None:
        raise NotAllowed(_("Choose one of your groups: tutors see the evaluation of the groups they tutor."))
    cohort = session.get(Cohort, cohort_id)
    if cohort is None or not cohort.has_tutor(viewer):
        raise NotFound()
    if not cohort.has_ended(utcnow().date()):
        raise NotAllowed(_("The evaluation of a group is shown once the group has ended."))
    return Access(None, cohort.id)


def responses_where(course_id: int | None, filters: Filters, access: Access) -> list:
    """The conditions choosing the responses of a course, filters, period and access."""
    where = []
    if course_id is not None:
        where.append(SurveyResponse.course_id == course_id)
    for name, member in filters.chosen.items():
        column = COLUMNS[name]
        where.append(column.is_(None) if member.key is None else column == member.key)
    if filters.start is not None:
        where.append(SurveyResponse.month >= month_of(filters.start))
    if filters.end is not None:
        where.append(SurveyResponse.month <= filters.end)
    if access.scope is not None:
        where.append(SurveyResponse.beneficiary_id.in_(sorted(access.scope)) if access.scope else false())
    if access.cohort_id is not None:
        where.append(SurveyResponse.cohort_id == access.cohort_id)
    return where


@dataclass
class Figures:
    """One group's answers to one item, or None everywhere when hidden."""

    answers: int | None
    counts: dict[str, int] = field(default_factory=dict)  # scale point ("1"…"5") or option slug → count
    mean: float | None = None
    texts: list[str] | None = None  # free text, when the group is large enough to show it
    suppressed: bool = False

    def share(self, key: str) -> float | None:
        if self.suppressed or not self.answers:
            return None
        return round(100 * self.counts.get(key, 0) / self.answers, 1)


@dataclass
class ItemResult:
    item: dict
    rows: dict[object, Figures]  # by the key of a group of the breakdown
    total: Figures

    @property
    def kind(self) -> str:
        return self.item["kind"]

    def answer_keys(self) -> list[str]:
        if self.kind == LIKERT:
            return [str(point) for point in range(1, SCALE_POINTS + 1)]
        return [option["slug"] for option in self.item["options"]]


@dataclass
class SurveyResults:
    survey: Survey
    course: Course
    filters: Filters
    by: str | None
    threshold: int
    groups: list[Member]  # the breakdown's groups, in order ([] without a breakdown)
    responses: dict[object, int | None]  # responses per group (None: hidden)
    responses_total: int | None
    items: list[ItemResult]
    hides_anything: bool = False


def group_column(by: str | None):
    """The column a breakdown groups by, and what to group by (a constant, ungrouped, without one)."""
    column = (COLUMNS[by] if by else literal_column("NULL")).label("group_key")
    return column, ([column] if by else [])


def survey_results(session: Session, viewer: User, course: Course, filters: Filters,
                   by: str | None = None) -> SurveyResults:
    """The results of the survey of ``course`` for ``viewer``: four queries whatever the data."""
    survey = session.scalar(select(Survey).where(Survey.course_id == course.id))
    if survey is None:
        raise NotFound(_("This course has no evaluation."))
    access = results_access(session, viewer, filters)
    where = responses_where(course.id, filters, access)
    group, grouping = group_column(by)
    limit = threshold()

    responses: dict[object, int] = dict(session.execute(
        select(group, func.count()).where(*where).group_by(*grouping)).all())
    counted: dict[tuple, dict[str, int]] = defaultdict(dict)  # (group, item) → answer → count
    for key, item, value, choice, count in session.execute(
            select(group, SurveyAnswer.item, SurveyAnswer.value, SurveyAnswer.choice, func.count())
            .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
            .where(*where, SurveyAnswer.text.is_(None))
            .group_by(*grouping, SurveyAnswer.item, SurveyAnswer.value, SurveyAnswer.choice)):
        answer = str(value) if value is not None else choice
        counted[(key, item)][answer] = counted[(key, item)].get(answer, 0) + count
    texts: dict[tuple, list[str]] = defaultdict(list)
    for key, item, text in session.execute(
            select(group, SurveyAnswer.item, SurveyAnswer.text)
            .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
            .where(*where, SurveyAnswer.text.is_not(None))):
        texts[(key, item)].append(text)

    keys = list(responses) if by else []
    members = ordered(DIMENSIONS[by].members(session, keys)) if by else []
    total_responses = sum(responses.values())
    sensitive_rows = by == "gender"
    sensitive_filter = "gender" in filters.chosen
    shown_responses = protect({**{(key, TOTAL): n for key, n in responses.items()}, (TOTAL, TOTAL): total_responses},
                              [m.key for m in members], None, threshold=limit, rows_sensitive=sensitive_rows,
                              columns_sensitive=False, filtered_sensitive=sensitive_filter)
    results = SurveyResults(
        survey, course, filters, by, limit, members,
        {m.key: None if shown_responses.hides((m.key, TOTAL)) else responses.get(m.key, 0) for m in members},
        None if shown_responses.hides((TOTAL, TOTAL)) else total_responses, [],
        hides_anything=shown_responses.active)
    for item in survey.items:
        result = _item_result(item, [m.key for m in members], responses, counted, texts, limit)
        results.items.append(result)
        hidden = result.total.suppressed or any(f.suppressed for f in result.rows.values())
        results.hides_anything = results.hides_anything or hidden
    return results


def _item_result(item: dict, keys: list, responses: dict, counted: dict, texts: dict, limit: int) -> ItemResult:
    slug = item["slug"]
    if item["kind"] == TEXT:
        per_group = {key: len(texts.get((key, slug), [])) for key in responses}
    else:
        per_group = {key: sum(counted.get((key, slug), {}).values()) for key in responses}
    counts = {(key, TOTAL): per_group.get(key, 0) for key in keys}
    counts[(TOTAL, TOTAL)] = sum(per_group.values())
    protection = protect(counts, keys, None, threshold=limit, rows_sensitive=True, columns_sensitive=False,
                         filtered_sensitive=True)

    def figures(group_keys: list, position: tuple) -> Figures:
        answers = counts.get(position, 0)
        if protection.hides(position):
            return Figures(None, suppressed=True)
        merged: dict[str, int] = {}
        for key in group_keys:
            for answer, count in counted.get((key, slug), {}).items():
                merged[answer] = merged.get(answer, 0) + count
        result = Figures(answers, merged)
        if item["kind"] == LIKERT and answers:
            result.mean = round(sum(int(point) * count for point, count in merged.items()) / answers, 2)
        if item["kind"] == TEXT:
            result.counts = {}
            group_size = sum(responses.get(key, 0) for key in group_keys)
            if group_size >= limit:
                result.texts = sorted((text for key in group_keys for text in texts.get((key, slug), [])),
                                      key=str.casefold)
        return result

    rows = {key: figures([key], (key, TOTAL)) for key in keys}
    total = figures(list(responses), (TOTAL, TOTAL))
    if total.texts is not None and any(figure.suppressed for figure in rows.values()):
        total.texts = None  # the total's texts less the groups' shown would be the hidden groups'
    return ItemResult(item, rows, total)
