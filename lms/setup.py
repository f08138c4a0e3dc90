"""``lms setup``: everything a fresh machine needs, safe to run again."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext


@click.command("setup")
@click.option("--content", "content_dir", type=click.Path(file_okay=False), default=None,
              help="Course content folder to import (default: LMS_CONTENT_DIR).")
@click.option("--demo/--no-demo", default=None, help="Create demo accounts (default: LMS_DEMO_ACCOUNTS).")
@with_appcontext
def setup_command(content_dir, demo):
    """Upgrade the database, add reference data, import content, create demo accounts.

    Safe to run again: nothing is duplicated.
    """
    from flask import current_app
    from flask_migrate import upgrade

    from lms.accounts.demo import ensure_demo_accounts, print_demo_accounts, run_demo_hooks
    from lms.accounts.operations import ensure_reference_data
    from lms.certificates.files import prepare_font_store
    from lms.courses.cli import import_folder
    from lms.extensions import db

    upgrade()
    added = ensure_reference_data(db.session)
    db.session.commit()
    click.echo(f"Reference data: {added} row(s) added.")
    import_folder(Path(content_dir or current_app.config["LMS_CONTENT_DIR"]))
    click.echo(f"Certificate fonts: {prepare_font_store()} subset(s) ready.")
    if demo if demo is not None else current_app.config["LMS_DEMO_ACCOUNTS"]:
        accounts = ensure_demo_accounts(db.session)
        lines = run_demo_hooks(db.session)
        db.session.commit()
        print_demo_accounts(accounts)
        for line in lines:
            click.echo(line)
