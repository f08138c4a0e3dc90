"""Questions keep Moodle's data this platform does not use (idnumber, tags) for export

Revision ID: 0012_moodle
Revises: 0011_languages
Create Date: 2026-12-06 20:45:00

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0012_moodle'
down_revision = '0011_languages'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('moodle', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()),
                                                                       'postgresql'),
                                      nullable=False, server_default=sa.text("'{}'")))


def downgrade():
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_column('moodle')
