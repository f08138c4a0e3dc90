"""Essay in Moodle XML: ``<question type="essay">`` with its box height, grader information
and response template; attachments are not taken (the trainee answers in text).

Moodle's other essay options (response format, whether a response is required, word
limits, attachments and their rules) are not used here; they are kept with the question
and written back on export, so a bank sent back to Moodle keeps them."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from lms.core.i18n import _, localized
from lms.quizzes.moodle_xml_elements import MoodleQuestion, XmlTexts
from lms.quizzes.parsed import ParsedQuestion
from lms.quizzes.types.base import MoodleXmlMapping

# Moodle's element → (key kept in the definition, read as a whole number), in Moodle's order.
KEPT_OPTIONS = {
    "responseformat": ("response_format", False),
    "responserequired": ("response_required", True),
    "minwordlimit": ("min_words", True),
    "maxwordlimit": ("max_words", True),
    "attachments": ("attachments", True),
    "attachmentsrequired": ("attachments_required", True),
    "maxbytes": ("max_bytes", True),
    "filetypeslist": ("file_types", False),
}
DEFAULT_LINES = 15  # Moodle's box height when a file gives none


def read(element: MoodleQuestion) -> ParsedQuestion:
    question = element.parsed("")
    lines = element.text_of("responsefieldlines", "10").strip()
    question.options.update(
        lines=int(lines) if lines.isdigit() else 10,
        grader_info=element.html(element.node.find("graderinfo")),
        template=element.text_of("responsetemplate/text").strip())
    kept = {}
    for tag, (key, whole) in KEPT_OPTIONS.items():
        value = element.text_of(tag).strip()
        if element.node.find(tag) is None or value == "":
            continue
        if whole:
            if not value.lstrip("-").isdigit():
                question.notes.append(_("The essay option <{tag}> is not a whole number ('{value}') and was "
                                        "left out.").format(tag=tag, value=value))
                continue
            kept[key] = int(value)
        else:
            kept[key] = value
    if kept:
        question.options["moodle"] = kept
    if kept.get("attachments", 0):
        question.notes.append(_("File attachments are not supported: the trainee answers in text."))
    return question


def write(definition: dict, language: str, element: ET.Element, texts: XmlTexts) -> None:
    """The box height and the options kept on import, in Moodle's order; Moodle's defaults
    apply to the options a question never had."""
    kept = definition.get("moodle") or {}
    for tag, (key, _whole) in KEPT_OPTIONS.items():
        if tag == "minwordlimit":
            texts.value(element, "responsefieldlines", definition.get("lines") or DEFAULT_LINES)
        if key in kept:
            texts.value(element, tag, kept[key])
    texts.text(element, "graderinfo", localized(definition.get("grader_info") or {}, language))
    texts.text(element, "responsetemplate", localized(definition.get("template") or {}, language))


MOODLE_XML = MoodleXmlMapping("essay", read=read, write=write)
