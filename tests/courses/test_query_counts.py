"""Pages cost the same number of queries however many courses, modules or enrolments exist."""

from __future__ import annotations

from pathlib import Path

from lms.courses.importer import import_content
from lms.courses.models import Course, Lesson
from lms.courses.operations import complete_lesson, ensure_enrolment
from lms.extensions import db
from tests.conftest import login


def _write_course(root: Path, slug: str, modules: int, lessons: int, fmt: str = "self-paced") -> None:
    folder = root / slug
    lines = [f"slug: {slug}", "version: 1", f"format: {fmt}", "default_language: en", "languages: [en]",
             "hours: 3", "pass_mark: 60", "title:", f"  en: Course {slug}", "modules:"]
    for m in range(1, modules + 1):
        (folder / f"m{m}").mkdir(parents=True)
        lines += [f"  - slug: m{m}", f"    title: {{en: Module {m}}}", "    lessons:"]
        for n in range(1, lessons + 1):
            lines += [f"      - slug: l{n}", f"        title: {{en: Lesson {m}.{n}}}"]
            (folder / f"m{m}" / f"l{n}.md").write_text(f"Text of lesson {m}.{n}.\n")
    lines += ["completion:", "  lessons: all"]
    (folder / "course.yaml").write_text("\n".join(lines) + "\n")


def _counts(client, count_queries, urls):
    result = {}
    for url in urls:
        assert client.get(url).status_code == 200, url  # warm: the outline cache is filled
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        result[url] = counter.count
    return result


def test_page_queries_do_not_grow_with_the_data(tmp_path, client, session, reference, make_user, count_queries):
    root = tmp_path / "content"
    _write_course(root, "main-course", modules=1, lessons=2)
    _write_course(root, "done-course", modules=1, lessons=1)
    import_content(session, root)
    session.commit()
    trainee = make_user()
    main = session.scalar(db.select(Course).where(Course.slug == "main-course"))
    ensure_enrolment(session, trainee, main)
    # A course completed (a certificate held) at both sizes: pages ask for what a reader has
    # only when the session check finds something, and this compares the same kinds of data.
    done = session.scalar(db.select(Course).where(Course.slug == "done-course"))
    ensure_enrolment(session, trainee, done)
    complete_lesson(session, trainee, session.scalar(db.select(Lesson).where(Lesson.course_id == done.id)))
    session.commit()
    login(client, trainee)
    urls = ["/", "/dashboard", "/courses/main-course", "/courses/main-course/m1/l1"]
    small = _counts(client, count_queries, urls)

    # Grow everything: more courses, modules, lessons, enrolments, progress.
    root2 = tmp_path / "content2"
    for index in range(6):
        _write_course(root2, f"extra-{index}", modules=3, lessons=4)
    import_content(session, root2)
    session.commit()
    for index in range(6):
        course = session.scalar(db.select(Course).where(Course.slug == f"extra-{index}"))
        ensure_enrolment(session, trainee, course)
        for _other in range(5):
            ensure_enrolment(session, make_user(), course)
    for lesson in session.scalars(db.select(Lesson).where(Lesson.course_id.not_in((main.id, done.id)))).all()[:20]:
        complete_lesson(session, trainee, lesson)
    session.commit()
    large = _counts(client, count_queries, urls)
    assert large == small, (small, large)


def test_course_page_queries_do_not_grow_with_modules(tmp_path, client, session, reference, make_user,
                                                      count_queries):
    root = tmp_path / "content"
    _write_course(root, "short", modules=1, lessons=1)
    _write_course(root, "long", modules=9, lessons=6)
    import_content(session, root)
    session.commit()
    trainee = make_user()
    for slug in ("short", "long"):
        ensure_enrolment(session, trainee, session.scalar(db.select(Course).where(Course.slug == slug)))
    session.commit()
    login(client, trainee)
    counts = _counts(client, count_queries, ["/courses/short", "/courses/long",
                                             "/courses/short/m1/l1", "/courses/long/m9/l6"])
    assert counts["/courses/short"] == counts["/courses/long"]
    assert counts["/courses/short/m1/l1"] == counts["/courses/long/m9/l6"]
