"""``lms questions import`` and ``lms quizzes close-overdue``."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from lms.core.unit_of_work import transaction
from lms.courses.models import Course
from lms.quizzes import bank
from lms.quizzes.operations import close_all_overdue

questions_cli = AppGroup("questions", help="The question banks of the courses.")
quizzes_cli = AppGroup("quizzes", help="Quiz housekeeping.")


@questions_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--course", "course_slug", required=True, help="Slug of the course whose bank receives the questions.")
@click.option("--category", default=None, help="Category path to import into, e.g. 'Moodle/Week 1'; "
                                               "categories in the file go below it.")
@click.option("--format", "fmt", type=click.Choice(["gift", "xml"]), default=None,
              help="File format (default: from the file name or its content).")
@click.option("--dry-run", is_flag=True, help="Check the file and print the report; import nothing.")
def import_command(file: Path, course_slug: str, category: str | None, fmt: str | None, dry_run: bool):
    """Import a GIFT or Moodle XML question file: all of it, or nothing when it has an error."""
    size = file.stat().st_size
    with transaction() as session:
        course = session.scalar(select(Course).where(Course.slug == course_slug))
        if course is None:
            raise click.ClickException(f"no course '{course_slug}': import the course content first")
        if size > bank.import_limit_bytes():
            raise click.ClickException(str(bank.too_large(size).message))
        # A file with an error, or a dry run, writes nothing.
        report = bank.import_questions(session, course.id, file.read_bytes(), filename=file.name, fmt=fmt,
                                       category=category, dry_run=dry_run)
    lines = report.lines()
    for line in lines[: len(report.errors)]:
        click.echo(line, err=True)
    for line in lines[len(report.errors):]:
        click.echo(line)
    if not report.ok:
        raise click.ClickException(f"{len(report.errors)} error(s) in {file.name}; nothing imported")
    if dry_run:
        click.echo(f"Dry run: {report.count(bank.WOULD_IMPORT)} question(s) would be imported, "
                   f"{report.count(bank.SKIPPED)} skipped.")
        return
    click.echo(f"{report.count(bank.IMPORTED)} question(s) imported, {report.count(bank.UNCHANGED)} already in "
               f"the bank, {report.count(bank.SKIPPED)} skipped.")


@quizzes_cli.command("close-overdue")
def close_overdue_command():
    """Submit attempts still open past their deadline, with the answers they saved."""
    with transaction() as session:
        closed = close_all_overdue(session)
    click.echo(f"{closed} overdue attempt(s) submitted.")
