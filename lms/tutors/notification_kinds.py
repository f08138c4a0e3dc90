"""What a trainee is told, in the app and by e-mail, when a tutor grades their case study.

The sentence and the e-mail's details are written when read, in the trainee's language,
from the round the notification names (``lms.notifications``).
"""

from __future__ import annotations

from flask import render_template

from lms.core.i18n import _, _l
from lms.notifications.extension_points import NotificationKind
from lms.tutors.models import ACCEPTED, SubmissionRound

GRADED, RETURNED = "case_study_graded", "resubmission_requested"


def _graded_text(params: dict) -> str:
    if params.get("corrected"):
        return _("Your tutor has corrected the grade of “{title}”").format(title=params["title"])
    return _("Your case study “{title}” has been accepted").format(title=params["title"])


def _returned_text(params: dict) -> str:
    if params.get("corrected"):
        return _("Your tutor has corrected the grade of “{title}”").format(title=params["title"])
    return _("Please revise and resubmit “{title}”").format(title=params["title"])


def _review(session, notification) -> str | None:
    """The review itself (score, feedback, the date to resubmit by), for the e-mail."""
    round_ = session.get(SubmissionRound, (notification.params or {}).get("round_id"))
    if round_ is None or not round_.is_reviewed:
        return None
    from lms.notifications.rendering import localized_params  # the title in the reader's language

    params = localized_params(notification.params)
    return render_template("tutors/email/graded.txt", title=params["title"], course_title=params["course"],
                           round=round_, corrected=bool(params.get("corrected")),
                           accepted=round_.outcome == ACCEPTED)


GRADED_KIND = NotificationKind(GRADED, _l("Case study graded"), render=_graded_text, details=_review, order=10)
RETURNED_KIND = NotificationKind(RETURNED, _l("Case study to revise and resubmit"), render=_returned_text,
                                 details=_review, order=11)
