"""Announcements: who may post to which groups, who may read them, and telling each reader."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Row, bindparam, exists, func, select, union
from sqlalchemy.orm import Session

from lms.accounts.models import User
from lms.announcements.models import BODY_MAX, TITLE_MAX, Announcement, AnnouncementCohort
from lms.core.errors import NotAllowed, NotFound, ValidationFailed
from lms.core.i18n import _
from lms.core.markdown import render_markdown
from lms.core.models import utcnow
from lms.core.pagination import Page
from lms.core.tasks import enqueue_after_commit
from lms.courses.models import Course, Enrolment
from lms.notifications.operations import notify
from lms.tutors.models import MEMBER_ACTIVE, Cohort, CohortMembership, CohortTutor
from lms.tutors.operations.cohorts import visible_cohorts

KIND = "announcement"
PER_PAGE = 20


@dataclass(frozen=True)
class Draft:
    title: str
    body: str


# --- who may do what ---------------------------------------------------------------------

def member_cohort_ids(user: User):
    """A select of the groups ``user`` is an active member of."""
    return (select(CohortMembership.cohort_id)
            .join(Enrolment, Enrolment.id == CohortMembership.enrolment_id)
            .where(Enrolment.user_id == user.id, CohortMembership.status == MEMBER_ACTIVE))


def readable_cohort_ids(user: User):
    """A select of the groups whose announcements ``user`` reads: as member, tutor or manager."""
    followed = visible_cohorts(user).with_only_columns(Cohort.id)
    return union(member_cohort_ids(user), followed)


def can_read_cohort(session: Session, user: User, cohort: Cohort) -> bool:
    if cohort.can_be_followed_by(user):
        return True
    return bool(getattr(user, "is_authenticated", False)) and bool(session.scalar(select(exists().where(
        CohortMembership.cohort_id == cohort.id, CohortMembership.status == MEMBER_ACTIVE,
        CohortMembership.enrolment_id.in_(select(Enrolment.id).where(Enrolment.user_id == user.id))))))


def may_post_to(user: User, cohort: Cohort) -> bool:
    """The group's own tutors, and managers of its beneficiary (and administrators)."""
    return cohort.has_tutor(user) or cohort.can_be_managed_by(user)


