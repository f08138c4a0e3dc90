"""``lms demo generate``: a synthetic programme for demonstrations and benchmarks;
``lms reports rebuild-facts``: the statistics' fact rows derived again from the records."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from lms.accounts.operations import ensure_reference_data
from lms.core.errors import DomainError
from lms.core.unit_of_work import transaction
from lms.courses.cli import import_folder
from lms.courses.models import Course
from lms.reports.fact_rows import rebuild
from lms.reports.synthetic import generate

demo_cli = AppGroup("demo", help="Demonstration data.")
reports_cli = AppGroup("reports", help="Programme statistics.")


@reports_cli.command("rebuild-facts")
def rebuild_facts_command():
    """Derive every enrolment's fact row again from the records, in one transaction.

    Every change made through the application keeps its rows current already; this is for
    rows written past it (a restore, a hand-made correction in SQL).
    """
    with transaction() as session:
        count = rebuild(session)
    click.echo(f"Statistics facts rebuilt: {count:,} enrolments.")


@demo_cli.command("generate")
@click.option("--trainees", type=click.IntRange(1, 1_000_000), required=True,
              help="How many trainees (100,000 gives 2,000 groups and about 3 million progress events).")
@click.option("--seed", type=int, default=1, show_default=True, help="The same seed gives the same programme.")
@click.option("--until", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Last day of the two years of activity (default: today); fix it to reproduce dates too.")
def generate_command(trainees: int, seed: int, until):
    """Create a realistic programme: six beneficiaries, their institutions, groups in each
    language, self-paced enrolments, progress over two years, withdrawals, certificates.

    Refuses a database that already holds one.
    """
    with transaction() as session:
        ensure_reference_data(session)
        has_content = session.scalar(select(Course.id).limit(1)) is not None
    if not has_content:
        import_folder(Path(current_app.config["LMS_CONTENT_DIR"]))
    try:
        with transaction() as session:
            summary = generate(session, trainees=trainees, seed=seed, until=until.date() if until else None)
    except DomainError as exc:
        raise click.ClickException(str(exc.message)) from None
    click.echo(f"Synthetic programme: {summary.trainees:,} trainees, {summary.tutors:,} tutors, "
               f"{summary.cohorts:,} groups, in {summary.seconds:.1f} s (seed {seed}, until "
               f"{(until.date() if until else date.today()).isoformat()}).")
    for table, count in summary.rows.items():
        click.echo(f"  {table:<20} {count:>12,}")
