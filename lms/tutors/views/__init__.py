"""The HTML door of tutored groups, one blueprint per resource: ``cohorts`` (groups, joining,
members, progress), ``case_studies`` (a trainee's case-study page and files), ``grading`` (the
grading queue, grading, the tutors' notification setting)."""
