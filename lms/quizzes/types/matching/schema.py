"""Matching in the API: the items to match and the answers to choose from; the response maps
each item's key to a choice's key."""

from marshmallow import Schema, fields

from lms.quizzes.types.base import ApiPart


class MatchingChoiceSchema(Schema):
    key = fields.Integer()
    text = fields.String()


class MatchingStemSchema(Schema):
    key = fields.Integer()
    html = fields.String()


API = ApiPart(
    fields={"stems": fields.List(fields.Nested(MatchingStemSchema),
                                 metadata={"description": "Matching: the items to match."}),
            "match_choices": fields.List(fields.Nested(MatchingChoiceSchema),
                                         metadata={"description": "Matching: the answers to choose from."})},
    view=lambda public: {"stems": public["stems"], "match_choices": public["choices"]},
    response_example='{"matches": {"<stem key>": choice key}}')
