"""Essay in the API: the answer box's height and the text to start from; the response is a text."""

from marshmallow import fields

from lms.quizzes.types.base import ApiPart

API = ApiPart(
    fields={"lines": fields.Integer(metadata={"description": "Essay: suggested height of the answer box."}),
            "template": fields.String(metadata={"description": "Essay: text to start from."})},
    view=lambda public: {"lines": public["lines"], "template": public["template"]},
    response_example='{"text": "…"}')
