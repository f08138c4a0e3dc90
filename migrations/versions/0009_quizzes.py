"""Question type numerical_units: the database accepts its name

Revision ID: 0009_quizzes
Revises: 0008_attachment_content
Create Date: 2026-12-20 10:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0009_quizzes'
down_revision = '0008_attachment_content'
branch_labels = None
depends_on = None

BEFORE = ('single_choice', 'multiple_response', 'true_false', 'short_answer', 'numerical', 'matching', 'essay',
          'description')
AFTER = BEFORE + ('numerical_units',)


def _known(names):
    return "qtype IN (" + ", ".join(f"'{name}'" for name in names) + ")"


def upgrade():
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_question_known_type'), type_='check')
        batch_op.create_check_constraint(op.f('ck_question_known_type'), _known(AFTER))


def downgrade():
    # Refused while a question of the new type exists: retire and delete those first.
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_question_known_type'), type_='check')
        batch_op.create_check_constraint(op.f('ck_question_known_type'), _known(BEFORE))
