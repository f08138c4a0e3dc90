"""``lms questions import``, ``lms quizzes export`` and ``lms quizzes close-overdue``."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from lms.core.errors import ValidationFailed
from lms.core.unit_of_work import transaction
from lms.courses.models import Course
from lms.quizzes import bank, bank_export
from lms.quizzes.operations import close_all_overdue

questions_cli = AppGroup("questions", help="The question banks of the courses.")
quizzes_cli = AppGroup("quizzes", help="Quiz housekeeping, and question banks back to Moodle.")


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


@quizzes_cli.command("export")
@click.option("--course", "course_slug", required=True, help="Slug of the course whose question bank is exported.")
@click.option("--category", default=None, help="Category path to export with its subcategories, e.g. "
                                               "'Moodle/Week 1' (default: the whole bank).")
@click.option("--format", "fmt", type=click.Choice(bank_export.FORMATS), required=True,
              help="gift (Moodle's GIFT text) or xml (Moodle XML, which also keeps images and essay options).")
@click.option("--language", default=None, help="Language of the texts (default: the course's default language).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True, path_type=Path), default=None,
              help="File to write (default: the standard output).")
def export_command(course_slug: str, category: str | None, fmt: str, language: str | None, output: Path | None):
    """Export a question bank, or one category of it, as GIFT or Moodle XML for Moodle's question import."""
    with transaction() as session:
        course = session.scalar(select(Course).where(Course.slug == course_slug))
        if course is None:
            raise click.ClickException(f"no course '{course_slug}'")
        try:
            exported = bank_export.export_bank(session, course, fmt, language=language,
                                               category=bank_export.category_by_path(session, course, category))
        except ValidationFailed as exc:
            raise click.ClickException("; ".join(f"{field}: {' '.join(map(str, messages))}"
                                                 for field, messages in exc.errors.items())) from None
    if output is None:
        click.echo(exported.data.decode("utf-8"), nl=False)
    else:
        output.write_bytes(exported.data)
        click.echo(f"{exported.questions} question(s) written to {output}.", err=True)


@quizzes_cli.command("close-overdue")
def close_overdue_command():
    """Submit attempts still open past their deadline, with the answers they saved."""
    with transaction() as session:
        closed = close_all_overdue(session)
    click.echo(f"{closed} overdue attempt(s) submitted.")
