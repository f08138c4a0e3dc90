"""Marshmallow schemas for quizzes, attempts, reviews and essay grading; input and output apart.

What a trainee receives while answering holds the questions and their own responses,
never which answer is right: right answers and feedback exist only in the review
schema, filled only once the quiz's review setting allows it.
"""

from marshmallow import Schema, fields, validate

from lms.courses.schemas import LocalizedField
from lms.quizzes.bank_export import FORMATS
from lms.quizzes.types import QUESTION_TYPES

STATES = ["in_progress", "awaiting_grading", "graded"]
TYPES = list(QUESTION_TYPES)


class MyQuizStandingSchema(Schema):
    attempts_used = fields.Integer()
    attempts_left = fields.Integer(allow_none=True, metadata={"description": "None: unlimited."})
    grade = fields.Float(allow_none=True, metadata={"description": "Percent, by the quiz's grading method."})
    passed = fields.Boolean()
    open_attempt_id = fields.Integer(allow_none=True)


class QuizSchema(Schema):
    id = fields.Integer()
    course = fields.String(metadata={"description": "Course slug."})
    module = fields.String(allow_none=True, metadata={"description": "Module slug; none for the final assessment and the pre-test."})
    is_final = fields.Boolean()
    is_pretest = fields.Boolean(metadata={"description": "The course's pre-test: taken once, before the first "
                                                         "module; counts toward neither grade nor completion."})
    title = LocalizedField(metadata={"type": "string"})
    pass_mark = fields.Integer()
    attempts_allowed = fields.Integer(metadata={"description": "0: unlimited."})
    time_limit_minutes = fields.Integer(allow_none=True)
    grading_method = fields.String(metadata={"enum": ["highest", "last", "first", "average"]})
    review = fields.String(metadata={"enum": ["after_submit", "after_last_attempt", "after_close", "never"]})
    opens_at = fields.DateTime(allow_none=True)
    closes_at = fields.DateTime(allow_none=True)
    mine = fields.Nested(MyQuizStandingSchema, allow_none=True,
                         metadata={"description": "The signed-in trainee's standing; none when not enrolled."})


class AttemptSummarySchema(Schema):
    id = fields.Integer()
    quiz_id = fields.Integer()
    number = fields.Integer()
    state = fields.String(metadata={"enum": STATES})
    language = fields.String()
    started_at = fields.DateTime()
    deadline_at = fields.DateTime(allow_none=True)
    submitted_at = fields.DateTime(allow_none=True)
    graded_at = fields.DateTime(allow_none=True)
    closed_by_deadline = fields.Boolean()
    overdue = fields.Boolean(metadata={"description": (
        "Still in progress but past its deadline: it accepts no answer and is being submitted with the answers "
        "saved before it (within a minute, or by the next save or submit).")})
    score = fields.Float(allow_none=True, metadata={"description": "Percent, once graded."})
    passed = fields.Boolean(allow_none=True)
    review_details = fields.Boolean(metadata={"description": "Whether the review may show right answers now."})


class AttemptQuestionBaseSchema(Schema):
    position = fields.Integer()
    type = fields.String(metadata={"enum": TYPES})
    text = fields.String(metadata={"description": "Sanitised HTML."})
    mark = fields.Float()
    response = fields.Dict(allow_none=True, metadata={"description": "What you saved (see AnswerIn)."})


# A question while answering: the common fields and each question type's own (its schema.py).
AttemptQuestionSchema = type("AttemptQuestionSchema", (AttemptQuestionBaseSchema,), {
    name: field for kind in QUESTION_TYPES.values() for name, field in kind.api.fields.items()})


class AttemptSchema(AttemptSummarySchema):
    seconds_left = fields.Integer(allow_none=True, metadata={"description": "Until the deadline; none if untimed."})
    questions = fields.List(fields.Nested(AttemptQuestionSchema))


class AttemptAnswerInSchema(Schema):
    position = fields.Integer(required=True, validate=validate.Range(min=1),
                              metadata={"description": "The question's number in the attempt."})
    response = fields.Dict(required=True, allow_none=True, metadata={"description": (
        "null clears the answer. " + "; ".join(f"{kind.name}: {kind.api.response_example}"
                                               for kind in QUESTION_TYPES.values()) + ".")})


class AttemptAnswersInSchema(Schema):
    answers = fields.List(fields.Nested(AttemptAnswerInSchema), required=True, validate=validate.Length(max=500))


class AttemptSubmitInSchema(Schema):
    answers = fields.List(fields.Nested(AttemptAnswerInSchema), load_default=None, validate=validate.Length(max=500),
                          metadata={"description": "Last answers to save before submitting (optional)."})


class AttemptAnswersSavedSchema(Schema):
    attempt_id = fields.Integer()
    state = fields.String(metadata={"enum": STATES})
    saved_at = fields.DateTime(allow_none=True)
    deadline_at = fields.DateTime(allow_none=True)
    seconds_left = fields.Integer(allow_none=True)


class ReviewedQuestionSchema(Schema):
    position = fields.Integer()
    type = fields.String(metadata={"enum": TYPES})
    text = fields.String()
    mark = fields.Float()
    response = fields.Dict(allow_none=True)
    needs_grading = fields.Boolean(metadata={"description": "An essay a tutor has not graded yet."})
    marks = fields.Float(allow_none=True, metadata={"description": "Only when review details are allowed."})
    feedback = fields.List(fields.String(), metadata={"description": "Only when review details are allowed."})
    general_feedback = fields.String(metadata={"description": "Only when review details are allowed."})
    tutor_feedback = fields.String(allow_none=True, metadata={"description": "Only when review details are allowed."})
    correct = fields.Dict(metadata={"description": "The right answers and the feedback of each answer, by "
                                                   "type; only when review details are allowed."})


class AttemptReviewSchema(Schema):
    attempt = fields.Nested(AttemptSummarySchema)
    quiz_grade = fields.Float(allow_none=True)
    quiz_passed = fields.Boolean()
    details = fields.Boolean(metadata={"description": "Whether per-question marks, feedback and right answers "
                                                      "are included (the quiz's review setting)."})
    questions = fields.List(fields.Nested(ReviewedQuestionSchema))


class EssayAnswerSchema(Schema):
    id = fields.Integer()
    attempt_id = fields.Integer()
    trainee = fields.String()
    quiz = fields.String()
    question = fields.String(metadata={"description": "Question text, HTML."})
    grader_info = fields.String(metadata={"description": "Guidance for graders, HTML."})
    response = fields.String()
    mark = fields.Float()
    fraction = fields.Float(allow_none=True)
    feedback = fields.String()
    graded_by = fields.String(allow_none=True)
    graded_at = fields.DateTime(allow_none=True)
    needs_grading = fields.Boolean()
    version = fields.Integer(metadata={"description": "Send it back as expected_version when grading."})


class EssayGradeInSchema(Schema):
    fraction = fields.Float(required=True, validate=validate.Range(min=0, max=1),
                            metadata={"description": "0 to 1 of the question's marks."})
    feedback = fields.String(load_default="", validate=validate.Length(max=20000))
    expected_version = fields.Integer(required=True)


class BankExportQuerySchema(Schema):
    format = fields.String(required=True, validate=validate.OneOf(FORMATS), metadata={
        "description": "`xml`: Moodle XML (keeps images, idnumbers, tags and essay options); `gift`: GIFT text."})
    category = fields.Integer(metadata={"description": "Id of a category of the course's bank: it and its "
                                                       "subcategories (default: the whole bank)."})
    language = fields.String(validate=validate.Length(min=2, max=10), metadata={
        "description": "Language of the texts, one of the course's (default: its default language)."})
