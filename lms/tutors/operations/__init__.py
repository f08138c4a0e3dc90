"""The rules of tutored groups, one module per use case; the doors (``views``, ``api``) call them.

- ``cohorts``: creating and editing groups, their enrolment keys, who sees which group, member counts
- ``membership``: joining with a key, admitting, withdrawing and re-admitting trainees
- ``csv_enrolment``: enrolling a whole group from a CSV file
- ``case_studies``: finding a case study, who may read it and in which language
- ``submissions``: the trainee's drafts, submitted rounds and attached files
- ``grading``: grading with the rubric, corrections, the grading log
- ``grading_queue``: the work awaiting tutors, from every source, in one list
- ``progress``: the group's progress table and its CSV
- ``notifications``: the e-mails of tutored groups and the tutors' notification setting

Operations flush, never commit; they refuse with the domain errors of ``lms.core.errors``.
"""
