"""Languages: how complete each course is in each language; institution names in every language

Revision ID: 0011_languages
Revises: 0010_sessions
Create Date: 2026-12-06 20:45:00

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0011_languages'
down_revision = '0010_sessions'
branch_labels = None
depends_on = None


def _json():
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade():
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language_completeness', _json(), nullable=True))
    with op.batch_alter_table('institution', schema=None) as batch_op:
        batch_op.add_column(sa.Column('names', _json(), nullable=True))
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    with op.batch_alter_table('institution', schema=None) as batch_op:
        batch_op.drop_column('version')
        batch_op.drop_column('names')
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.drop_column('language_completeness')
