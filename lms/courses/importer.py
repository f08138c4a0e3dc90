"""Write validated course folders into the database: atomic and idempotent.

Re-importing an unchanged course changes nothing. A new version updates modules and
lessons in place by slug, so enrolments and progress on every lesson that remains are
kept; lessons that disappear are retired, never deleted, so no history is lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from lms.core.markdown import render_markdown
from lms.core.models import utcnow
from lms.courses.completion import evaluate_completion
from lms.courses.content import (
    ContentInvalid,
    CourseSpec,
    ModuleSpec,
    Problems,
    completion_requirements,
    load_content,
)
from lms.courses.content.translation_records import completeness
from lms.courses.extension_points import CONTENT_FILES, CONTENT_SECTIONS
from lms.courses.models import (
    ACTIVE,
    CompletionRequirement,
    Course,
    DiscussionPrompt,
    Enrolment,
    Lesson,
    LessonBody,
    Module,
)


@dataclass
class ImportResult:
    slug: str
    version: int
    action: str  # created | updated | unchanged

    def __str__(self) -> str:
        return f"{self.slug} v{self.version}: {self.action}" if self.version else f"{self.slug}: {self.action}"


def import_content(session: Session, root: Path | str) -> list[ImportResult]:
    """Validate everything first; raise ContentInvalid (nothing written) or import all."""
    content = load_content(Path(root))
    specs, problems = content.specs, content.problems
    existing = {c.slug: c for c in session.scalars(select(Course).where(
        Course.slug.in_([s.slug for s in specs])))} if specs else {}
    for spec in specs:
        course = existing.get(spec.slug)
        if course is None or course.content_hash == spec.content_hash:
            continue
        if spec.version == course.version:
            problems.add(spec.yaml_path, spec.version_line,
                         f"version {spec.version} of '{spec.slug}' is already imported with different "
                         f"content: raise `version` to import the change")
        elif spec.version < course.version:
            problems.add(spec.yaml_path, spec.version_line,
                         f"version {spec.version} is older than the imported version {course.version}")
    if problems:
        raise ContentInvalid(problems)
    results = []
    for spec in specs:
        course = existing.get(spec.slug)
        if course is not None and course.content_hash == spec.content_hash:
            results.append(ImportResult(spec.slug, spec.version, "unchanged"))
            continue
        _apply_course(session, course, spec)
        results.append(ImportResult(spec.slug, spec.version, "created" if course is None else "updated"))
    for handler in CONTENT_FILES:
        if handler.name in content.files:
            results.append(ImportResult(handler.name, 0, handler.apply(session, content.files[handler.name])))
    session.flush()
    return results


def _apply_course(session: Session, course: Course | None, spec: CourseSpec) -> Course:
    created = course is None
    if created:
        course = Course(slug=spec.slug)
        session.add(course)
    course.version = spec.version
    course.format = spec.format
    course.default_language = spec.default_language
    course.languages = list(spec.languages)
    course.hours = spec.hours
    course.pass_mark = spec.pass_mark
    course.title = dict(spec.title)
    course.summary = dict(spec.summary)
    course.outcomes = [dict(outcome) for outcome in spec.outcomes]
    course.completion_rules = {key: value for key, value in spec.completion.items()}
    course.content_hash = spec.content_hash
    course.imported_at = utcnow()
    course.module_count = len(spec.modules)
    course.lesson_count = sum(len(m.lessons) for m in spec.modules)
    shares = completeness(spec.path, spec.default_language)
    course.language_completeness = {code: shares[code].percent for code in spec.languages}
    session.flush()

    modules = {m.slug: m for m in session.scalars(select(Module).where(Module.course_id == course.id))}
    lessons = {(le.module_id, le.slug): le for le in session.scalars(
        select(Lesson).where(Lesson.course_id == course.id))}
    kept_modules, kept_lessons = set(), set()
    for module_spec in spec.modules:
        module = modules.get(module_spec.slug)
        if module is None:
            module = modules[module_spec.slug] = Module(course_id=course.id, slug=module_spec.slug)
            session.add(module)
        module.position = module_spec.position
        module.title = dict(module_spec.title)
        module.summary = dict(module_spec.summary)
        module.outcomes = [dict(outcome) for outcome in module_spec.outcomes]
        module.beneficiaries = list(module_spec.beneficiaries)
        module.tutor_guide = dict(module_spec.tutor_guide)
        module.tutor_guide_html = {code: render_markdown(text) for code, text in module_spec.tutor_guide.items()}
        module.is_retired = False
        session.flush()
        kept_modules.add(module.id)
        _replace_discussion(session, course, module, module_spec)
        for lesson_spec in module_spec.lessons:
            lesson = lessons.get((module.id, lesson_spec.slug))
            if lesson is None:
                lesson = Lesson(course_id=course.id, module_id=module.id, slug=lesson_spec.slug, content_hash="")
                session.add(lesson)
            lesson.position = lesson_spec.position
            lesson.title = dict(lesson_spec.title)
            lesson.minutes = lesson_spec.minutes
            lesson.is_retired = False
            if lesson.content_hash != lesson_spec.content_hash:
                lesson.content_hash = lesson_spec.content_hash
                session.flush()
                _replace_bodies(session, lesson, lesson_spec)
            session.flush()
            kept_lessons.add(lesson.id)
    for module in modules.values():
        if module.id not in kept_modules:
            module.is_retired = True
    for lesson in lessons.values():
        if lesson.id not in kept_lessons:
            lesson.is_retired = True

    _replace_requirements(session, course, spec)
    for extension in CONTENT_SECTIONS:
        extension.apply(session, course, spec, modules)
    session.flush()
    if not created:
        _reevaluate(session, course)
    return course


def _replace_discussion(session: Session, course: Course, module: Module, spec: ModuleSpec) -> None:
    """A module's discussion prompts, updated in place by slug; one that disappears is retired
    (a forum thread may already have been opened from it)."""
    existing = {p.slug: p for p in session.scalars(select(DiscussionPrompt).where(
        DiscussionPrompt.module_id == module.id))}
    for position, item in enumerate(spec.discussion, start=1):
        prompt = existing.pop(item.slug, None)
        if prompt is None:
            prompt = DiscussionPrompt(course_id=course.id, module_id=module.id, slug=item.slug)
            session.add(prompt)
        prompt.position = position
        prompt.title = dict(item.title)
        prompt.prompt = dict(item.prompt)
        prompt.is_retired = False
    for prompt in existing.values():
        prompt.is_retired = True


def _replace_bodies(session: Session, lesson: Lesson, spec) -> None:
    existing = {b.language: b for b in session.scalars(select(LessonBody).where(LessonBody.lesson_id == lesson.id))}
    for language, markdown in spec.bodies.items():
        body = existing.pop(language, None) or LessonBody(lesson_id=lesson.id, language=language)
        body.markdown = markdown
        body.html = spec.html(language)
        body.words = spec.words(language)
        session.add(body)
    for body in existing.values():
        session.delete(body)


def _replace_requirements(session: Session, course: Course, spec: CourseSpec) -> None:
    wanted = completion_requirements(spec)
    existing = {(r.kind, r.ref): r for r in session.scalars(
        select(CompletionRequirement).where(CompletionRequirement.course_id == course.id))}
    keep = set()
    for position, (kind, ref, _order) in enumerate(wanted):
        requirement = existing.get((kind, ref))
        if requirement is None:
            requirement = CompletionRequirement(course_id=course.id, kind=kind, ref=ref)
            session.add(requirement)
        requirement.position = position
        keep.add((kind, ref))
    stale = [r.id for key, r in existing.items() if key not in keep]
    if stale:
        session.execute(delete(CompletionRequirement).where(CompletionRequirement.id.in_(stale)))


def _reevaluate(session: Session, course: Course) -> None:
    """Refresh progress after a content change; completions already recorded stay."""
    for enrolment in session.scalars(select(Enrolment).where(
            Enrolment.course_id == course.id, Enrolment.status == ACTIVE,
            Enrolment.completed_at.is_(None))):
        evaluate_completion(session, enrolment)


def problems_text(problems: Problems) -> str:
    return "\n".join(str(p) for p in problems)
