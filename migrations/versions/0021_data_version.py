"""The shared data version every write that can change a statistic bumps

Revision ID: 0021_data_version
Revises: 0020_forum
Create Date: 2026-12-10 10:00:00.000000

"""
import secrets
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021_data_version'
down_revision = '0020_forum'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table('data_version',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_data_version'))
    )
    op.bulk_insert(table, [{'name': 'statistics', 'version': secrets.randbits(62),
                            'changed_at': datetime.now(UTC)}])


def downgrade():
    op.drop_table('data_version')
