"""Participation in discussion: per group, its posts and the share of its members who wrote."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from lms.courses.models import Enrolment
from lms.forum.models import Forum, ForumPost, ForumThread
from lms.tutors.models import MEMBER_ACTIVE, CohortMembership


@dataclass(frozen=True)
class Participation:
    cohort_id: int
    posts: int  # by anyone (tutors included), hidden ones left out
    member_posts: int  # by its active members
    members: int
    members_who_posted: int

    @property
    def share(self) -> float | None:
        """Percent of active members who wrote at least once; None for a group without members."""
        return 100.0 * self.members_who_posted / self.members if self.members else None


def participation(session: Session, cohort_ids) -> dict[int, Participation]:
    """Each group's participation, for the groups of ``cohort_ids`` (a list or a SELECT), in 2 queries."""
    ids = cohort_ids if not isinstance(cohort_ids, list | tuple | set) else list(cohort_ids)
    members = (select(CohortMembership.cohort_id.label("cohort_id"), Enrolment.user_id.label("user_id"))
               .join(Enrolment, Enrolment.id == CohortMembership.enrolment_id)
               .where(CohortMembership.status == MEMBER_ACTIVE, CohortMembership.cohort_id.in_(ids))
               .subquery())
    member_counts = dict(session.execute(select(members.c.cohort_id, func.count()).group_by(members.c.cohort_id)).all())
    rows = session.execute(
        select(Forum.cohort_id, func.count(ForumPost.id), func.count(members.c.user_id),
               func.count(func.distinct(members.c.user_id)))
        .join(ForumThread, ForumThread.forum_id == Forum.id)
        .join(ForumPost, ForumPost.thread_id == ForumThread.id)
        .outerjoin(members, and_(members.c.cohort_id == Forum.cohort_id, members.c.user_id == ForumPost.author_id))
        .where(Forum.cohort_id.in_(ids), ForumPost.hidden_at.is_(None))
        .group_by(Forum.cohort_id))
    result = {cid: Participation(cid, 0, 0, n, 0) for cid, n in member_counts.items()}
    for cohort_id, posts, member_posts, posted in rows:
        result[cohort_id] = Participation(cohort_id, posts, member_posts, member_counts.get(cohort_id, 0), posted)
    return result
