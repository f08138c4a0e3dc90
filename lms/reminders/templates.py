"""The reminder templates: a subject and a message each, written in the trainee's language when read.

``params`` carries facts only: ``course`` (the title by language, put in the reader's
language before it gets here), ``tutor`` (a name), ``days``, ``due`` (an ISO date).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask_babel import format_date

from lms.core.i18n import _, _l, ngettext


@dataclass(frozen=True)
class ReminderTemplate:
    key: str
    label: object
    subject: Callable[[dict], str]
    message: Callable[[dict], str]
    manual: bool = True  # offered to tutors (the others are the automatic reminders')


def _due(params: dict) -> str:
    return format_date(date.fromisoformat(params["due"])) if params.get("due") else ""


TEMPLATES = (
    ReminderTemplate(
        "behind", _l("Behind schedule: catch up with the group"),
        lambda p: _("Your group is moving on in “{course}”").format(course=p["course"]),
        lambda p: _("Your group has moved ahead in the course “{course}”. Set aside some time this week to "
                    "catch up: continue where you left off, one lesson at a time.").format(course=p["course"])),
    ReminderTemplate(
        "inactive", _l("Not seen for a while: come back to the course"),
        lambda p: _("We miss you in “{course}”").format(course=p["course"]),
        lambda p: _("You have not opened the course “{course}” for a while. Your progress is saved: "
                    "come back and continue where you left off.").format(course=p["course"])),
    ReminderTemplate(
        "not_started", _l("Not started: make a start"),
        lambda p: _("Your course “{course}” has started").format(course=p["course"]),
        lambda p: _("Your group has started the course “{course}”, and you have not begun yet. "
                    "The first lesson takes only a few minutes.").format(course=p["course"])),
    ReminderTemplate(
        "case_study_due", _l("Case study due: revise and resubmit"),
        lambda p: _("Your case study in “{course}” awaits your revision").format(course=p["course"]),
        lambda p: _("Your tutor has asked you to revise a case study in the course “{course}”. "
                    "Read the feedback and submit it again.").format(course=p["course"])),
    ReminderTemplate(
        "due_soon", _l("A due date is near (automatic)"),
        lambda p: _("Due soon in “{course}”").format(course=p["course"]),
        lambda p: _("A date in the course “{course}” is near: {date}. Finish what remains before then.").format(
            course=p["course"], date=_due(p)),
        manual=False),
    ReminderTemplate(
        "inactive_auto", _l("Inactive for some days (automatic)"),
        lambda p: _("We miss you in “{course}”").format(course=p["course"]),
        lambda p: ngettext("You have not opened the course “{course}” for %(num)s day. Your progress is "
                           "saved: come back and continue where you left off.",
                           "You have not opened the course “{course}” for %(num)s days. Your progress is "
                           "saved: come back and continue where you left off.",
                           int(p.get("days") or 0)).format(course=p["course"]),
        manual=False),
)
BY_KEY = {template.key: template for template in TEMPLATES}
MANUAL = tuple(template for template in TEMPLATES if template.manual)
