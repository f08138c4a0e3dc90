"""Certificate rules, by use case: issuing, looking up, a manager's actions (revoke,
reinstate, reissue), completions recorded by hand, and managers' lists.

Operations flush and raise domain errors; the request boundary commits. Both doors use
them from here.
"""

from lms.certificates.operations.issuing import (
    certificate_language,
    certificate_of_enrolment,
    issue_certificate,
    on_course_completed,
    release_certificate,
)
from lms.certificates.operations.lists import (
    CertificateFilters,
    certificate_filters,
    cohort_certificates,
    cohorts_with_certificates,
    managed_certificates,
    may_manage_certificates,
    scope_of,
)
from lms.certificates.operations.lookups import (
    certificate_by_code,
    certificate_by_id,
    certificate_for_download,
    certificate_to_manage,
    certificates_of_holder,
    held_by,
    holder_certificates,
    verification_facts,
)
from lms.certificates.operations.manager_actions import (
    MAX_REASON_LENGTH,
    reinstate,
    reissue,
    revoke,
)
from lms.certificates.operations.manual_completion import (
    ManualCompletion,
    enrolments_to_complete,
    record_manual_completion,
)
from lms.certificates.operations.validity import (
    Reminders,
    add_months,
    expiry_date,
    refreshers_of,
    renew_earlier_certificates,
    send_expiry_reminders,
)

__all__ = [
    "MAX_REASON_LENGTH", "CertificateFilters", "ManualCompletion", "Reminders", "add_months", "expiry_date",
    "refreshers_of", "renew_earlier_certificates", "send_expiry_reminders", "certificate_by_code", "certificate_by_id",
    "certificate_filters", "certificate_for_download", "certificate_language", "certificate_of_enrolment",
    "certificate_to_manage", "certificates_of_holder", "held_by", "holder_certificates", "cohort_certificates", "cohorts_with_certificates",
    "enrolments_to_complete", "issue_certificate", "managed_certificates", "may_manage_certificates",
    "on_course_completed", "record_manual_completion", "reinstate", "reissue", "release_certificate", "revoke", "scope_of",
    "verification_facts",
]
