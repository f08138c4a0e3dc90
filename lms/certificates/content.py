"""The ``certificate`` part of the course content format: how long a course's certificates
are valid, when their holders are reminded, and which courses' certificates it renews.

```yaml
certificate:
  valid_for_months: 24        # omit: certificates never expire
  remind_days_before: 60      # default 30
  renews: [radicalisation-prevention]   # a refresher: completing it renews these
```
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.certificates.models import CertificatePolicy
from lms.courses.content import SLUG_RE, ContentExtension, CourseSpec, Problems, check_keys
from lms.courses.content.fields import whole_number
from lms.courses.yamlfile import LineDict, LineList

SECTION = "certificate"
KEYS = {"valid_for_months", "remind_days_before", "renews"}
DEFAULT_REMIND_DAYS = 30
MAX_MONTHS = 240
MAX_REMIND_DAYS = 365


@dataclass
class PolicySpec:
    valid_months: int | None = None
    remind_days: int = DEFAULT_REMIND_DAYS
    renews: list[str] = field(default_factory=list)


class CertificateContent(ContentExtension):
    name = "certificates"
    course_keys = (SECTION,)

    def check(self, course: CourseSpec, problems: Problems) -> None:
        if SECTION not in course.sections:
            return
        path, line = course.yaml_path, course.section_lines[SECTION]
        data = course.sections[SECTION]
        if not isinstance(data, LineDict):
            problems.add(path, line, "certificate must be a mapping, e.g. {valid_for_months: 24}")
            return
        check_keys(data, KEYS, path=path, what="certificate", problems=problems)
        spec = PolicySpec()
        if "valid_for_months" in data:
            spec.valid_months = whole_number(data["valid_for_months"], low=1, high=MAX_MONTHS)
            if spec.valid_months is None:
                problems.add(path, data.line_of("valid_for_months"),
                             f"certificate: valid_for_months must be a whole number from 1 to {MAX_MONTHS}")
        if "remind_days_before" in data:
            days = whole_number(data["remind_days_before"], low=0, high=MAX_REMIND_DAYS)
            if days is None:
                problems.add(path, data.line_of("remind_days_before"),
                             f"certificate: remind_days_before must be a whole number from 0 to {MAX_REMIND_DAYS}")
            elif "valid_for_months" not in data:
                problems.add(path, data.line_of("remind_days_before"),
                             "certificate: remind_days_before needs valid_for_months (a certificate that "
                             "never expires needs no reminder)")
            else:
                spec.remind_days = days
        renews = data.get("renews")
        if "renews" in data:
            if not isinstance(renews, list):
                problems.add(path, data.line_of("renews"), "certificate: renews must be a list of course slugs")
                renews = []
            for index, slug in enumerate(renews):
                item_line = renews.line_of(index) if isinstance(renews, LineList) else data.line_of("renews")
                if not isinstance(slug, str) or not SLUG_RE.match(slug):
                    problems.add(path, item_line, "certificate: renews names courses by their slug")
                elif slug == course.slug:
                    problems.add(path, item_line, "certificate: a course cannot renew its own certificates "
                                                  "(a trainee completes a course once); name the course a "
                                                  "refresher renews")
                elif slug in spec.renews:
                    problems.add(path, item_line, f"certificate: renews lists '{slug}' twice")
                else:
                    spec.renews.append(slug)
        course.extension_data[SECTION] = spec

    def apply(self, session: Session, course, spec: CourseSpec, modules: dict) -> None:
        policy_spec: PolicySpec | None = spec.extension_data.get(SECTION)
        policy = session.scalar(select(CertificatePolicy).where(CertificatePolicy.course_id == course.id))
        if policy_spec is None:
            if policy is not None:  # certificates already issued keep their expiry dates
                session.delete(policy)
            return
        if policy is None:
            policy = CertificatePolicy(course_id=course.id)
            session.add(policy)
        policy.valid_months = policy_spec.valid_months
        policy.remind_days = policy_spec.remind_days
        policy.renews = list(policy_spec.renews)
