"""A question type is one folder, registered in one line: every registered type has its
pieces, the generic code names none of them, and a migrated database accepts them all."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from lms.quizzes.types import QUESTION_TYPES
from tests.conftest import ROOT, build_app

QUIZZES = ROOT / "lms" / "quizzes"
# The code that works for every question type: it goes through the registered types.
GENERIC = [QUIZZES / name for name in ("gift.py", "moodlexml.py", "content.py", "bank.py", "views.py", "api.py",
                                       "schemas.py", "models.py")]
GENERIC += sorted((QUIZZES / "operations").glob("*.py")) + sorted((QUIZZES / "templates").rglob("*.html"))
GENERIC += [ROOT / "lms" / "static" / "js" / "quiz-attempt.js"]


@pytest.mark.parametrize("name", list(QUESTION_TYPES))
def test_each_type_is_one_folder_with_its_class_mappings_schema_and_template(app, name):
    kind = QUESTION_TYPES[name]
    folder = kind.folder
    assert folder == QUIZZES / "types" / name
    for piece in ("__init__.py", "gift.py", "moodle_xml.py", "schema.py", f"templates/{name}.html"):
        assert (folder / piece).is_file(), f"{name}: {piece} is missing"
    with app.app_context():
        module = app.jinja_env.get_template(kind.template).module
    for macro in ("answer", "review", "bank"):
        assert callable(getattr(module, macro, None)), f"{name}: its template piece has no macro {macro}"


@pytest.mark.parametrize("path", GENERIC, ids=lambda path: str(path.relative_to(ROOT)))
def test_the_generic_code_names_no_question_type(path: Path):
    source = path.read_text(encoding="utf-8")
    # A quoted type name, not a mapping key (the schemas' "description" metadata).
    named = [name for name in QUESTION_TYPES if re.search(rf"[\"']{name}[\"'](?!\s*:)", source)]
    assert not named, f"{path.name} names {named}: ask the question type instead"


def test_a_migrated_database_accepts_every_registered_type(tmp_root, empty_database_url):
    """The CHECK constraint of question.qtype is written by the migrations: a new type needs one."""
    from flask_migrate import upgrade

    application = build_app(tmp_root, SQLALCHEMY_DATABASE_URI=empty_database_url)
    with application.app_context():
        upgrade()
    engine = create_engine(empty_database_url)
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            constraint = connection.scalar(text(
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'ck_question_known_type'"))
        else:
            constraint = connection.scalar(text("SELECT sql FROM sqlite_master WHERE name = 'question'"))
    engine.dispose()
    missing = [name for name in QUESTION_TYPES if f"'{name}'" not in constraint]
    assert not missing, f"the migrations do not let the database hold {missing}: add a revision"
