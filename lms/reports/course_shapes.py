"""What a trainee can do in each course, read once for the synthetic programme
(``lms.reports.synthetic``): its lessons by module, module quizzes, case studies, final."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.courses.models import Course, Lesson, Module
from lms.quizzes.models import FINAL_KEY, Quiz
from lms.tutors.models import Assignment


@dataclass
class CourseShape:
    """What a trainee can do in a course, in order: lessons by module, quizzes, case studies."""

    id: int
    slug: str
    tutored: bool
    version: int
    title: dict
    hours: Decimal
    languages: list[str]
    modules: list[list[int]]                      # lesson ids per module
    module_quizzes: dict[int, tuple[int, int]]    # module index -> (quiz id, pass mark)
    assignments: dict[int, tuple[int, int]]       # module index -> (assignment id, max points)
    final: tuple[int, int] | None                 # (quiz id, pass mark)

    @property
    def lessons(self) -> list[int]:
        return [lesson for module in self.modules for lesson in module]

    @property
    def items(self) -> int:
        return len(self.lessons) + len(self.module_quizzes) + len(self.assignments) + (1 if self.final else 0)



def course_shapes(session: Session) -> list[CourseShape]:
    """Every course with lessons, as a trainee meets it."""
    shapes = []
    for course in session.scalars(select(Course).order_by(Course.slug)):
        modules = list(session.scalars(select(Module).where(Module.course_id == course.id,
                                                            Module.is_retired.is_(False)).order_by(Module.position)))
        index = {m.id: i for i, m in enumerate(modules)}
        lessons = [[] for _ in modules]
        for lesson_id, module_id in session.execute(
                select(Lesson.id, Lesson.module_id).where(Lesson.course_id == course.id, Lesson.is_retired.is_(False))
                .order_by(Lesson.module_id, Lesson.position)):
            if module_id in index:
                lessons[index[module_id]].append(lesson_id)
        quizzes, final = {}, None
        for quiz in session.scalars(select(Quiz).where(Quiz.course_id == course.id, Quiz.is_retired.is_(False))):
            if quiz.module_id is None and quiz.key == FINAL_KEY:
                final = (quiz.id, quiz.pass_mark)
            elif quiz.module_id in index:
                quizzes[index[quiz.module_id]] = (quiz.id, quiz.pass_mark)
        assignments = {index[a.module_id]: (a.id, a.max_points) for a in session.scalars(
            select(Assignment).where(Assignment.course_id == course.id, Assignment.is_retired.is_(False)))
            if a.module_id in index}
        shapes.append(CourseShape(course.id, course.slug, course.is_tutored, course.version, course.title,
                                  Decimal(course.hours), list(course.languages or []), lessons, quizzes,
                                  assignments, final))
    return [s for s in shapes if s.lessons]
