"""What the GIFT and Moodle XML writers take: a part of a question bank, category by category.

Questions are stored with every text as a ``{language: text}`` map; an export is in one
language (``language``), each text taken in it or, where it has no translation, as the
pages show it (``lms.core.i18n.localized``: English, else the language it has).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class ExportedQuestion:
    qtype: str
    name: str
    text: dict                  # {language: HTML}
    general_feedback: dict      # {language: HTML}
    definition: dict            # as the question type stores it (types/)
    default_mark: float
    moodle: dict = field(default_factory=dict)  # Moodle's data kept on import: idnumber, tags


@dataclass
class ExportedCategory:
    path: str                   # "Iota/Kappa"
    info: str = ""              # HTML
    questions: list[ExportedQuestion] = field(default_factory=list)


@dataclass
class ExportedBank:
    categories: list[ExportedCategory]
    language: str
    # An embedded image's (name, bytes) by its SHA-256, for formats that carry images.
    stored_file: Callable[[str], tuple[str, bytes] | None] = lambda _sha256: None

    @property
    def question_count(self) -> int:
        return sum(len(category.questions) for category in self.categories)
