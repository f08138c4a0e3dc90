"""An append-only audit log: who did what to which record, before and after, and why."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from lms.core.models import Base, JSONType, utcnow


class AuditEntry(Base):
    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_subject", "subject_type", "subject_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    action: Mapped[str] = mapped_column(String(64))
    subject_type: Mapped[str] = mapped_column(String(64))
    subject_id: Mapped[int] = mapped_column()
    before: Mapped[dict | None] = mapped_column(JSONType)
    after: Mapped[dict | None] = mapped_column(JSONType)
    reason: Mapped[str | None] = mapped_column(Text)


def record(session, *, actor_id: int | None, action: str, subject_type: str, subject_id: int,
           before: dict | None = None, after: dict | None = None, reason: str | None = None) -> AuditEntry:
    """Add an audit entry to the current transaction (it commits or rolls back with it)."""
    entry = AuditEntry(actor_id=actor_id, action=action, subject_type=subject_type,
                       subject_id=subject_id, before=before, after=after, reason=reason)
    session.add(entry)
    return entry


def entries_for(session, subject_type: str, subject_id: int) -> list[AuditEntry]:
    return list(session.scalars(
        select(AuditEntry)
        .where(AuditEntry.subject_type == subject_type, AuditEntry.subject_id == subject_id)
        .order_by(AuditEntry.id)
    ))