def may_post_to_course(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (user.is_manager or user.is_admin)


def can_read(session: Session, user: User, announcement: Announcement) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(session.scalar(select(exists().where(
        AnnouncementCohort.announcement_id == announcement.id,
        AnnouncementCohort.cohort_id.in_(readable_cohort_ids(user))))))


def announcement_for(session: Session, user: User, announcement_id: int) -> Announcement:
    """The announcement if ``user`` may read it; otherwise it does not exist for them (404)."""
    announcement = session.get(Announcement, announcement_id)
    if announcement is None or not can_read(session, user, announcement):
        raise NotFound()
    return announcement


def cohorts_in_scope(session: Session, user: User, course: Course) -> list[Cohort]:
    """The groups of ``course`` a manager may address at once (those of their beneficiaries)."""
    return list(session.scalars(visible_cohorts(user).where(Cohort.course_id == course.id)
                                .order_by(Cohort.starts_on.desc(), Cohort.name, Cohort.id)))


# --- posting -----------------------------------------------------------------------------

def _checked(draft: Draft) -> Draft:
    title = " ".join((draft.title or "").split())
    body = (draft.body or "").strip()
    errors = {}
    if not title:
        errors["title"] = [_("Give the announcement a title.")]
    elif len(title) > TITLE_MAX:
        errors["title"] = [_("The title is too long ({max} characters at most).").format(max=TITLE_MAX)]
    if not body:
        errors["body"] = [_("Write the announcement.")]
    elif len(body) > BODY_MAX:
        errors["body"] = [_("The announcement is too long ({max} characters at most).").format(max=BODY_MAX)]
    if errors:
        raise ValidationFailed(errors)
    return Draft(title, body)


def _post(session: Session, author: User, course_id: int, cohorts: list[Cohort], draft: Draft) -> Announcement:
    draft = _checked(draft)
    announcement = Announcement(author_id=author.id, course_id=course_id, title=draft.title, body=draft.body,
                                html=render_markdown(draft.body), created_at=utcnow(),
                                cohort_rows=[AnnouncementCohort(cohort_id=cohort.id) for cohort in cohorts])
    session.add(announcement)
    session.flush()
    # Imported here: the task module imports these operations.
    from lms.announcements.tasks import tell_readers

    enqueue_after_commit(session, tell_readers, announcement.id)
    return announcement


def post_to_cohort(session: Session, author: User, cohort: Cohort, draft: Draft) -> Announcement:
    """A tutor's or manager's announcement to one group (the caller has checked ``may_post_to``)."""
    return _post(session, author, cohort.course_id, [cohort], draft)


def post_to_course(session: Session, author: User, course: Course, draft: Draft) -> Announcement:
    """A manager's announcement to every group of ``course`` in their scope."""
    cohorts = cohorts_in_scope(session, author, course)
    if not cohorts:
        _checked(draft)
        raise NotAllowed(_("This course has no group you manage."))
    return _post(session, author, course.id, cohorts, draft)


# --- telling the readers -----------------------------------------------------------------

def readers_of(session: Session, announcement: Announcement) -> list[int]:
    """The ids of the active members and the tutors of its groups, its author aside."""
    cohort_ids = select(AnnouncementCohort.cohort_id).where(AnnouncementCohort.announcement_id == announcement.id)
    members = (select(Enrolment.user_id).join(CohortMembership, CohortMembership.enrolment_id == Enrolment.id)
               .where(CohortMembership.cohort_id.in_(cohort_ids), CohortMembership.status == MEMBER_ACTIVE))
    tutors = select(CohortTutor.user_id).where(CohortTutor.cohort_id.in_(cohort_ids))
    ids = set(session.scalars(union(members, tutors)))
    ids.discard(announcement.author_id)
    return sorted(ids)


def tell_readers(session: Session, announcement_id: int) -> int:
    """Notify each reader once (its dedupe key makes a second run do nothing); return how many."""
    announcement = session.get(Announcement, announcement_id)
    if announcement is None:
        return 0
    told = 0
    for user_id in readers_of(session, announcement):
        made = notify(session, user_id, KIND, params={"title": announcement.title, "author": announcement.author_name,
                                                      "course": announcement.course.title},
                      link_endpoint="announcements.announcement", link_params={"announcement_id": announcement.id},
                      dedupe_key=f"announcement:{announcement.id}")
        told += made is not None
    return told


# --- reading -----------------------------------------------------------------------------

def page_for_cohort(session: Session, cohort: Cohort, page: int = 1, per_page: int = PER_PAGE) -> Page:
    where = Announcement.id.in_(select(AnnouncementCohort.announcement_id)
                                .where(AnnouncementCohort.cohort_id == cohort.id))
    return _page(session, where, page, per_page)


def page_for_course(session: Session, user: User, course: Course, page: int = 1, per_page: int = PER_PAGE) -> Page:
    """The course's announcements ``user`` may read."""
    where = (Announcement.course_id == course.id) & Announcement.id.in_(
        select(AnnouncementCohort.announcement_id)
        .where(AnnouncementCohort.cohort_id.in_(readable_cohort_ids(user))))
    return _page(session, where, page, per_page)


def _page(session: Session, where, page: int, per_page: int) -> Page:
    page = max(page, 1)
    total = session.scalar(select(func.count()).select_from(Announcement).where(where)) or 0
    items = list(session.scalars(select(Announcement).where(where)
                                 .order_by(Announcement.created_at.desc(), Announcement.id.desc())
                                 .limit(per_page).offset((page - 1) * per_page)))
    return Page(items, page, per_page, total)


# Asked on every dashboard and course page: built once, run on the connection, only what the
# list shows (no announcement bodies, authors or groups loaded as objects).
def _member_cohorts(user_id):
    """The groups the person with this id (a column or a parameter) is an active member of."""
    return (select(CohortMembership.cohort_id)
            .join(Enrolment, Enrolment.id == CohortMembership.enrolment_id)
            .where(Enrolment.user_id == user_id, CohortMembership.status == MEMBER_ACTIVE)
            .correlate_except(CohortMembership, Enrolment))   # to the person's id however deep it sits


def any_for(user_id):
    """Whether the person with this id (a column) reads any announcement as a group member: asked
    with the session check of the pages that list the newest (``SESSION_FACTS``), so that
    someone in no group with announcements costs them no statement."""
    return select(AnnouncementCohort.announcement_id).where(
        AnnouncementCohort.cohort_id.in_(_member_cohorts(user_id))).exists()


_MEMBER_COHORTS = _member_cohorts(bindparam("user_id"))
_HEADLINES = (select(Announcement.id, Announcement.title, func.coalesce(User.full_name, "").label("author_name"),
                     Announcement.created_at)
              .outerjoin(User, User.id == Announcement.author_id)
              .where(Announcement.id.in_(select(AnnouncementCohort.announcement_id)
                                         .where(AnnouncementCohort.cohort_id.in_(_MEMBER_COHORTS))))
              .order_by(Announcement.created_at.desc(), Announcement.id.desc()).limit(bindparam("limit")))
_HEADLINES_OF_COURSE = _HEADLINES.where(Announcement.course_id == bindparam("course_id"))


def recent_for(session: Session, user: User, *, course: Course | None = None, limit: int = 3) -> list[Row]:
    """The newest announcements ``user`` reads as a member of a group (of one course, or of all),
    for the dashboard and the course page: rows of id, title, author_name and created_at."""
    statement = _HEADLINES_OF_COURSE if course is not None else _HEADLINES
    params = {"user_id": user.id, "limit": limit} | ({"course_id": course.id} if course is not None else {})
    return list(session.connection().execute(statement, params))
