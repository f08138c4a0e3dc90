"""Course rules, by use case: finding things (``lookups``), outlines, enrolment, reading
lessons, progress. Both doors, and the features built on courses, use them from here."""

from lms.courses.operations.annexes import (
    module_for_viewer,
    modules_for,
    outline_for,
    outline_for_viewer,
)
from lms.courses.operations.enrolment import (
    ensure_enrolment,
    self_enrol,
    set_content_language,
    withdraw,
)
from lms.courses.operations.guides import TutorGuide, discussion_prompts, tutor_guide
from lms.courses.operations.lookups import (
    CourseAndReader,
    catalogue,
    course_and_reader,
    course_by_slug,
    enrolment_of,
    enrolments_of,
    lesson_by_id,
)
from lms.courses.operations.outlines import Outline, OutlineLesson, OutlineModule, outline_of
from lms.courses.operations.path import (
    LESSON,
    LearningPath,
    Step,
    learning_path,
    next_step,
    next_step_for,
    step_after_lesson,
)
from lms.courses.operations.progress import (
    LESSON_COMPLETED,
    complete_lesson,
    progress_for,
)
from lms.courses.operations.reading import LessonPage, LessonView, open_lesson

__all__ = [
    "LESSON", "LESSON_COMPLETED", "LearningPath", "Step", "learning_path", "next_step", "next_step_for",
    "step_after_lesson", "LessonPage", "TutorGuide", "discussion_prompts", "tutor_guide", "LessonView", "Outline",
    "OutlineLesson", "OutlineModule", "CourseAndReader", "catalogue", "complete_lesson", "course_and_reader",
    "course_by_slug", "ensure_enrolment",
    "enrolment_of", "enrolments_of", "lesson_by_id", "module_for_viewer", "modules_for", "open_lesson", "outline_for",
    "outline_for_viewer", "outline_of", "progress_for", "self_enrol", "set_content_language", "withdraw",
]
