"""Statistics' fact tables: a row per enrolment and per reviewed round, kept current, back-filled

Revision ID: 0015_stats
Revises: 0014_evaluation
Create Date: 2026-12-06 20:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_stats'
down_revision = '0014_evaluation'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('enrolment_fact',
    sa.Column('enrolment_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('beneficiary', sa.Integer(), nullable=True),
    sa.Column('institution', sa.Integer(), nullable=True),
    sa.Column('profession', sa.String(length=32), nullable=True),
    sa.Column('gender', sa.String(length=16), nullable=True),
    sa.Column('course', sa.Integer(), nullable=False),
    sa.Column('format', sa.String(length=16), nullable=False),
    sa.Column('cohort', sa.Integer(), nullable=True),
    sa.Column('language', sa.String(length=10), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('enrolled_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_activity_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('progress_percent', sa.Integer(), nullable=False),
    sa.Column('final_score', sa.Float(), nullable=True),
    sa.Column('certificate_status', sa.String(length=16), nullable=True),
    sa.Column('awaiting_review', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolment.id'], name=op.f('fk_enrolment_fact_enrolment_id_enrolment'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('enrolment_id', name=op.f('pk_enrolment_fact'))
    )
    with op.batch_alter_table('enrolment_fact', schema=None) as batch_op:
        batch_op.create_index('ix_enrolment_fact_cohort', ['cohort'], unique=False)
        batch_op.create_index('ix_enrolment_fact_completed_at', ['completed_at'], unique=False)
        batch_op.create_index('ix_enrolment_fact_enrolled_at', ['enrolled_at'], unique=False)
        batch_op.create_index('ix_enrolment_fact_user_id', ['user_id'], unique=False)

    op.create_table('review_fact',
    sa.Column('submission_round_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('seconds', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolment.id'], name=op.f('fk_review_fact_enrolment_id_enrolment'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submission_round_id'], ['submission_round.id'],
                            name=op.f('fk_review_fact_submission_round_id_submission_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('submission_round_id', name=op.f('pk_review_fact'))
    )
    with op.batch_alter_table('review_fact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_fact_enrolment_id'), ['enrolment_id'], unique=False)
        batch_op.create_index('ix_review_fact_seconds', ['seconds'], unique=False)

    # Back-fill: every enrolment's row derived from the records by the statement that keeps
    # them current afterwards (imported here, when the migration runs, as the one definition).
    from lms.reports.fact_rows import fill

    connection = op.get_bind()
    fill(connection, connection.dialect.name)


def downgrade():
    with op.batch_alter_table('review_fact', schema=None) as batch_op:
        batch_op.drop_index('ix_review_fact_seconds')
        batch_op.drop_index(batch_op.f('ix_review_fact_enrolment_id'))

    op.drop_table('review_fact')
    with op.batch_alter_table('enrolment_fact', schema=None) as batch_op:
        batch_op.drop_index('ix_enrolment_fact_user_id')
        batch_op.drop_index('ix_enrolment_fact_enrolled_at')
        batch_op.drop_index('ix_enrolment_fact_completed_at')
        batch_op.drop_index('ix_enrolment_fact_cohort')

    op.drop_table('enrolment_fact')
