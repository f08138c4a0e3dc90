"""The satisfaction figure other reports show (the programme report for donors): how the
trainees of a scope and period rated their courses on the evaluation's scale."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from lms.reports.filters import Filters
from lms.reports.suppression import TOTAL, protect
from lms.surveys.models import SurveyAnswer, SurveyResponse
from lms.surveys.operations.results import Access, group_column, responses_where, threshold

AGREE_FROM = 4  # 4 and 5 on the scale: agree, strongly agree (satisfied)


@dataclass(frozen=True)
class SatisfactionRow:
    """One group's satisfaction; every figure None when the group is hidden (too few responses)."""

    key: object                    # the group's key (beneficiary id, gender code, course id…); None: total
    responses: int | None          # survey responses
    ratings: int | None            # answers on the 1–5 scale, every scale item of every response
    mean: float | None             # their mean, 1 to 5, two decimals
    satisfied_percent: float | None  # share of those answers at 4 or 5, one decimal
    suppressed: bool = False


@dataclass(frozen=True)
class Satisfaction:
    by: str | None
    rows: tuple[SatisfactionRow, ...]  # one per group found, by key (empty without ``by``)
    total: SatisfactionRow
    threshold: int

    @property
    def hides_anything(self) -> bool:
        return self.total.suppressed or any(row.suppressed for row in self.rows)


def satisfaction(session: Session, scope: set[int] | None, *, start: date | None = None, end: date | None = None,
                 by: str | None = None, course_id: int | None = None) -> Satisfaction:
    """Satisfaction of the responses of ``scope`` (beneficiary ids; None: all) answered in the months
    from ``start`` to ``end`` (a response keeps only its month: a period counts the whole months it
    touches), optionally of one course, broken down ``by`` one of "course", "cohort", "beneficiary",
    "language", "gender" (None: the total only). Two queries.

    Every figure is protected like survey results: a group of fewer than ``LMS_REPORT_MIN_GROUP``
    responses is hidden, with another where needed so that the total cannot give it back. The
    caller checks that the viewer may see ``scope`` (``lms.reports.filters.scope_of``).
    """
    access = Access(scope)
    where = responses_where(course_id, Filters({}, start, end), access)
    group, grouping = group_column(by)
    limit = threshold()
    responses = dict(session.execute(select(group, func.count()).where(*where).group_by(*grouping)).all())
    ratings = {key: (n, total, satisfied) for key, n, total, satisfied in session.execute(
        select(group, func.count(SurveyAnswer.value), func.sum(SurveyAnswer.value),
               func.sum(case((SurveyAnswer.value >= AGREE_FROM, 1), else_=0)))
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .where(*where, SurveyAnswer.value.is_not(None)).group_by(*grouping))}
    keys = sorted(responses, key=lambda key: (key is None, str(key))) if by else []
    counts = {(key, TOTAL): responses[key] for key in keys}
    counts[(TOTAL, TOTAL)] = sum(responses.values())
    protection = protect(counts, keys, None, threshold=limit, rows_sensitive=True, columns_sensitive=False,
                         filtered_sensitive=True)

    def row(key, group_keys: list, position: tuple) -> SatisfactionRow:
        if protection.hides(position):
            return SatisfactionRow(key, None, None, None, None, suppressed=True)
        n = sum(ratings.get(k, (0, 0, 0))[0] for k in group_keys)
        summed = sum(ratings.get(k, (0, 0, 0))[1] or 0 for k in group_keys)
        satisfied = sum(ratings.get(k, (0, 0, 0))[2] or 0 for k in group_keys)
        return SatisfactionRow(key, counts[position], n, round(summed / n, 2) if n else None,
                               round(100 * satisfied / n, 1) if n else None)

    return Satisfaction(by, tuple(row(key, [key], (key, TOTAL)) for key in keys),
                        row(None, list(responses), (TOTAL, TOTAL)), limit)
