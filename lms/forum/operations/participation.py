"""Participation in discussion: per group, its posts and the share of its members who wrote."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from sqlalchemy import and_, bindparam, func, select
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
    """Each group's participation, for the groups of ``cohort_ids`` (a list or a SELECT), in 2 queries.

    For a list of groups (a group's page) the two statements are built once per process, the
    list bound at each call; a SELECT of groups (the statistics) is built into them each time."""
    if isinstance(cohort_ids, list | tuple | set):
        counts, posts = _statements_for_listed_groups()
        params = {"cohort_ids": list(cohort_ids)}
    else:
        counts, posts = _statements(cohort_ids)
        params = {}
    member_counts = dict(session.execute(counts, params).all())
    result = {cid: Participation(cid, 0, 0, n, 0) for cid, n in member_counts.items()}
    for cohort_id, posts_, member_posts, posted in session.execute(posts, params):
        result[cohort_id] = Participation(cohort_id, posts_, member_posts, member_counts.get(cohort_id, 0), posted)
    return result


@functools.cache
def _statements_for_listed_groups():
    return _statements(bindparam("cohort_ids", expanding=True))


def _statements(ids):
    """The members counted per group, and the posts with how many were by members and by how many."""
    members = (select(CohortMembership.cohort_id.label("cohort_id"), Enrolment.user_id.label("user_id"))
               .join(Enrolment, Enrolment.id == CohortMembership.enrolment_id)
               .where(CohortMembership.status == MEMBER_ACTIVE, CohortMembership.cohort_id.in_(ids))
               .subquery())
    counts = select(members.c.cohort_id, func.count()).group_by(members.c.cohort_id)
    posts = (select(Forum.cohort_id, func.count(ForumPost.id), func.count(members.c.user_id),
                    func.count(func.distinct(members.c.user_id)))
             .join(ForumThread, ForumThread.forum_id == Forum.id)
             .join(ForumPost, ForumPost.thread_id == ForumThread.id)
             .outerjoin(members, and_(members.c.cohort_id == Forum.cohort_id,
                                      members.c.user_id == ForumPost.author_id))
             .where(Forum.cohort_id.in_(ids), ForumPost.hidden_at.is_(None))
             .group_by(Forum.cohort_id))
    return counts, posts
