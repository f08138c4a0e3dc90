"""``lms glossary check``: do the catalogues and the course texts use the glossary's terms?"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

glossary_cli = AppGroup("glossary", help="The programme glossary.")


def content_mismatches(root: Path, specs) -> list[str]:
    """file:line problems where a course's locale map (a title, a rubric level…) says a glossary
    term in English but not in its translation."""
    from lms.core.i18n import DEFAULT_LANGUAGE, LANGUAGES
    from lms.courses.yamlfile import LineDict, LineList, YamlProblem, load_yaml
    from lms.glossary.consistency import glossary_terms, mismatches

    terms = {code: glossary_terms(specs, code) for code in LANGUAGES if code != DEFAULT_LANGUAGE}
    found = []

    def walk(node, path):
        if isinstance(node, LineDict):
            english = node.get(DEFAULT_LANGUAGE)
            if isinstance(english, str):
                for code, text in node.items():
                    if code in terms and isinstance(text, str):
                        found.extend(f"{path}:{node.line_of(code)}: {mismatch}"
                                     for mismatch in mismatches(terms[code], english, text))
            for value in node.values():
                walk(value, path)
        elif isinstance(node, LineList):
            for value in node:
                walk(value, path)

    for path in sorted(Path(root).rglob("*.yaml")):
        if path.name == "glossary.yaml" or any(part.startswith(".") for part in path.parts):
            continue
        try:
            walk(load_yaml(path.read_text(encoding="utf-8")), path)
        except (YamlProblem, UnicodeDecodeError):
            continue  # `lms content check` reports it
    return found


@glossary_cli.command("check")
@click.argument("folder", type=click.Path(path_type=Path), default=None, required=False)
def check(folder):
    """Report translations that do not use the glossary's term (catalogues and course texts)."""
    from flask import current_app

    from lms.core.catalogues import po_path, read_catalogue
    from lms.core.i18n import DEFAULT_LANGUAGE, LANGUAGES
    from lms.courses.content import Problems
    from lms.glossary.consistency import catalogue_mismatches, glossary_terms
    from lms.glossary.content import check_glossary

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
