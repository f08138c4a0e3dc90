"""Discussion forums: one per tutored group, one per self-paced course; threads, posts, their
edit history, subscriptions, what each reader has read, and the daily digests sent."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    exists,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, object_session, relationship

from lms.accounts.models import User
from lms.core.models import Base, utcnow
from lms.courses.models import ACTIVE, Course, DiscussionPrompt, Enrolment, Module
from lms.tutors.models import MEMBER_ACTIVE, Cohort, CohortMembership

GROUP, COURSE = "group", "course"


class Forum(Base):
    """The forum of a tutored group (``cohort_id``) or of a self-paced course (no group).

    ``key`` is ``group:<cohort id>`` or ``course:<course id>``: one forum each, whoever
    creates it first (a group's creation, a content import, ``lms forum seed``)."""

    __tablename__ = "forum"
    __table_args__ = (UniqueConstraint("key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40))
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    course: Mapped[Course] = relationship(lazy="joined", innerjoin=True)
    cohort: Mapped[Cohort | None] = relationship(lazy="joined")

    @property
    def kind(self) -> str:
        return GROUP if self.cohort_id is not None else COURSE

    def title_in(self, language: str | None = None) -> str:
        return self.cohort.name if self.cohort is not None else self.course.title_in(language)

    def is_member(self, user) -> bool:
        """An active trainee of the group (or, for a course forum, enrolled without a group)."""
        if not getattr(user, "is_authenticated", False):
            return False
        session = object_session(self)
        if self.cohort_id is not None:
            return bool(session.scalar(select(exists().where(
                CohortMembership.cohort_id == self.cohort_id, CohortMembership.status == MEMBER_ACTIVE,
                CohortMembership.enrolment_id == Enrolment.id, Enrolment.user_id == user.id))))
        in_group = exists().where(CohortMembership.enrolment_id == Enrolment.id)
        return bool(session.scalar(select(exists().where(
            Enrolment.course_id == self.course_id, Enrolment.user_id == user.id, Enrolment.status == ACTIVE,
            ~in_group))))

    def can_be_moderated_by(self, user) -> bool:
        """The group's tutors, managers whose scope covers its beneficiary, administrators; a
        course forum (trainees of every beneficiary): administrators and regional managers."""
        if not getattr(user, "is_authenticated", False):
            return False
        if user.is_admin:
            return True
        if self.cohort is not None:
            return self.cohort.has_tutor(user) or self.cohort.can_be_managed_by(user)
        return user.is_regional_manager

    def can_be_read_by(self, user) -> bool:
        """Moderators and members; anyone else is told it does not exist."""
        return self.can_be_moderated_by(user) or self.is_member(user)

    def __repr__(self) -> str:
        return f"<Forum {self.id} {self.key}>"


class ForumThread(Base):
    """A thread: opened by someone (its first post), or from a module's discussion prompt."""

    __tablename__ = "forum_thread"
    __table_args__ = (
        UniqueConstraint("forum_id", "prompt_id"),
        Index("ix_forum_thread_forum_pinned", "forum_id", "is_pinned"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(ForeignKey("forum.id", ondelete="CASCADE"))
    # Seeded from the content: its title and opening text are the prompt's, in the reader's language.
    prompt_id: Mapped[int | None] = mapped_column(ForeignKey("discussion_prompt.id"))
    module_id: Mapped[int | None] = mapped_column(ForeignKey("module.id"))
    title: Mapped[str | None] = mapped_column(String(200))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    is_pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    is_locked: Mapped[bool] = mapped_column(Boolean, default=False)

    forum: Mapped[Forum] = relationship(lazy="joined", innerjoin=True)
    prompt: Mapped[DiscussionPrompt | None] = relationship(lazy="joined")
    module: Mapped[Module | None] = relationship(lazy="joined")
    author: Mapped[User | None] = relationship(lazy="joined")

    def title_in(self, language: str | None = None) -> str:
        return self.prompt.title_in(language) if self.prompt is not None else (self.title or "")

    def prompt_in(self, language: str | None = None) -> str:
        return self.prompt.prompt_in(language) if self.prompt is not None else ""


class ForumPost(Base):
    """A post in Markdown (kept as written and as sanitised HTML); hidden by a moderator with a
    reason (then shown to moderators only); edited with every earlier text kept."""

    __tablename__ = "forum_post"
    __table_args__ = (Index("ix_forum_post_thread_created", "thread_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("forum_thread.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    is_opening: Mapped[bool] = mapped_column(Boolean, default=False)
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column()
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    hidden_at: Mapped[datetime | None] = mapped_column()
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    hidden_reason: Mapped[str | None] = mapped_column(Text)
    # Its author and a moderator editing at once: the second save is refused (lms.core.concurrency).
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}

    thread: Mapped[ForumThread] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="joined", innerjoin=True)
    edited_by: Mapped[User | None] = relationship(foreign_keys=[edited_by_id])
    hidden_by: Mapped[User | None] = relationship(foreign_keys=[hidden_by_id])

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class ForumPostRevision(Base):
    """A post's text as it was before an edit."""

    __tablename__ = "forum_post_revision"
    __table_args__ = (UniqueConstraint("post_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("forum_post.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    # When this text was written (the post's creation, or the edit that wrote it) and by whom.
    written_at: Mapped[datetime] = mapped_column()
    written_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    replaced_at: Mapped[datetime] = mapped_column(default=utcnow)

    written_by: Mapped[User] = relationship(lazy="joined", innerjoin=True)


class ForumMention(Base):
    """Someone named in a post with @: told once, however often the post is edited."""

    __tablename__ = "forum_mention"
    __table_args__ = (UniqueConstraint("post_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("forum_post.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)


class ForumSubscription(Base):
    """Whether someone follows a thread (its new posts in their daily digest). A row with
    ``is_subscribed`` false is a choice to stop: replying again does not subscribe them back."""

    __tablename__ = "forum_subscription"
    __table_args__ = (UniqueConstraint("thread_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("forum_thread.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    is_subscribed: Mapped[bool] = mapped_column(Boolean, default=True)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)


class ForumRead(Base):
    """How far someone has read a thread: the newest post they have seen."""

    __tablename__ = "forum_read"
    __table_args__ = (UniqueConstraint("user_id", "thread_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    thread_id: Mapped[int] = mapped_column(ForeignKey("forum_thread.id", ondelete="CASCADE"), index=True)
    last_read_post_id: Mapped[int] = mapped_column(default=0)
    read_at: Mapped[datetime] = mapped_column(default=utcnow)


class ForumDigest(Base):
    """A daily digest sent to one person: one per person per day (the claim that stops a
    second worker, or a retry, from sending it twice), covering posts up to ``covered_until``."""

    __tablename__ = "forum_digest"
    __table_args__ = (
        UniqueConstraint("user_id", "day"),
        CheckConstraint("post_count >= 0", name="post_count_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column()
    covered_until: Mapped[datetime] = mapped_column()
    post_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
