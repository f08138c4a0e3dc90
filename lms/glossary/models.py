"""Glossary terms as imported from ``content/glossary.yaml``."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from lms.core.i18n import localized
from lms.core.models import Base, JSONType


class GlossaryTerm(Base):
    """One key term of the programme: its name and definition in every language."""

    __tablename__ = "glossary_term"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    position: Mapped[int] = mapped_column()
    term: Mapped[dict] = mapped_column(JSONType)
    definition: Mapped[dict] = mapped_column(JSONType)

    def term_in(self, language: str | None = None) -> str:
        return localized(self.term, language)

    def definition_in(self, language: str | None = None) -> str:
        return localized(self.definition, language)
