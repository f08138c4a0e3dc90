"""The course content format (docs/content-format.md): course folders read and validated
without touching the database, every problem reported as ``file:line: message``.

``courses`` reads courses, modules and lessons (``folders.py``, ``modules.py``); sections
that belong to other features (``quiz``, ``assignment``, ``final_assessment``) are checked
by the ``ContentExtension`` those features add to ``CONTENT_SECTIONS``, with the field
checks of ``fields.py``. What they use is named here.
"""

from lms.courses.content.fields import (
    SLUG_RE,
    ContentInvalid,
    Problem,
    Problems,
    check_keys,
    check_locale_map,
    read_page_text,
    read_text,
    slugged_mappings,
)
from lms.courses.content.folders import (
    Content,
    check_content,
    completion_requirements,
    load_all,
    load_content,
    load_course,
)
from lms.courses.content.specs import (
    ContentExtension,
    ContentFile,
    CourseSpec,
    DiscussionPrompt,
    LessonSpec,
    ModuleSpec,
)

__all__ = [
    "SLUG_RE", "Content", "ContentExtension", "ContentFile", "ContentInvalid", "CourseSpec", "DiscussionPrompt",
    "LessonSpec", "ModuleSpec", "Problem", "Problems", "check_content", "check_keys", "check_locale_map",
    "completion_requirements", "load_all", "load_content", "load_course", "read_page_text", "read_text", "slugged_mappings",
]
