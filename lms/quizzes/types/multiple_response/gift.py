"""Multiple response in GIFT: answers with ``~`` only, each with its weight (``~%50%``)."""

from lms.quizzes.types.base import GiftMapping
from lms.quizzes.types.choices import gift_has_choices, read_gift_choices, write_gift_choices

# Asked after single choice, which claims the same answers when one is marked with '='.
GIFT = GiftMapping(priority=31, claims=gift_has_choices, read=read_gift_choices,
                   write=lambda definition, language: write_gift_choices(definition, language, single=False))
