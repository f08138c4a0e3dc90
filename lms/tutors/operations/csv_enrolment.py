"""Bulk enrolment of a cohort from a CSV file: every row checked first, then all or nothing.

Columns (a header row names them; order free; comma, semicolon or tab separated; UTF-8):
``email, full_name, institution, profession, gender (optional), language``.
Institutions are matched by name within the cohort's beneficiary; profession and gender by
code or English label; language by code (empty: the cohort's language).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from flask_babel import format_number
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.accounts.models import Institution, User, UserRole
from lms.accounts.operations import normalize_email, queue_password_mail
from lms.accounts.reference import GENDERS, PROFESSIONS, TRAINEE
from lms.core import audit
from lms.core.errors import NotAllowed, ValidationFailed
from lms.core.i18n import LANGUAGES, _, ngettext, use_language
from lms.core.input_gate import FORBIDDEN_MESSAGE, first_bad_line, normalise
from lms.core.models import utcnow
from lms.courses.models import ACTIVE as ENROLMENT_ACTIVE
from lms.courses.models import Enrolment
from lms.tutors.models import MEMBER_ACTIVE, MEMBER_WITHDRAWN, VIA_IMPORT, Cohort, CohortMembership
from lms.tutors.operations import notifications
from lms.tutors.operations.cohorts import active_member_count
from lms.tutors.operations.membership import admit

COLUMNS = ("email", "full_name", "institution", "profession", "gender", "language")
REQUIRED = ("email", "full_name", "institution", "profession")
ALIASES = {"e_mail": "email", "mail": "email", "name": "full_name", "fullname": "full_name"}
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000


class CsvInvalid(ValidationFailed):
    """The file cannot be imported; ``rows`` lists (row number or None, message) for each problem."""

    def __init__(self, rows: list[tuple[int | None, str]]):
        self.rows = rows
        messages = [(_("Row {row}: {message}").format(row=row, message=message) if row else message)
                    for row, message in rows]
        super().__init__({"file": messages})


CREATED, ENROLLED, READMITTED, UNCHANGED = "created", "enrolled", "readmitted", "unchanged"


@dataclass
class RowOutcome:
    """What a row of the file did (or, in a dry run, would do): ``created`` a new account and
    enrolled it, ``enrolled`` an existing account, ``readmitted`` a withdrawn member, ``unchanged``."""

    row: int
    email: str
    outcome: str


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    enrolled: int = 0
    readmitted: int = 0
    unchanged: int = 0
    dry_run: bool = False
    outcomes: list[RowOutcome] = field(default_factory=list)
    new_users: list[User] = field(default_factory=list)

    def count(self, row: _Row, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)
        self.outcomes.append(RowOutcome(row.number, row.email, outcome))


@dataclass
class _Row:
    number: int
    email: str
    full_name: str
    institution: Institution | None
    profession: str | None
    gender: str | None
    language: str


def institutions_of(session: Session, cohort: Cohort) -> list[Institution]:
    """The institutions a file may name: those of the group's beneficiary."""
    return list(session.scalars(select(Institution).where(
        Institution.beneficiary_id == cohort.beneficiary_id).order_by(Institution.name)))


def _key(text: str) -> str:
    return " ".join((text or "").split()).casefold()


def _header_name(raw: str) -> str:
    name = _key(raw).replace(" ", "_").replace("-", "_")
    return ALIASES.get(name, name)


