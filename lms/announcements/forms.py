"""The form to write an announcement."""

from __future__ import annotations

from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from lms.announcements.models import BODY_MAX, TITLE_MAX
from lms.core.forms import Form
from lms.core.i18n import _l


class AnnouncementForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=TITLE_MAX)])
    body = TextAreaField(_l("Message"), validators=[DataRequired(), Length(max=BODY_MAX)],
                         render_kw={"rows": 8})
