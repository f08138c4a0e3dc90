"""Single choice in Moodle XML: ``<question type="multichoice">`` with ``<single>true</single>``."""

from lms.quizzes.types.base import MoodleXmlMapping
from lms.quizzes.types.choices import moodle_single, read_multichoice, write_multichoice

MOODLE_XML = MoodleXmlMapping(
    "multichoice", read=read_multichoice, claims=moodle_single, priority=50,
    write=lambda definition, language, element, texts: write_multichoice(definition, language, element, texts,
                                                                         single=True))
