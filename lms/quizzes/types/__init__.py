"""The question types, each one folder (``lms/quizzes/types/<type>/``, see ``base.py``),
registered here — the only place that lists them.

A type builds the stored *definition* of a question from its parsed languages, shows
the question to a trainee without giving the answer away (``public``), cleans what the
trainee sends (``clean``), grades it (``grade``) and, once review is allowed, explains
the result with the right answers and their feedback (``review``). Definitions keep
every text as a ``{language: text}`` map so one question serves every translation.

The order is the order of the database's list of known types (``Question.qtype``);
a new type goes at the end, with a migration that lets the database accept its name.
"""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

from jinja2 import BaseLoader, FileSystemLoader, PrefixLoader

from lms.quizzes.types import (
    description,
    essay,
    matching,
    multiple_response,
    numerical,
    numerical_units,
    short_answer,
    single_choice,
    true_false,
)
from lms.quizzes.types.base import Grade, QuestionType

QUESTION_TYPES: MappingProxyType[str, QuestionType] = MappingProxyType({kind.name: kind for kind in (
    single_choice.SingleChoice(), multiple_response.MultipleResponse(), true_false.TrueFalse(),
    short_answer.ShortAnswer(), numerical.Numerical(), matching.Matching(), essay.Essay(),
    description.Description(),
    numerical_units.NumericalWithUnits(),
)})

# Names that code outside quizzes compares a question's type with.
SINGLE_CHOICE, TRUE_FALSE = single_choice.NAME, true_false.NAME


def template_loader() -> BaseLoader:
    """Jinja finds each type's template piece in its folder as ``question_types/<type>.html``,
    and the macros the pieces share as ``question_types/pieces.html``."""
    folders = [str(kind.folder / "templates") for kind in QUESTION_TYPES.values()]
    folders.append(str(Path(__file__).parent / "templates"))
    return PrefixLoader({"question_types": FileSystemLoader(folders)})


__all__ = ["QUESTION_TYPES", "SINGLE_CHOICE", "TRUE_FALSE", "Grade", "QuestionType", "template_loader"]
