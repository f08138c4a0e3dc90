"""Notifications, announcements and reminders of tutored groups

Revision ID: 0019_notify
Revises: 0018_impact
Create Date: 2026-12-07 00:25:38.134099

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0019_notify'
down_revision = '0018_impact'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('announcement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('html', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_announcement_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_announcement_course_id_course'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_announcement'))
    )
    with op.batch_alter_table('announcement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_announcement_course_id'), ['course_id'], unique=False)

    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('params', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('link_endpoint', sa.String(length=100), nullable=True),
    sa.Column('link_params', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('url', sa.String(length=500), nullable=True),
    sa.Column('dedupe_key', sa.String(length=200), nullable=True),
    sa.Column('in_app', sa.Boolean(), nullable=False),
    sa.Column('email', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('mailed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("email IN ('now', 'digest', 'off')", name=op.f('ck_notification_known_email')),
    sa.ForeignKeyConstraint(['recipient_id'], ['user.id'], name=op.f('fk_notification_recipient_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification')),
    sa.UniqueConstraint('recipient_id', 'dedupe_key', name=op.f('uq_notification_recipient_id_dedupe_key'))
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index('ix_notification_email_due', ['email', 'mailed_at'], unique=False)
        batch_op.create_index('ix_notification_recipient_unread', ['recipient_id', 'read_at'], unique=False)

    op.create_table('notification_preference',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('in_app', sa.Boolean(), nullable=False),
    sa.Column('email', sa.String(length=8), nullable=False),
    sa.CheckConstraint("email IN ('now', 'digest', 'off')", name=op.f('ck_notification_preference_known_email')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_notification_preference_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_preference')),
    sa.UniqueConstraint('user_id', 'kind', name=op.f('uq_notification_preference_user_id_kind'))
    )
    op.create_table('announcement_cohort',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('announcement_id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['announcement_id'], ['announcement.id'], name=op.f('fk_announcement_cohort_announcement_id_announcement'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_announcement_cohort_cohort_id_cohort'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_announcement_cohort')),
    sa.UniqueConstraint('announcement_id', 'cohort_id', name=op.f('uq_announcement_cohort_announcement_id_cohort_id'))
    )
    with op.batch_alter_table('announcement_cohort', schema=None) as batch_op:
        batch_op.create_index('ix_announcement_cohort_cohort_id', ['cohort_id', 'announcement_id'], unique=False)

    op.create_table('reminder_sent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('sender_id', sa.Integer(), nullable=True),
    sa.Column('template', sa.String(length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('trigger', sa.String(length=200), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_reminder_sent_cohort_id_cohort'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recipient_id'], ['user.id'], name=op.f('fk_reminder_sent_recipient_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sender_id'], ['user.id'], name=op.f('fk_reminder_sent_sender_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_sent')),
    sa.UniqueConstraint('recipient_id', 'trigger', name=op.f('uq_reminder_sent_recipient_id_trigger'))
    )
    with op.batch_alter_table('reminder_sent', schema=None) as batch_op:
        batch_op.create_index('ix_reminder_sent_cohort_sent', ['cohort_id', 'sent_at'], unique=False)

    op.create_table('reminder_settings',
    sa.Column('cohort_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('days_before_due', sa.Integer(), nullable=True),
    sa.Column('inactive_days', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_reminder_settings_cohort_id_cohort'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_reminder_settings_updated_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('cohort_id', name=op.f('pk_reminder_settings'))
    )


def downgrade():
    op.drop_table('reminder_settings')
    with op.batch_alter_table('reminder_sent', schema=None) as batch_op:
        batch_op.drop_index('ix_reminder_sent_cohort_sent')

    op.drop_table('reminder_sent')
    with op.batch_alter_table('announcement_cohort', schema=None) as batch_op:
        batch_op.drop_index('ix_announcement_cohort_cohort_id')

    op.drop_table('announcement_cohort')
    op.drop_table('notification_preference')
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_recipient_unread')
        batch_op.drop_index('ix_notification_email_due')

    op.drop_table('notification')
    with op.batch_alter_table('announcement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_announcement_course_id'))

    op.drop_table('announcement')
