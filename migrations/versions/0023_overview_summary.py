"""The overview's summary: per beneficiary and in all, the counts and histograms its figures
add up; indexes for the figures that depend on the moment (activity, certificates' expiry)

Revision ID: 0023_overview_summary
Revises: 0022_certificate_facts
Create Date: 2026-12-07 08:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023_overview_summary'
down_revision = '0022_certificate_facts'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('report_summary',
    sa.Column('scope', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('n', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('scope', 'kind', 'value', name=op.f('pk_report_summary'))
    )
    with op.batch_alter_table('enrolment_fact', schema=None) as batch_op:
        batch_op.create_index('ix_enrolment_fact_last_activity_at', ['last_activity_at'], unique=False)
        batch_op.create_index('ix_enrolment_fact_certificate_expires_at', ['certificate_expires_at'], unique=False)

    # Derived from the fact tables by the function that keeps it current afterwards (imported
    # here, when the migration runs, as the one definition).
    from lms.reports.summaries import derive

    connection = op.get_bind()
    derive(connection, connection.dialect.name)


def downgrade():
    with op.batch_alter_table('enrolment_fact', schema=None) as batch_op:
        batch_op.drop_index('ix_enrolment_fact_certificate_expires_at')
        batch_op.drop_index('ix_enrolment_fact_last_activity_at')

    op.drop_table('report_summary')
