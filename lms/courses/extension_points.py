"""Where later features plug into courses, which knows nothing of them.

``courses`` knows lessons and enrolments, not quizzes, cohorts or certificates; each of
those features adds its part here in its ``init_app`` (see ``lms.core.extension_points``):
``tutors`` lets a group's tutors follow and grade its trainees, ``quizzes`` makes "quiz
passed" a completion requirement, ``certificates`` listens for completed courses.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import Select
from sqlalchemy.orm import Session

from lms.core.errors import NotFound
from lms.core.extension_points import ExtensionPoint

if TYPE_CHECKING:
    from lms.courses.completion import RequirementKind
    from lms.courses.content import ContentExtension, ContentFile
    from lms.courses.models import Enrolment

# rule(session, user, enrolment) -> bool: may follow this trainee's progress and read their work
ENROLMENT_VIEWERS: ExtensionPoint[Callable] = ExtensionPoint("courses.enrolment_viewers")
# rule(session, user, enrolment) -> bool: may grade this trainee's work (a tutor of their group)
ENROLMENT_GRADERS: ExtensionPoint[Callable] = ExtensionPoint("courses.enrolment_graders")
# rule(session, user, course) -> bool: may read every lesson without being enrolled (staff preview)
COURSE_PREVIEWERS: ExtensionPoint[Callable] = ExtensionPoint("courses.course_previewers")
# provider(session, enrolment) -> dict: what other features know of an enrolment, e.g.
# {"cohort": "…", "beneficiary": <Beneficiary>, "tutors": ["…"], "language": "sq"} from ``tutors``
ENROLMENT_DETAILS: ExtensionPoint[Callable] = ExtensionPoint("courses.enrolment_details")
# provider(session, enrolment) -> set of beneficiary codes ({"AL"}): the beneficiaries of the groups
# the enrolment is taken in (``tutors``), whose national annexes the trainee is shown
ENROLMENT_BENEFICIARIES: ExtensionPoint[Callable] = ExtensionPoint("courses.enrolment_beneficiaries")
# provider(session, user, cohort_id) -> Select of Enrolment.id, or None when the cohort is not
# this provider's or ``user`` may not see it (certificates put a group's certificates in one ZIP)
COHORT_ENROLMENTS: ExtensionPoint[Callable] = ExtensionPoint("courses.cohort_enrolments")
# The kinds of completion requirement other features add: "quiz" from quizzes, "assignment" from
# tutors ("lessons", every lesson read, is courses' own: ``lms.courses.completion.progress_of``).
COMPLETION_KINDS: ExtensionPoint[RequirementKind] = ExtensionPoint(
    "courses.completion_kinds", key=lambda kind: kind.name)
# provider(session, course, enrolment | None) -> [Step]: what a feature adds to the learning path
# (``lms.courses.operations.path``): a module's quiz, its case study, the final assessment, each with
# the trainee's state; the path puts them after their module's lessons, in course order.
LEARNING_STEPS: ExtensionPoint[Callable] = ExtensionPoint("courses.learning_steps")
# listener(session, enrolment): called once, inside the transaction that completes an enrolment.
COURSE_COMPLETED: ExtensionPoint[Callable] = ExtensionPoint("courses.course_completed")
# Parts of the content format that belong to other features (quiz, assignment sections).
CONTENT_SECTIONS: ExtensionPoint[ContentExtension] = ExtensionPoint(
    "courses.content_sections", key=lambda section: section.name)
# Files beside the course folders (glossary.yaml), checked and imported with the courses.
CONTENT_FILES: ExtensionPoint[ContentFile] = ExtensionPoint("courses.content_files", key=lambda file: file.name)


def details_of(session: Session, enrolment: Enrolment) -> dict:
    details: dict = {}
    for provider in ENROLMENT_DETAILS:
        details.update(provider(session, enrolment) or {})
    return details


def enrolments_of_cohort(session: Session, user, cohort_id: int) -> Select:
    """A Select of the ids of a cohort's enrolments that ``user`` may see; NotFound otherwise."""
    for provider in COHORT_ENROLMENTS:
        query = provider(session, user, cohort_id)
        if query is not None:
            return query
    raise NotFound()
