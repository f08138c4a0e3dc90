"""Each enrolment's fact row keeps its certificate's expiry and renewal, so that no report joins
the certificates

Revision ID: 0022_certificate_facts
Revises: 0021_data_version
Create Date: 2026-12-11 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022_certificate_facts'
down_revision = '0021_data_version'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('enrolment_fact', schema=None) as batch_op:
        batch_op.add_column(sa.Column('certificate_expires_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('certificate_renewed', sa.Integer(), server_default='0', nullable=False))

    # Back-fill from the certificates, as ``lms.reports.fact_rows.truth`` derives them afterwards.
    certificate = sa.table('certificate', sa.column('enrolment_id', sa.Integer()),
                           sa.column('expires_at', sa.DateTime(timezone=True)),
                           sa.column('renewed_by_id', sa.Integer()))
    fact = sa.table('enrolment_fact', sa.column('enrolment_id', sa.Integer()),
                    sa.column('certificate_expires_at', sa.DateTime(timezone=True)),
                    sa.column('certificate_renewed', sa.Integer()))
    own = certificate.c.enrolment_id == fact.c.enrolment_id
    op.get_bind().execute(
        sa.update(fact)
        .values(certificate_expires_at=sa.select(certificate.c.expires_at).where(own).scalar_subquery(),
                certificate_renewed=sa.case(
                    (sa.exists().where(own, certificate.c.renewed_by_id.is_not(None)), 1), else_=0))
        .where(fact.c.enrolment_id.in_(sa.select(certificate.c.enrolment_id))))


def downgrade():
    with op.batch_alter_table('enrolment_fact', schema=None) as batch_op:
        batch_op.drop_column('certificate_renewed')
        batch_op.drop_column('certificate_expires_at')
