"""An attempt's answers with their questions' types and definitions, read and written in bulk."""

from __future__ import annotations

from sqlalchemy import Row, bindparam, select, update
from sqlalchemy.orm import Session

from lms.quizzes.models import AttemptAnswer, Question


def answer_rows(session: Session, attempt_id: int) -> list[Row]:
    """(answer, question type name, question definition) for each position, in order."""
    return list(session.execute(select(AttemptAnswer, Question.qtype, Question.definition)
                                .join(Question, Question.id == AttemptAnswer.question_id)
                                .where(AttemptAnswer.attempt_id == attempt_id)
                                .order_by(AttemptAnswer.position)).all())


def update_answers(session: Session, rows: list[Row], changes: list[dict]) -> None:
    """Write many answers' responses or automatic grades in one statement (``changes`` give
    each row's ``id`` and the same columns).

    A plain table UPDATE, not the ORM's: an answer's ``version`` counts the tutors' grades
    (``version_id_col``), and neither saving a response nor grading on submit is one."""
    if not changes:
        return
    table = AttemptAnswer.__table__
    columns = [name for name in changes[0] if name != "id"]
    statement = (update(table).where(table.c.id == bindparam("answer_id"))
                 .values({name: bindparam(f"new_{name}") for name in columns}))
    session.execute(statement, [{"answer_id": change["id"], **{f"new_{name}": change[name] for name in columns}}
                                for change in changes])
    changed = {change["id"] for change in changes}
    for answer, _qtype, _definition in rows:
        if answer.id in changed:
            session.expire(answer, columns)
