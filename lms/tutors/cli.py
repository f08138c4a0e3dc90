"""``lms tutors send-digests``: the daily digest of new work for tutors who chose it, sent now."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from lms.core.unit_of_work import transaction
from lms.tutors.operations.notifications import send_digests

tutors_cli = AppGroup("tutors", help="Tutored groups and grading.")


@tutors_cli.command("send-digests")
def send_digests_command():
    """E-mail each daily-digest tutor the work that arrived since their last digest."""
    with transaction() as session:
        sent = send_digests(session)
    click.echo(f"{sent} digest(s) sent.")
