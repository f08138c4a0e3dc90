"""Quiz forms (Flask-WTF, so each carries a CSRF token). An attempt page's inputs are its
questions' own (each question type reads them); its form carries the token and the
messages of refused answers."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DecimalField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from lms.core.forms import Form
from lms.core.i18n import _l


class QuestionImportForm(Form):
    course = SelectField(_l("Course"), validate_choice=False)
    category = StringField(_l("Category (optional)"), validators=[Optional(), Length(max=400)])
    format = SelectField(_l("Format"), choices=[("", _l("Recognise from the file")), ("gift", "GIFT"),
                                                ("xml", "Moodle XML")], default="")
    dry_run = BooleanField(_l("Dry run: check the file and show the report, import nothing"))
    file = FileField(_l("Question file (GIFT or Moodle XML)"),
                     validators=[FileRequired(message=_l("Choose a file to import."))])


class EssayGradeForm(Form):
    percent = DecimalField(_l("Grade (percent of the question's marks)"), places=None, validators=[
        InputRequired(message=_l("Give a grade between 0 and 100.")),
        NumberRange(min=0, max=100, message=_l("Give a grade between 0 and 100."))])
    feedback = TextAreaField(_l("Feedback to the trainee"), validators=[Length(max=20000)])
    version = HiddenField()


class QuestionErrors:
    """The messages of one refused answer (what ``errors_on`` fills on a field)."""

    def __init__(self) -> None:
        self.errors: list[str] = []


class AttemptForm(Form):
    """An attempt page. The operations name a refused answer ``answers.<position>``, as the
    API does; each question has a holder of that name, so ``errors_on`` puts the messages
    beside their question."""

    def __init__(self, positions, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for position in positions:
            setattr(self, self.key(position), QuestionErrors())

    @staticmethod
    def key(position: int) -> str:
        return f"answers.{position}"

    def errors_of(self, position: int) -> list[str]:
        holder = getattr(self, self.key(position), None)
        return holder.errors if holder is not None else []
