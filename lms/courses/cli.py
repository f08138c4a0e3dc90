"""``lms content check|import|stats``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from lms.core.i18n import LANGUAGES
from lms.core.unit_of_work import transaction
from lms.courses.content import ContentInvalid, load_all, load_content
from lms.courses.content.folders import course_folders
from lms.courses.content.translation_records import (
    Translation,
    completeness,
    mark_reviewed,
    stale_translations,
    translations_in,
)
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
    stale = [t for spec in specs for t in stale_translations(spec.path, spec.default_language)]
    for translation in stale:
        for line in _stale_report(translation):
            click.echo(line)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) found")
    if stale:
        raise click.ClickException(f"{len(stale)} translation(s) older than their English source: bring them in "
                                   "step, then record it with `lms content reviewed FILE`")
    lessons = sum(len(m.lessons) for s in specs for m in s.modules)
    modules = sum(len(s.modules) for s in specs)
    click.echo(f"OK: {len(specs)} course(s), {modules} module(s), {lessons} lesson(s).")
    for name in content.files:
        click.echo(f"OK: {name}")


def _stale_report(translation: Translation) -> list[str]:
    """``file:1: message``, then each English paragraph that changed, as ``source:line: text``."""
    if translation.record is None:
        return [f"{translation.path}:1: no record of the English text this translation was made from "
                f"({translation.source.name}); check it against the English and run `lms content reviewed`"]
    lines = [f"{translation.path}:1: older than its English source {translation.source.name}: "
             f"{len(translation.changed)} paragraph(s) changed or added"
             + (f", {translation.removed} removed" if translation.removed else "")]
    for paragraph in translation.changed:
        first = " ".join(paragraph.text.split())
        lines.append(f"  {translation.source}:{paragraph.line}: {first[:100]}{'…' if len(first) > 100 else ''}")
    return lines


@content_cli.command("reviewed")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--language", type=click.Choice(sorted(LANGUAGES)), help="Only the translations into this language.")
def reviewed(paths, language):
    """Record that translations are in step with their English source as it is now.

    PATHS are translated files, or folders (a course, a module) whose translations are all
    marked. Run it after checking a translation against the paragraphs `lms content check`
    names, never instead.
    """
    root = Path(current_app.config["LMS_CONTENT_DIR"])
    marked = 0
    for path in paths:
        for translation in _translations_under(path.resolve(), root.resolve()):
            if language and translation.language != language:
                continue
            if mark_reviewed(translation):
                marked += 1
                click.echo(f"reviewed: {translation.path}")
    click.echo(f"{marked} translation(s) marked as in step with their English source.")


def _translations_under(path: Path, root: Path) -> list[Translation]:
    course = next((folder for folder in [path, *path.parents] if (folder / "course.yaml").is_file()), None)
    if course is None:  # a content folder above the courses
        return [t for folder in course_folders(path) for t in _translations_under(folder, root)]
    default = _default_language(course)
    found = translations_in(path if path.is_dir() else path.parent, default)
    return [t for t in found if path.is_dir() or t.path == path]


def _default_language(course: Path) -> str:
    specs, _problems = load_all(course)
    return specs[0].default_language if specs else "en"


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
    """Completeness per course and language, and word counts per lesson and language."""
    folder = folder or Path(current_app.config["LMS_CONTENT_DIR"])
    specs, problems = load_all(folder)
    for problem in problems:
        click.echo(f"warning: {problem}", err=True)
    for spec in specs:
        languages = spec.languages or [spec.default_language]
        click.echo(f"\n{spec.slug} (v{spec.version}): completeness")
        click.echo("  " + "language".ljust(12) + "files".rjust(8) + "translated".rjust(12) + "current".rjust(10)
                   + "complete".rjust(10))
        for code, share in completeness(spec.path, spec.default_language).items():
            click.echo("  " + code.ljust(12) + str(share.total).rjust(8) + str(share.present).rjust(12)
                       + str(share.current).rjust(10) + f"{share.percent}%".rjust(10))
        click.echo(f"\n{spec.slug} (v{spec.version}): words")
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
