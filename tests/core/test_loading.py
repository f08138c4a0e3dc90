"""Objects made from plain rows are the objects a query would give."""

from __future__ import annotations

from sqlalchemy import inspect, select

from lms.accounts.models import Beneficiary, User
from lms.core.loading import as_loaded, loaded_columns, rows_as_loaded
from lms.extensions import db

USER_COLUMNS = loaded_columns(User)


def _row_of(session, user_id):
    statement = select(*(column for _name, column in USER_COLUMNS)).where(User.id == user_id)
    return session.connection().execute(statement).first()


def test_a_row_becomes_a_persistent_unchanged_object_equal_to_the_query_s(session, make_user):
    user_id = make_user(full_name="Ana Ivanović", beneficiary="MK").id
    session.expunge_all()
    [made] = rows_as_loaded(session, User, USER_COLUMNS, [_row_of(session, user_id)])
    state = inspect(made)
    assert state.persistent and not session.dirty and not state.modified
    assert made.full_name == "Ana Ivanović"
    # Its relationships load when used, as after a query without eager loading.
    assert made.beneficiary == session.scalar(select(Beneficiary).where(Beneficiary.code == "MK"))
    queried = session.get(User, user_id)
    assert queried is made   # the identity map holds it: a query returns the same object
    assert [getattr(made, name) for name, _ in USER_COLUMNS] == list(_row_of(session, user_id))


def test_the_session_s_own_object_is_returned_unchanged(session, make_user):
    user = make_user(full_name="Before")
    user.full_name = "Changed here, not yet flushed"
    stale = {name: getattr(user, name) for name, _ in USER_COLUMNS} | {"full_name": "From the row"}
    assert as_loaded(session, User, stale) is user
    assert user.full_name == "Changed here, not yet flushed"


def test_a_change_to_a_made_object_is_written_like_any_other(session, make_user):
    user_id = make_user(full_name="Old name").id
    session.expunge_all()
    made = as_loaded(session, User, dict(zip((name for name, _ in USER_COLUMNS), _row_of(session, user_id),
                                             strict=True)))
    made.full_name = "New name"
    assert made in session.dirty
    session.commit()
    session.expunge_all()
    assert db.session.get(User, user_id).full_name == "New name"
