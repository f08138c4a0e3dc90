"""Essay in GIFT: empty braces, ``{}`` (``{####general feedback}`` too); written back the same way
(GIFT has no place for an essay's options: Moodle XML keeps them)."""

from lms.quizzes.types.base import GiftMapping

GIFT = GiftMapping(priority=10, claims=lambda body: body == "", read=lambda _question, _answers: True,
                   write=lambda _definition, _language: "")