def _read(data: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    if len(data) > MAX_BYTES:
        raise CsvInvalid([(None, _("The file is larger than {size} MB.").format(size=MAX_BYTES // (1024 * 1024)))])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvInvalid([(None, _("The file is not UTF-8 text. In your spreadsheet, save it as "
                                   "“CSV UTF-8”."))]) from None
    if not text.strip():
        raise CsvInvalid([(None, _("The file is empty."))])
    bad_line = first_bad_line(text)
    if bad_line is not None:
        raise CsvInvalid([(bad_line, str(FORBIDDEN_MESSAGE))])
    text = normalise(text)
    first_line = text.lstrip().split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise CsvInvalid([(None, _("The file is not valid CSV: {problem}").format(problem=str(exc)))]) from None
    # Row numbers as a spreadsheet shows them: the header is row 1.
    numbered = [(number, record) for number, record in enumerate(records, start=1)
                if any(cell.strip() for cell in record)]
    if not numbered:
        raise CsvInvalid([(None, _("The file is empty."))])
    header_number, header = numbered[0]
    return [_header_name(cell) for cell in header], numbered[1:]


def _choice_map(choices: dict) -> dict[str, str]:
    """Codes and English labels, compared case-insensitively."""
    with use_language("en"):
        mapping = {_key(str(label)): code for code, label in choices.items()}
    mapping.update({code.casefold(): code for code in choices})
    return mapping


def parse(session: Session, cohort: Cohort, data: bytes) -> list[_Row]:
    """Check every row; raise CsvInvalid listing every problem with its row number."""
    header, records = _read(data)
    problems: list[tuple[int | None, str]] = []
    missing = [name for name in REQUIRED if name not in header]
    unknown = [name for name in header if name and name not in COLUMNS]
    duplicated = sorted({name for name in header if name and header.count(name) > 1})
    if missing:
        problems.append((None, _("The header row lacks the column(s): {names}.").format(names=", ".join(missing))))
    if unknown:
        problems.append((None, _("Unknown column(s): {names}. The columns are: {columns}.").format(
            names=", ".join(unknown), columns=", ".join(COLUMNS))))
    if duplicated:
        problems.append((None, _("Column(s) named twice: {names}.").format(names=", ".join(duplicated))))
    if problems:
        raise CsvInvalid(problems)
    if not records:
        raise CsvInvalid([(None, _("The file has a header but no trainees."))])
    if len(records) > MAX_ROWS:
        raise CsvInvalid([(None, _("The file has more than {max} rows; split it.").format(max=MAX_ROWS))])

    institutions = {}
    for institution in session.scalars(select(Institution).where(Institution.beneficiary_id == cohort.beneficiary_id)):
        for name in (*(institution.names or {}).values(), institution.name):  # any language's name
            institutions[_key(name)] = institution
    professions, genders = _choice_map(PROFESSIONS), _choice_map(GENDERS)
    languages = {code.casefold(): code for code in LANGUAGES}
    rows: list[_Row] = []
    first_row_of: dict[str, int] = {}
    for number, record in records:
        if len(record) > len(header) and any(cell.strip() for cell in record[len(header):]):
            problems.append((number, _("more cells than the header has columns.")))
            continue
        values = {name: (record[index].strip() if index < len(record) else "") for index, name in enumerate(header)}
        row_problems = []
        email = values.get("email", "")
        if not email:
            row_problems.append(_("the e-mail address is missing."))
        else:
            try:
                email = normalize_email(email)
            except ValidationFailed:
                row_problems.append(_("“{value}” is not a valid e-mail address.").format(value=email))
            else:
                if email in first_row_of:
                    row_problems.append(_("the e-mail address {email} is also on row {row}.").format(
                        email=email, row=first_row_of[email]))
                else:
                    first_row_of[email] = number
        full_name = " ".join(values.get("full_name", "").split())
        if not full_name:
            row_problems.append(_("the full name is missing."))
        elif len(full_name) > 200:
            row_problems.append(_("the full name is too long (200 characters at most)."))
        institution = institutions.get(_key(values.get("institution", "")))
        if not values.get("institution"):
            row_problems.append(_("the institution is missing."))
        elif institution is None:
            row_problems.append(_("unknown institution “{value}” for {beneficiary}.").format(
                value=values["institution"], beneficiary=cohort.beneficiary.name))
        profession = professions.get(_key(values.get("profession", "")))
        if not values.get("profession"):
            row_problems.append(_("the profession is missing."))
        elif profession is None:
            row_problems.append(_("unknown profession “{value}”.").format(value=values["profession"]))
        gender = None
        if values.get("gender"):
            gender = genders.get(_key(values["gender"]))
            if gender is None:
                row_problems.append(_("unknown gender “{value}”.").format(value=values["gender"]))
        language = cohort.language
        if values.get("language"):
            language = languages.get(values["language"].casefold())
            if language is None:
                row_problems.append(_("unknown language “{value}” (use a code: {codes}).").format(
                    value=values["language"], codes=", ".join(LANGUAGES)))
        if row_problems:
            problems.extend((number, message) for message in row_problems)
            continue
        rows.append(_Row(number, email, full_name, institution, profession, gender, language))
    problems.extend(_check_accounts(session, cohort, rows))
    if problems:
        raise CsvInvalid(sorted(problems, key=lambda problem: problem[0] or 0))
    return rows


def _check_accounts(session: Session, cohort: Cohort, rows: list[_Row]) -> list[tuple[int | None, str]]:
    """Rules for accounts that exist already, and the group's capacity for the whole file."""
    problems: list[tuple[int | None, str]] = []
    emails = [row.email for row in rows]
    users = {}
    for start in range(0, len(emails), 500):
        users.update({u.email: u for u in session.scalars(select(User).where(User.email.in_(emails[start:start + 500])))})
    memberships = {}
    if users:
        user_ids = [u.id for u in users.values()]
        for user_id, membership, cohort_name in session.execute(
                select(Enrolment.user_id, CohortMembership, Cohort.name)
                .join(CohortMembership, CohortMembership.enrolment_id == Enrolment.id)
                .join(Cohort, Cohort.id == CohortMembership.cohort_id)
                .where(Enrolment.course_id == cohort.course_id, Enrolment.user_id.in_(user_ids))):
            memberships[user_id] = (membership, cohort_name)
    joining = 0
    for row in rows:
        user = users.get(row.email)
        if user is None:
            joining += 1
            continue
        if not user.is_active:
            problems.append((row.number, _("the account {email} is deactivated.").format(email=row.email)))
            continue
        if not user.has_role(TRAINEE):
            problems.append((row.number, _("the account {email} is not a trainee account.").format(email=row.email)))
            continue
        if not cohort.allow_other_beneficiaries and user.beneficiary_id != cohort.beneficiary_id:
            problems.append((row.number, _("the account {email} belongs to another beneficiary than this "
                                           "group's.").format(email=row.email)))
            continue
        membership, cohort_name = memberships.get(user.id, (None, None))
        if membership is not None and membership.cohort_id != cohort.id and membership.status == MEMBER_ACTIVE:
            problems.append((row.number, _("{email} is already a member of the group “{name}” of this "
                                           "course.").format(email=row.email, name=cohort_name)))
            continue
        if membership is None or membership.cohort_id != cohort.id or membership.status != MEMBER_ACTIVE:
            joining += 1
    members = active_member_count(session, cohort.id)
    if members + joining > cohort.capacity:
        free = max(0, cohort.capacity - members)
        problems.append((None, ngettext("The group has room for %(num)s more trainee; the file would add %(joining)s.",
                                        "The group has room for %(num)s more trainees; the file would add %(joining)s.",
                                        free, joining=format_number(joining))))
    return problems


def preview_members(session: Session, actor: User, cohort: Cohort, data: bytes) -> ImportReport:
    """A dry run: the same checks and refusals as ``import_members``, and what each row would do;
    nothing is written."""
    if not cohort.can_be_managed_by(actor):
        raise NotAllowed()
    rows = parse(session, cohort, data)
    report = ImportReport(rows=len(rows), dry_run=True)
    users = {u.email: u for u in session.scalars(select(User).where(User.email.in_([r.email for r in rows])))}
    for row in rows:
        user = users.get(row.email)
        if user is None:
            report.count(row, CREATED)
            continue
        found = session.execute(
            select(CohortMembership.status, Enrolment.status.label("enrolment_status"))
            .join(Enrolment, Enrolment.id == CohortMembership.enrolment_id)
            .where(Enrolment.user_id == user.id, Enrolment.course_id == cohort.course_id,
                   CohortMembership.cohort_id == cohort.id)).first()
        if found is None:
            report.count(row, ENROLLED)
        elif found.status == MEMBER_ACTIVE and found.enrolment_status == ENROLMENT_ACTIVE:
            report.count(row, UNCHANGED)
        else:
            report.count(row, READMITTED if found.status == MEMBER_WITHDRAWN else ENROLLED)
    return report


def import_members(session: Session, actor: User, cohort: Cohort, data: bytes) -> ImportReport:
    """Create missing accounts, enrol everyone in the cohort; raise CsvInvalid and change nothing."""
    if not cohort.can_be_managed_by(actor):
        raise NotAllowed()
    rows = parse(session, cohort, data)
    report = ImportReport(rows=len(rows))
    existing = {u.email: u for u in session.scalars(select(User).where(User.email.in_([r.email for r in rows])))}
    new_users = []
    for row in rows:
        if row.email in existing:
            continue
        user = User(email=row.email, full_name=row.full_name, password_hash=None,
                    beneficiary_id=cohort.beneficiary_id, institution=row.institution,
                    profession=row.profession, gender=row.gender, language=row.language,
                    created_at=utcnow(), role_rows=[UserRole(role=TRAINEE)])
        session.add(user)
        new_users.append(user)
    session.flush()
    created = {id(user) for user in new_users}
    by_email = {**existing, **{user.email: user for user in new_users}}
    for row in rows:
        _admit_row(session, actor, cohort, row, by_email[row.email], created, report)
    report.new_users = new_users
    audit.record(session, actor_id=actor.id, action="cohort.members_imported", subject_type="cohort",
                 subject_id=cohort.id, after={"rows": report.rows, "created": report.created,
                                              "enrolled": report.enrolled, "readmitted": report.readmitted,
                                              "unchanged": report.unchanged})
    session.flush()
    return report


def _admit_row(session: Session, actor: User, cohort: Cohort, row: _Row, user: User, created: set[int],
               report: ImportReport) -> None:
    was_member = _member_status(session, cohort, user)
    _membership, changed = admit(session, cohort, user, via=VIA_IMPORT, actor=actor, enforce_capacity=False)
    if id(user) in created:
        report.count(row, CREATED)
        queue_password_mail(session, user, welcome=True)
    elif not changed:
        report.count(row, UNCHANGED)
    else:
        report.count(row, READMITTED if was_member == MEMBER_WITHDRAWN else ENROLLED)
        notifications.notify_enrolled(session, user, cohort)


def _member_status(session: Session, cohort: Cohort, user: User) -> str | None:
    return session.scalar(
        select(CohortMembership.status).join(Enrolment, Enrolment.id == CohortMembership.enrolment_id)
        .where(Enrolment.user_id == user.id, Enrolment.course_id == cohort.course_id,
               CohortMembership.cohort_id == cohort.id))
