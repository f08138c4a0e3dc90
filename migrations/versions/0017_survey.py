"""End-of-course survey: anonymous responses and their answers, and who answered

Revision ID: 0017_survey
Revises: 0016_meetings
Create Date: 2026-12-06 23:48:02

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0017_survey'
down_revision = '0016_meetings'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('survey',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('required_for_certificate', sa.Boolean(), nullable=False),
    sa.Column('title', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('intro', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('scale', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('items', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_survey_course_id_course')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey')),
    sa.UniqueConstraint('course_id', name=op.f('uq_survey_course_id'))
    )
    op.create_table('survey_response',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=True),
    sa.Column('beneficiary_id', sa.Integer(), nullable=True),
    sa.Column('language', sa.String(length=10), nullable=False),
    sa.Column('gender', sa.String(length=16), nullable=True),
    sa.Column('month', sa.Date(), nullable=False),
    sa.CheckConstraint('length(id) = 32', name=op.f('ck_survey_response_random_id')),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_survey_response_course_id_course')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_response')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('survey_response', schema=None) as batch_op:
        batch_op.create_index('ix_survey_response_cohort', ['cohort_id'], unique=False)
        batch_op.create_index('ix_survey_response_course_month', ['course_id', 'month'], unique=False)

    op.create_table('survey_answer',
    sa.Column('response_id', sa.String(length=32), nullable=False),
    sa.Column('item', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Integer(), nullable=True),
    sa.Column('choice', sa.String(length=64), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.CheckConstraint('value IS NULL OR value BETWEEN 1 AND 5', name=op.f('ck_survey_answer_scale_point')),
    sa.ForeignKeyConstraint(['response_id'], ['survey_response.id'], name=op.f('fk_survey_answer_response_id_survey_response'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('response_id', 'item', name=op.f('pk_survey_answer')),
    sqlite_with_rowid=False
    )
    op.create_table('survey_participation',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_survey_participation_course_id_course')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_survey_participation_user_id_user')),
    sa.PrimaryKeyConstraint('user_id', 'course_id', name=op.f('pk_survey_participation')),
    sqlite_with_rowid=False
    )


def downgrade():
    op.drop_table('survey_participation')
    op.drop_table('survey_answer')
    with op.batch_alter_table('survey_response', schema=None) as batch_op:
        batch_op.drop_index('ix_survey_response_course_month')
        batch_op.drop_index('ix_survey_response_cohort')

    op.drop_table('survey_response')
    op.drop_table('survey')
