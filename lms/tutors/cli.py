"""``lms tutors send-digests``: the daily digest of new work for tutors who chose it, sent now."""

from __future__ import annotations

import click
from flask.cli import AppGroup

tutors_cli = AppGroup("tutors", help="Tutored groups and grading.")


@tutors_cli.command("send-digests")
def send_digests_command():
    """E-mail each daily-digest tutor the work that arrived since their last digest."""
    from lms.extensions import db
    from lms.tutors.notifications import send_digests

    sent = send_digests(db.session)
    db.session.commit()
    click.echo(f"{sent} digest(s) sent.")
