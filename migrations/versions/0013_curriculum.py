"""Curriculum: learning outcomes of courses and modules, national annexes limited to
beneficiaries, tutor guides, and the discussion prompts of each module

Revision ID: 0013_curriculum
Revises: 0012_moodle
Create Date: 2026-12-06 20:30:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0013_curriculum'
down_revision = '0012_moodle'
branch_labels = None
depends_on = None


def _json():
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade():
    # Existing rows get empty values; the next import of their content fills them.
    # (plain ADD COLUMN, which every database does in place: no table is rebuilt)
    op.add_column('course', sa.Column('outcomes', _json(), nullable=False, server_default='[]'))
    op.add_column('module', sa.Column('outcomes', _json(), nullable=False, server_default='[]'))
    op.add_column('module', sa.Column('beneficiaries', _json(), nullable=False, server_default='[]'))
    op.add_column('module', sa.Column('tutor_guide', _json(), nullable=False, server_default='{}'))
    op.add_column('module', sa.Column('tutor_guide_html', _json(), nullable=False, server_default='{}'))
    op.create_table('discussion_prompt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=100), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', _json(), nullable=False),
    sa.Column('prompt', _json(), nullable=False),
    sa.Column('is_retired', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_discussion_prompt_course_id_course')),
    sa.ForeignKeyConstraint(['module_id'], ['module.id'], name=op.f('fk_discussion_prompt_module_id_module')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_discussion_prompt')),
    sa.UniqueConstraint('module_id', 'slug', name=op.f('uq_discussion_prompt_module_id_slug'))
    )
    with op.batch_alter_table('discussion_prompt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_discussion_prompt_course_id'), ['course_id'], unique=False)


def downgrade():
    with op.batch_alter_table('discussion_prompt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_discussion_prompt_course_id'))
    op.drop_table('discussion_prompt')
    with op.batch_alter_table('module', schema=None) as batch_op:
        batch_op.drop_column('tutor_guide_html')
        batch_op.drop_column('tutor_guide')
        batch_op.drop_column('beneficiaries')
        batch_op.drop_column('outcomes')
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.drop_column('outcomes')
