"""How Alembic autogenerate writes our column types into revisions."""

from __future__ import annotations

from lms.core.models import UTCDateTime


def render_item(type_, obj, autogen_context):
    """Render our TypeDecorators as the plain types they store, so revisions import nothing of ours."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if type_ == "type" and obj.__class__.__name__ == "JSON" and getattr(obj, "_variant_mapping", None):
        autogen_context.imports.add("from sqlalchemy.dialects import postgresql")
        return "sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')"
    return False
