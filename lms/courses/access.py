"""Extension points through which later features widen who may see an enrolment or course.

``courses`` knows nothing of cohorts; ``tutors`` appends a rule here so that a tutor
sees the enrolments of their groups and a manager those of their beneficiary.
"""

from __future__ import annotations

from collections.abc import Callable

# rule(user, enrolment) -> bool: may follow this trainee's progress and read their work
enrolment_viewers: list[Callable] = []
# rule(user, enrolment) -> bool: may grade this trainee's work (a tutor of their group)
enrolment_graders: list[Callable] = []
# provider(session, enrolment) -> dict: facts other features know about an enrolment, e.g.
# {"cohort": "…", "beneficiary": <Beneficiary>, "tutors": ["…"]} from ``tutors``
enrolment_details: list[Callable] = []
# rule(user, course) -> bool: may read every lesson without being enrolled (staff preview)
course_previewers: list[Callable] = []
# rule(user, course) -> str | None: why this user may not self-enrol (a message), or None
enrolment_gates: list[Callable] = []


def can_preview_course(user, course) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_admin or user.is_manager:
        return True
    return any(rule(user, course) for rule in course_previewers)


def can_grade(user, enrolment) -> bool:
    return user.is_authenticated and any(rule(user, enrolment) for rule in enrolment_graders)


def details_of(session, enrolment) -> dict:
    details: dict = {}
    for provider in enrolment_details:
        details.update(provider(session, enrolment) or {})
    return details


# provider(session, user, cohort_id) -> Select of Enrolment.id, or None when the cohort is not
# this provider's or ``user`` may not see it. ``tutors`` registers the real one; certificates
# uses it to put every certificate of a group into one archive.
cohort_enrolments: list[Callable] = []


def enrolments_of_cohort(session, user, cohort_id: int):
    """A Select of the ids of a cohort's enrolments that ``user`` may see; NotFound otherwise."""
    from lms.core.errors import NotFound

    for provider in cohort_enrolments:
        query = provider(session, user, cohort_id)
        if query is not None:
            return query
    raise NotFound()
