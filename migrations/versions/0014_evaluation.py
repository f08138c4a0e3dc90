"""Certificate validity and recertification: an expiry date, a reminder, a renewal, and each
course's certificate policy

Revision ID: 0014_evaluation
Revises: 0013_curriculum
Create Date: 2026-12-06 20:40:00

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0014_evaluation'
down_revision = '0013_curriculum'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('certificate_policy',
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('valid_months', sa.Integer(), nullable=True),
    sa.Column('remind_days', sa.Integer(), nullable=False),
    sa.Column('renews', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.CheckConstraint('remind_days >= 0', name=op.f('ck_certificate_policy_reminder_days')),
    sa.CheckConstraint('valid_months IS NULL OR valid_months > 0', name=op.f('ck_certificate_policy_positive_validity')),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_certificate_policy_course_id_course'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('course_id', name=op.f('pk_certificate_policy'))
    )
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('renewed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('renewed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_certificate_expires', ['expires_at'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_certificate_renewed_by_id_certificate'), 'certificate',
                                    ['renewed_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_certificate_renewed_by_id_certificate'), type_='foreignkey')
        batch_op.drop_index('ix_certificate_expires')
        batch_op.drop_column('renewed_at')
        batch_op.drop_column('renewed_by_id')
        batch_op.drop_column('reminded_at')
        batch_op.drop_column('expires_at')
    op.drop_table('certificate_policy')
