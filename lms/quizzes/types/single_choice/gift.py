"""Single choice in GIFT: answers with ``~``, at least one ``=`` (the right one)."""

from lms.quizzes.types.base import GiftMapping
from lms.quizzes.types.choices import gift_has_choices, read_gift_choices, write_gift_choices


def claims(body: str) -> bool:
    return gift_has_choices(body) and "=" in body


GIFT = GiftMapping(priority=30, claims=claims, read=read_gift_choices,
                   write=lambda definition, language: write_gift_choices(definition, language, single=True))
