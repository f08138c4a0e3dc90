"""The rules of group sessions, one module per use case; the doors (``views``, ``api``) call them.

- ``scheduling``: who sees which session; scheduling, changing and cancelling sessions
- ``attendance``: the register of a session, recorded by the group's tutors (re-evaluates completion)
- ``calendar``: one person's dated events (sessions, case-study due dates, quiz windows, group end)
- ``feeds``: the secret address of a person's iCalendar feed
- ``time_zone``: changing one's time zone

Operations flush, never commit; they refuse with the domain errors of ``lms.core.errors``.
"""
