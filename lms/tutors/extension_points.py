"""Where other features plug into tutored groups (see ``lms.core.extension_points``).

- ``QUEUE_SOURCES``: what waits in the tutors' grading queue. Case studies are the source
  ``tutors`` adds itself; ``quizzes`` adds its essay answers.
- ``MODULE_RESULT_COLUMNS``: what a group's progress table shows per module besides lessons
  and case studies (``quizzes`` adds each module's quiz result).
- ``GRADE_SOURCES``: the graded items of a group's grades export for Moodle (case studies are
  the source ``tutors`` adds itself; ``quizzes`` adds each quiz's grade).
- ``COHORT_SAVED``: ``listener(session, cohort)``, called inside the transaction that created
  or changed a group (``forum`` opens the group's forum and its threads).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Select
from sqlalchemy.orm import Session

from lms.core.extension_points import ExtensionPoint


@dataclass(frozen=True)
class ItemInfo:
    title: str
    url: str


@dataclass(frozen=True)
class QueueSource:
    """A kind of work in the grading queue.

    - ``items(enrolment_ids)``: a SELECT of the source's items for the enrolments in the
      given subquery, with exactly these labelled columns, in this order:
      ``item_id, enrolment_id, module_id, status, submitted_at`` where ``status`` is one of
      ``awaiting`` / ``returned`` / ``graded`` and ``module_id`` may be NULL (a final test);
    - ``describe(session, item_ids)``: ``{item_id: ItemInfo(title, url)}`` in one query.
    """

    kind: str
    label: object
    items: Callable[[Select], Select]
    describe: Callable[[Session, list[int]], dict[int, ItemInfo]]


QUEUE_SOURCES: ExtensionPoint[QueueSource] = ExtensionPoint("tutors.queue_sources", key=lambda source: source.kind)


@dataclass(frozen=True)
class ModuleResultColumn:
    key: str
    label: object
    # (session, SELECT of enrolment ids, course id) -> {(enrolment id, module id): text}
    fetch: Callable[[Session, Select, int], dict[tuple[int, int], str]]


MODULE_RESULT_COLUMNS: ExtensionPoint[ModuleResultColumn] = ExtensionPoint(
    "tutors.module_result_columns", key=lambda column: column.key)


@dataclass(frozen=True)
class GradeSource:
    """Graded items of a course for the grades export.

    ``fetch(session, enrolment_ids, course_id, language)`` gives, in the course's order,
    ``[(column title in that language, highest grade possible, {enrolment id: grade})]`` for the
    enrolments of the SELECT, in a fixed number of queries; an enrolment without a grade is left out.
    """

    kind: str
    fetch: Callable[[Session, Select, int, str], list[tuple[str, float, dict[int, float]]]]


GRADE_SOURCES: ExtensionPoint[GradeSource] = ExtensionPoint("tutors.grade_sources", key=lambda source: source.kind)


# listener(session, cohort): a group was created or saved (in the same transaction)
COHORT_SAVED: ExtensionPoint[Callable] = ExtensionPoint("tutors.cohort_saved")
