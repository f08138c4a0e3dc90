"""Knowledge gain: each enrolment's fact row keeps its pre-test score beside its final score

Revision ID: 0018_impact
Revises: 0017_survey
Create Date: 2026-12-07 00:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_impact'
down_revision = '0017_survey'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('enrolment_fact', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pretest_score', sa.Float(), nullable=True))

    # Back-fill: the pre-test score of every enrolment that has one, by the statement that
    # derives it afterwards (imported here, when the migration runs, as the one definition).
    from lms.quizzes.models import PRETEST_KEY
    from lms.reports.facts import final_scores
    from lms.reports.fact_rows import FACT_TABLE

    connection = op.get_bind()
    scores = final_scores(connection.dialect.name, key=PRETEST_KEY, name="pretest_score")
    connection.execute(
        sa.update(FACT_TABLE)
        .values(pretest_score=sa.select(scores.c.pretest_score)
                .where(scores.c.enrolment_id == FACT_TABLE.c.enrolment_id).scalar_subquery())
        .where(FACT_TABLE.c.enrolment_id.in_(sa.select(scores.c.enrolment_id))))


def downgrade():
    with op.batch_alter_table('enrolment_fact', schema=None) as batch_op:
        batch_op.drop_column('pretest_score')
