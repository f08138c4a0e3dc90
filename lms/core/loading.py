"""Objects made from plain rows, as a query would load them.

For the few statements every page runs. The ORM's own loading prepares, on every run, a
loader for each column and relationship of the entity, whatever the number of rows; for an
entity with many relationships that costs more than the statement itself (a certificate:
0.3 ms with no row at all). Here the statement is a plain ``select`` of the entity's columns,
run on the connection, and each row becomes the object a query would have given: the one the
session already holds under that identity (unchanged, as a query leaves it), or a new one
with the row's values, marked loaded and persistent in the session. Its relationships load
when first used, as they would after a query without eager loading; a many-to-one whose
object the session already holds is found there, without a statement. The session holds its
objects weakly: an object nothing refers to is gone, so a caller that loads two objects of a
row links them (``set_committed_value``, as eager loading does).
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import Column
from sqlalchemy.orm import Session, make_transient_to_detached, scoped_session
from sqlalchemy.orm.attributes import instance_state


def loaded_columns(entity, *, leave_out: tuple = ()) -> tuple[tuple[str, Column], ...]:
    """The (attribute, column) pairs a query of ``entity`` loads: every column that is not
    deferred, nor one of ``leave_out`` (attributes, left to load when first used)."""
    left_out = {attribute.key for attribute in leave_out}
    return tuple((attribute.key, attribute.columns[0]) for attribute in entity.__mapper__.column_attrs
                 if not attribute.deferred and attribute.key not in left_out)


def as_loaded(session: Session, entity, values: Mapping):
    """The persistent ``entity`` object of these column values (by attribute name), as a query
    in ``session`` would return it."""
    real = session() if isinstance(session, scoped_session) else session
    mapper = entity.__mapper__
    identity = mapper.identity_key_from_primary_key(
        [values[mapper.get_property_by_column(column).key] for column in mapper.primary_key])
    found = real.identity_map.get(identity)
    if found is not None:
        return found
    made = mapper.class_manager.new_instance()
    made.__dict__.update(values)   # in place, not set one by one (which records each as a change)
    make_transient_to_detached(made)   # loaded; what was not given loads when first used
    _attach(real, made)
    return made


def _attach(session: Session, made) -> None:
    """``session.add`` of a detached object, without its save-update cascade: what ``add``
    does first, then it walks every relationship for related objects to add too. One just made
    from columns has none loaded, so the walk finds nothing, and for an entity with many
    relationships (a user) it cost more than the rest of loading. The lock file pins the
    SQLAlchemy whose ``Session`` this calls into; ``tests/core/test_loading.py`` checks the
    object is persistent, unchanged, and written when changed."""
    state = instance_state(made)
    state._orphaned_outside_of_session = False
    session._update_impl(state)


def rows_as_loaded(session: Session, entity, columns: tuple[tuple[str, Column], ...], rows, offset: int = 0):
    """``as_loaded`` for each row, whose values for ``columns`` start at ``offset``."""
    names = [name for name, _column in columns]
    end = offset + len(names)
    return [as_loaded(session, entity, dict(zip(names, row[offset:end], strict=True))) for row in rows]
