"""``lms forum seed`` opens every group's and self-paced course's forum with its prompt threads;
``lms forum send-digests`` sends today's digests now."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from lms.core.unit_of_work import transaction
from lms.forum.operations import seed_all, send_digests

forum_cli = AppGroup("forum", help="Discussion forums of groups and self-paced courses.")


@forum_cli.command("seed")
def seed_command():
    """Open the forum of every group and self-paced course, with a thread per discussion prompt
    (only what is missing: safe to run again)."""
    with transaction() as session:
        count = seed_all(session)
    click.echo(f"{count} forum(s) up to date.")


@forum_cli.command("send-digests")
def send_digests_command():
    """E-mail each follower today's digest of new posts (nobody gets two in a day)."""
    with transaction() as session:
        sent = send_digests(session)
    click.echo(f"{sent} digest(s) sent.")
