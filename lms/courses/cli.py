"""``lms content check|import|stats``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from lms.core.unit_of_work import transaction
from lms.courses.content import ContentInvalid, load_all, load_content
from lms.courses.importer import import_content

content_cli = AppGroup("content", help="Validate and import course content folders.")


@content_cli.command("check")
@click.argument("folder", type=click.Path(path_type=Path), default=None, required=False)
def check(folder):
    """Validate course folders without touching the database."""
    folder = folder or Path(current_app.config["LMS_CONTENT_DIR"])
    content = load_content(folder)
    specs, problems = content.specs, content.problems
    for problem in problems:
        click.echo(str(problem))
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) found")
    lessons = sum(len(m.lessons) for s in specs for m in s.modules)
    modules = sum(len(s.modules) for s in specs)
    click.echo(f"OK: {len(specs)} course(s), {modules} module(s), {lessons} lesson(s).")
    for name in content.files:
        click.echo(f"OK: {name}")


def import_folder(folder: Path) -> None:
    """Import ``folder`` and commit, or print every problem and fail having imported nothing."""
    try:
        with transaction() as session:
            results = import_content(session, folder)
    except ContentInvalid as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"{len(exc.problems)} problem(s) in {folder}; nothing imported") from None
    for result in results:
        click.echo(str(result))


@content_cli.command("import")
@click.argument("folder", type=click.Path(path_type=Path), default=None, required=False)
def import_(folder):
    """Import course folders: all or nothing; unchanged courses are left as they are."""
    import_folder(folder or Path(current_app.config["LMS_CONTENT_DIR"]))


@content_cli.command("stats")
@click.argument("folder", type=click.Path(path_type=Path), default=None, required=False)
def stats(folder):
    """Word counts per lesson and language."""
    folder = folder or Path(current_app.config["LMS_CONTENT_DIR"])
    specs, problems = load_all(folder)
    for problem in problems:
        click.echo(f"warning: {problem}", err=True)
    for spec in specs:
        languages = spec.languages or [spec.default_language]
        click.echo(f"\n{spec.slug} (v{spec.version})")
        click.echo("  " + "lesson".ljust(58) + "".join(code.rjust(9) for code in languages))
        totals = dict.fromkeys(languages, 0)
        for module in spec.modules:
            for lesson in module.lessons:
                counts = {code: lesson.words(code) if code in lesson.bodies else 0 for code in languages}
                for code, count in counts.items():
                    totals[code] += count
                name = f"{module.slug}/{lesson.slug}"
                click.echo("  " + name.ljust(58) + "".join(str(counts[c]).rjust(9) for c in languages))
        click.echo("  " + "total".ljust(58) + "".join(str(totals[c]).rjust(9) for c in languages))
