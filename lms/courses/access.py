"""Extension points through which later features widen who may see an enrolment or course.

``courses`` knows nothing of cohorts; ``tutors`` appends a rule here so that a tutor
sees the enrolments of their groups and a manager those of their beneficiary.
"""

from __future__ import annotations

from collections.abc import Callable

# rule(user, enrolment) -> bool
enrolment_viewers: list[Callable] = []
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
