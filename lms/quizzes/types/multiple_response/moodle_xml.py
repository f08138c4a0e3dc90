"""Multiple response in Moodle XML: ``<question type="multichoice">`` with ``<single>false</single>``."""

from lms.quizzes.types.base import MoodleXmlMapping
from lms.quizzes.types.choices import read_multichoice, write_multichoice

# Asked after single choice, which claims the elements marked single.
MOODLE_XML = MoodleXmlMapping(
    "multichoice", read=read_multichoice, priority=51,
    write=lambda definition, language, element, texts: write_multichoice(definition, language, element, texts,
                                                                         single=False))
