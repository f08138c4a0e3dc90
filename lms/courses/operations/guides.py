"""The tutor guide of a module (model answers, thresholds, common mistakes), for the course's
tutors and programme managers; and the discussion prompts of each module, which the guide
shows and a group forum opens its threads with."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.accounts.models import User
from lms.core.errors import NotAllowed, NotFound
from lms.core.i18n import _, localized
from lms.courses.models import Course, DiscussionPrompt, Module
from lms.courses.operations.lookups import course_by_slug


@dataclass(frozen=True)
class TutorGuide:
    """A module's tutor guide in one language, with what a tutor prepares a session from."""

    course: Course
    module: Module
    modules: tuple[Module, ...]  # every module of the course, for moving between guides
    language: str  # of the text shown ("" when the module has no guide)
    html: str
    outcomes: tuple[str, ...]
    discussion: tuple[DiscussionPrompt, ...]
    requested: str = ""  # the language asked for

    @property
    def fallback(self) -> bool:
        """The guide is shown in the course's default language: it has none in the one asked for."""
        return bool(self.html) and self.language != self.requested

    @property
    def beneficiaries(self) -> list[str]:
        return list(self.module.beneficiaries or [])


def discussion_prompts(session: Session, course: Course, *, module_ids=None) -> list[DiscussionPrompt]:
    """The course's discussion prompts, module by module in course order (of some modules
    only, if ``module_ids`` is given): what a group forum opens its threads with."""
    query = (select(DiscussionPrompt).join(Module, Module.id == DiscussionPrompt.module_id)
             .where(DiscussionPrompt.course_id == course.id, DiscussionPrompt.is_retired.is_(False),
                    Module.is_retired.is_(False))
             .order_by(Module.position, DiscussionPrompt.position))
    if module_ids is not None:
        query = query.where(DiscussionPrompt.module_id.in_(list(module_ids)))
    return list(session.scalars(query))


def tutor_guide(session: Session, user: User, course_slug: str, module_slug: str, language: str) -> TutorGuide:
    """A module's tutor guide in ``language`` (else the course's default language), for whoever
    may preview the course: administrators, programme managers, tutors of its groups."""
    course = course_by_slug(session, course_slug)
    if not course.can_be_previewed_by(user):
        raise NotAllowed(_("The tutor guide is for the tutors and programme managers of this course."))
    # Every module, for moving between guides; only the one shown loads its guide (deferred).
    modules = tuple(course.modules)
    module = next((m for m in modules if m.slug == module_slug), None)
    if module is None:
        raise NotFound()
    guides = module.tutor_guide_html or {}
    shown = language if language in guides else course.default_language if course.default_language in guides else ""
    return TutorGuide(
        course=course, module=module, modules=modules, language=shown, html=guides.get(shown, ""),
        outcomes=tuple(localized(outcome, language) for outcome in module.outcomes or []),
        discussion=tuple(discussion_prompts(session, course, module_ids=[module.id])), requested=language)
