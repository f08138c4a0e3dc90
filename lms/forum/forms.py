"""Forms of the forum (Flask-WTF: each carries its CSRF token)."""

from __future__ import annotations

from wtforms import HiddenField, SelectField, StringField, TextAreaField

from lms.core.forms import Form, coerce_id
from lms.core.i18n import _l
from lms.forum.operations.moderation import MAX_REASON
from lms.forum.operations.posting import MAX_BODY, MAX_TITLE

BODY_HINT = _l("Markdown: **bold**, *italic*, lists with “-”. Write @ and a name (or @tutor) to tell someone.")


class ThreadForm(Form):
    title = StringField(_l("Title"), render_kw={"maxlength": MAX_TITLE})
    module_id = SelectField(_l("Module (optional)"), coerce=coerce_id, validate_choice=False)
    body = TextAreaField(_l("Message"), render_kw={"rows": 8, "maxlength": MAX_BODY})


class ReplyForm(Form):
    body = TextAreaField(_l("Your reply"), render_kw={"rows": 6, "maxlength": MAX_BODY})


class EditForm(Form):
    body = TextAreaField(_l("Message"), render_kw={"rows": 10, "maxlength": MAX_BODY})
    version = HiddenField()


class HideForm(Form):
    reason = StringField(_l("Reason for hiding (shown to moderators)"), render_kw={"maxlength": MAX_REASON})
