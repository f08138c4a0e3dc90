"""``lms glossary check``: do the catalogues and the course texts use the glossary's terms?"""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from lms.core.catalogues import po_path, read_catalogue
from lms.core.i18n import DEFAULT_LANGUAGE, LANGUAGES
from lms.courses.content import Problems
from lms.glossary.consistency import catalogue_mismatches, content_mismatches, glossary_terms
from lms.glossary.content import check_glossary

glossary_cli = AppGroup("glossary", help="The programme glossary.")


@glossary_cli.command("check")
@click.argument("folder", type=click.Path(path_type=Path), default=None, required=False)
def check(folder):
    """Report translations that do not use the glossary's term (catalogues and course texts)."""
    folder = folder or Path(current_app.config["LMS_CONTENT_DIR"])
    problems = Problems()
    specs = check_glossary(folder / "glossary.yaml", problems)
    for problem in problems:
        click.echo(str(problem))
    found = []
    for code in LANGUAGES:
        path = po_path(code)
        if code != DEFAULT_LANGUAGE and path.is_file():
            found.extend(f"{path}: {mismatch}" for mismatch in
                         catalogue_mismatches(glossary_terms(specs, code), read_catalogue(path, code)))
    found.extend(content_mismatches(folder, specs))
    for line in found:
        click.echo(line)
    if problems or found:
        raise click.ClickException(f"{len(problems) + len(found)} problem(s) found")
    click.echo(f"OK: {len(specs)} terms, used consistently.")
