"""Accounts: beneficiaries, institutions, users with roles, personal API tokens."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.reference import (
    ADMIN,
    BENEFICIARIES,
    KOSOVO,
    MANAGER,
    NATIONAL,
    REGIONAL,
    TUTOR,
)
from lms.accounts.time_zones import zone_of
from lms.core.i18n import DEFAULT_LANGUAGE, LANGUAGES, localized
from lms.core.models import Base, JSONType, utcnow


class Beneficiary(Base):
    __tablename__ = "beneficiary"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(2), unique=True)
    languages: Mapped[list] = mapped_column(JSONType, default=list)

    @property
    def name(self) -> str:
        """The translated name, with the asterisk that Kosovo* always carries."""
        name = str(BENEFICIARIES[self.code][0]) if self.code in BENEFICIARIES else self.code
        return name + "*" if self.code == KOSOVO else name

    @property
    def has_footnote(self) -> bool:
        return self.code == KOSOVO

    def can_be_managed_by(self, user: User) -> bool:
        """Whether ``user`` looks after this beneficiary's data (its institutions…): an
        administrator, a regional manager, or its national manager."""
        return user.is_admin or (user.is_manager and user.can_manage_beneficiary(self.id))

    def __repr__(self) -> str:
        return f"<Beneficiary {self.code}>"


class Institution(Base):
    __tablename__ = "institution"
    __table_args__ = (UniqueConstraint("beneficiary_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiary.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))  # in English: the name every language falls back to
    # The name in the other languages ({language: name}), kept by administrators and managers.
    names: Mapped[dict | None] = mapped_column(JSONType)
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    beneficiary: Mapped[Beneficiary] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}

    def name_in(self, language: str | None = None) -> str:
        """The name in ``language`` (the reader's), else in the closest language that has it."""
        return institution_name(self.name, self.names, language)

    @property
    def missing_languages(self) -> list[str]:
        """The languages (English aside) the name has not been written in yet."""
        names = self.names or {}
        return [code for code in LANGUAGES if code != DEFAULT_LANGUAGE and not names.get(code)]

    def can_be_translated_by(self, user: User) -> bool:
        """Who may keep its names: whoever looks after its beneficiary's data."""
        return self.beneficiary.can_be_managed_by(user)


def institution_name(name: str, names: dict | None, language: str | None = None) -> str:
    """An institution's name in a language, from its two columns (for rows read without the model)."""
    return localized({DEFAULT_LANGUAGE: name, **(names or {})}, language)


class UserRole(Base):
    __tablename__ = "user_role"
    __table_args__ = (
        UniqueConstraint("user_id", "role"),
        CheckConstraint("role IN ('trainee', 'tutor', 'manager', 'admin')", name="known_role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))


class User(UserMixin, Base):
    __tablename__ = "user"
    __table_args__ = (
        CheckConstraint("manager_scope IN ('regional', 'national')", name="known_scope"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    full_name: Mapped[str] = mapped_column(String(200))
    beneficiary_id: Mapped[int | None] = mapped_column(ForeignKey("beneficiary.id"), index=True)
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institution.id"), index=True)
    profession: Mapped[str | None] = mapped_column(String(32))
    gender: Mapped[str | None] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(10), default="en")
    # An IANA zone (Europe/Skopje); None: the zone of the beneficiary (lms.accounts.time_zones).
    time_zone: Mapped[str | None] = mapped_column(String(64))
    manager_scope: Mapped[str | None] = mapped_column(String(16))
    is_active_account: Mapped[bool] = mapped_column("is_active", Boolean, default=True)
    # Raised whenever credentials are withdrawn (password change, deactivation): a session
    # row started under an older version is refused even if it was not deleted.
    auth_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column()

    role_rows: Mapped[list[UserRole]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by=UserRole.role
    )
    beneficiary: Mapped[Beneficiary | None] = relationship()
    institution: Mapped[Institution | None] = relationship()

    @property
    def zone_name(self) -> str:
        """The IANA zone this person's times are shown in (chosen, else the beneficiary's)."""
        return zone_of(self)

    # Flask-Login
    @property
    def is_active(self) -> bool:
        return self.is_active_account

    # The key of the server-side session this request is signed in with (not a column):
    # what Flask-Login keeps in the session cookie and the remember-me cookie.
    session_key = None

    def get_id(self) -> str:
        if not self.session_key:
            raise RuntimeError("sign in through lms.accounts.operations.start_session")
        return self.session_key

    # The roles as the session check read them with the user (not a column): used until
    # ``role_rows`` is loaded, which then counts (an administrator changing them).
    role_names = None   # frozenset[str] | None
    # The beneficiary's code as the session check read it (not a column): the default time
    # zone, without loading the beneficiary on every page that shows a time.
    beneficiary_code = None   # str | None
    # What features ask about the signed-in person with the session check
    # (``lms.accounts.operations.sessions.SESSION_FACTS``): {name: value}, for one request.
    session_facts = None   # dict | None

    @property
    def roles(self) -> set[str]:
        if self.role_names is not None and "role_rows" not in self.__dict__:
            return set(self.role_names)
        return {row.role for row in self.role_rows}

    def has_role(self, role: str) -> bool:
        if self.role_names is not None and "role_rows" not in self.__dict__:
            return role in self.role_names
        return any(row.role == role for row in self.role_rows)

    @property
    def is_admin(self) -> bool:
        return self.has_role(ADMIN)

    @property
    def is_tutor(self) -> bool:
        return self.has_role(TUTOR)

    @property
    def is_manager(self) -> bool:
        return self.has_role(MANAGER)

    @property
    def is_regional_manager(self) -> bool:
        return self.is_manager and self.manager_scope == REGIONAL

    def managed_beneficiary_ids(self) -> set[int] | None:
        """Beneficiaries this manager may manage: ``None`` means all of them."""
        if not self.is_manager:
            return set()
        if self.manager_scope == NATIONAL:
            return {self.beneficiary_id} if self.beneficiary_id else set()
        return None

    def can_manage_beneficiary(self, beneficiary_id: int | None) -> bool:
        scope = self.managed_beneficiary_ids()
        return scope is None or (beneficiary_id is not None and beneficiary_id in scope)

    def can_be_administered_by(self, user: User) -> bool:
        """Whether ``user`` may change this account's roles, scope and access."""
        return user.is_admin

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class ApiToken(Base):
    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(12))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()
    # None: the token never expires (its owner chose so).
    expires_at: Mapped[datetime | None] = mapped_column()

    user: Mapped[User] = relationship(lazy="joined")

    def can_be_revoked_by(self, user: User) -> bool:
        return self.user_id == user.id

    def is_usable(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class UserSession(Base):
    """One signed-in browser: the session cookie and the remember-me cookie carry
    ``<id>.<secret>``; deleting the row signs that browser out, both cookies at once."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    # The user's auth_version when the session began: a later one refuses it.
    auth_version: Mapped[int] = mapped_column()
    remember: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    ip_address: Mapped[str] = mapped_column(String(45), default="")

    user: Mapped[User] = relationship()

    def can_be_ended_by(self, user: User) -> bool:
        return self.user_id == user.id
