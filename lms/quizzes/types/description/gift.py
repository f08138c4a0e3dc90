"""Description in GIFT: a question's text with no braces at all."""

from lms.quizzes.types.base import GiftMapping

GIFT = GiftMapping(text_alone=True)  # written as its text alone
