"""The JSON door of tutored groups under /api/v1, one blueprint per resource: ``cohorts``
(groups, joining, progress), ``case_studies`` (case studies, the trainee's submissions and files),
``grading`` (the grading queue, submissions as tutors read them, grades, the grading log)."""
