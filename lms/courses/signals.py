"""Signals other features listen to (blinker, as Flask itself uses)."""

from blinker import Namespace

_signals = Namespace()

#: Sent inside the completing transaction, once per enrolment: sender=enrolment, session=…
course_completed = _signals.signal("course-completed")
