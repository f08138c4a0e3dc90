"""A synthetic programme for demonstrations and benchmarks: ``lms demo generate``.

Six beneficiaries with their institutions; trainees with professions, genders (some
preferring not to say) and languages; tutored groups of every tutored course in each
beneficiary's languages, spread over two years, each with its HELP tutors; self-paced
enrolments; lessons read, quizzes taken, case studies submitted and reviewed, final
assessments, completions with certificates (a few revoked), withdrawals. Everything a
trainee does leaves the progress events the platform itself would have written.

The same ``seed`` (and ``until`` date) gives the same programme. Rows are written in bulk
(``lms.reports.bulk_insert``); no ORM object is made per row. A database that already holds a
synthetic programme is refused: generate into a fresh one.
"""

from __future__ import annotations

import math
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lms.accounts.models import Beneficiary, Institution, User
from lms.accounts.reference import BENEFICIARIES
from lms.certificates.codes import ALPHABET as CODE_ALPHABET
from lms.certificates.codes import LENGTH as CODE_LENGTH
from lms.core.errors import Conflict, ValidationFailed
from lms.reports.bulk_insert import BulkWriter
from lms.reports.course_shapes import CourseShape, course_shapes
from lms.reports.fact_rows import rebuild
from lms.tutors.models import Cohort
from lms.tutors.operations.cohorts import KEY_ALPHABET, KEY_LENGTH

DOMAIN = "programme.example"
WINDOW_DAYS = 730            # two years of activity up to ``until``
TRAINEES_PER_COHORT = 50     # one group per fifty trainees: 2,000 groups for 100,000
GROUP_SIZE = 18              # members of a group, on average
MAX_TRAINEES = 1_000_000

# Roughly the programme's proportions: how many trainees each beneficiary has.
SHARE = {"RS": 0.25, "BA": 0.20, "AL": 0.17, "MK": 0.15, "XK": 0.13, "ME": 0.10}
PROFESSION_WEIGHTS = {
    "prison_officer": 40, "probation_officer": 18, "social_worker": 10, "psychologist": 8, "educator": 6,
    "healthcare": 5, "prison_manager": 6, "legal_professional": 4, "other": 3, None: 2,
}
GENDER_WEIGHTS = {"male": 50, "female": 44, "undisclosed": 3, "other": 1, None: 2}
FIRST_NAMES = {
    "AL": "Arben Besa Blerina Dritan Elira Fatmir Gentiana Ilir Jonida Klodian Lindita Mirela Ndriçim Orjola Sokol Teuta",
    "BA": "Amra Adnan Dženana Emir Haris Jasmina Lejla Mirza Nermin Selma Tarik Vedran Ivana Dario",
    "XK": "Arta Besnik Drilon Edona Fitore Gresa Kushtrim Liridona Valon Vjosa Milan Jelena",
    "ME": "Ana Danilo Dragana Ivan Jovana Marko Milica Nikola Sanja Vuk",
    "MK": "Aleksandar Ana Bojan Elena Goran Ivana Marija Nikola Sanja Zoran Arben Besa",
    "RS": "Aleksandar Ana Dragan Jelena Marko Milica Nemanja Snežana Stefan Tamara Vladimir Zorana",
}
LAST_NAMES = {
    "AL": "Hoxha Kola Shehu Dervishi Leka Gjoka Marku Çela Meta Basha Prifti Zeneli",
    "BA": "Hadžić Kovačević Begić Delić Husić Marić Jukić Softić Babić Šehić",
    "XK": "Krasniqi Berisha Gashi Morina Hoxha Shala Kastrati Bytyqi Jovanović",
    "ME": "Vujović Radović Popović Vukčević Đurović Perović Šćepanović",
    "MK": "Stojanovski Petrovska Trajkovski Nikolovska Dimitrov Georgievski Ristovska Ademi",
    "RS": "Marković Petrović Jovanović Nikolić Đorđević Stojanović Ilić Pavlović Savić",
}

# What a table is written with (parents first: the writer flushes in this order).
COLUMNS = {
    "user": ("id", "email", "password_hash", "full_name", "beneficiary_id", "institution_id", "profession",
             "gender", "language", "manager_scope", "is_active", "auth_version", "created_at"),
    "user_role": ("id", "user_id", "role"),
    "cohort": ("id", "course_id", "beneficiary_id", "name", "language", "starts_on", "ends_on", "capacity",
               "enrolment_key", "is_open", "allow_other_beneficiaries", "created_at", "version"),
    "cohort_tutor": ("id", "cohort_id", "user_id"),
    "enrolment": ("id", "user_id", "course_id", "status", "enrolled_at", "withdrawn_at", "completed_at",
                  "completed_version", "completion_source", "progress_percent", "last_activity_at",
                  "last_lesson_id"),
    "cohort_membership": ("id", "cohort_id", "enrolment_id", "status", "via", "joined_at", "changed_at"),
    "membership_event": ("id", "membership_id", "cohort_id", "action", "occurred_at", "actor_id", "reason"),
    "lesson_completion": ("id", "enrolment_id", "lesson_id", "completed_at"),
    "progress_event": ("id", "enrolment_id", "kind", "subject_id", "occurred_at"),
    "quiz_attempt": ("id", "quiz_id", "enrolment_id", "number", "state", "language", "started_at",
                     "submitted_at", "closed_by_deadline", "graded_at", "marks", "max_marks", "score", "passed"),
    "submission": ("id", "assignment_id", "enrolment_id", "status", "body", "rounds_submitted", "created_at",
                   "updated_at", "submitted_at", "reviewed_at", "score", "max_score", "version"),
    "submission_round": ("id", "submission_id", "number", "body", "html", "attachment_ids", "submitted_at",
                         "reviewer_id", "reviewed_at", "score", "max_score", "feedback", "outcome"),
    "certificate": ("id", "enrolment_id", "user_id", "course_id", "kind", "code", "status", "issued_at",
                    "completed_at", "course_version", "language", "holder_name", "course_title", "hours",
                    "beneficiary_id", "cohort_id", "cohort_name", "tutor_names", "revision", "revoked_at",
                    "revocation_reason", "badge_salt", "badge_identity", "version"),
}


@dataclass
class Summary:
    trainees: int
    tutors: int
    cohorts: int
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def existing_programme(session: Session) -> int:
    return session.scalar(select(func.count(User.id)).where(User.email.like(f"%@{DOMAIN}"))) or 0


class Generator:
    def __init__(self, session: Session, writer, *, trainees: int, seed: int, until: datetime):
        self.session = session
        self.writer = writer
        self.rng = random.Random(seed)
        self.trainee_count = trainees
        self.until = until
        self.start = until - timedelta(days=WINDOW_DAYS)
        self.ids = writer.next_ids()
        self.used_keys: set[str] = set(session.scalars(select(Cohort.enrolment_key)))
        self.used_codes: set[str] = set()

    # --- helpers ---------------------------------------------------------------------------

    def next_id(self, table: str) -> int:
        value = self.ids[table]
        self.ids[table] = value + 1
        return value

    def add(self, table: str, *values) -> int:
        row_id = self.next_id(table)
        self.writer.add(table, (row_id, *values))
        return row_id

    def pick(self, weights: dict):
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def moment(self, earliest: datetime, latest: datetime) -> datetime:
        """A time between the two, whole seconds."""
        if latest <= earliest:
            return earliest.replace(microsecond=0)
        span = (latest - earliest).total_seconds()
        return (earliest + timedelta(seconds=self.rng.random() * span)).replace(microsecond=0)

    def key(self, alphabet: str, length: int, used: set[str]) -> str:
        while True:
            value = "".join(self.rng.choice(alphabet) for _ in range(length))
            if value not in used:
                used.add(value)
                return value

    # --- the programme ---------------------------------------------------------------------

    def run(self) -> Summary:
        shapes = course_shapes(self.session)
        tutored = [s for s in shapes if s.tutored]
        self_paced = [s for s in shapes if not s.tutored]
        if not tutored or not self_paced:
            raise ValidationFailed("Import the course content first (lms setup, or lms content import): "
                                   "the programme needs a tutored and a self-paced course.")
        beneficiaries = {b.code: b for b in self.session.scalars(select(Beneficiary))}
        institutions = defaultdict(list)
        for institution in self.session.scalars(select(Institution).order_by(Institution.id)):
            institutions[institution.beneficiary_id].append(institution.id)

        counts = self._split(self.trainee_count)
        cohort_total = max(1, round(self.trainee_count / TRAINEES_PER_COHORT))
        cohort_counts = self._split(cohort_total)
        now = self.until
        tutors_made = cohorts_made = 0
        for code, beneficiary in beneficiaries.items():
            if code not in SHARE:
                continue
            languages = [lang for lang in (beneficiary.languages or BENEFICIARIES[code][1])]
            tutors = [self._person(code, beneficiary.id, self.rng.choice(institutions[beneficiary.id] or [None]),
                                   "tutor", now - timedelta(days=WINDOW_DAYS + 30))
                      for _ in range(max(2, cohort_counts[code] // 12))]
            tutors_made += len(tutors)
            groups = [self._cohort(code, beneficiary.id, number, languages, tutors, tutored)
                      for number in range(cohort_counts[code])]
            cohorts_made += len(groups)
            self._trainees(code, beneficiary.id, counts[code], institutions[beneficiary.id], languages, groups,
                           self_paced)
        self.writer.finish()
        return Summary(self.trainee_count, tutors_made, cohorts_made, dict(self.writer.written))

    def _split(self, total: int) -> dict[str, int]:
        """``total`` shared out by the beneficiaries' proportions (largest remainders)."""
        raw = {code: total * share for code, share in SHARE.items()}
        counts = {code: int(value) for code, value in raw.items()}
        for code in sorted(raw, key=lambda c: raw[c] - counts[c], reverse=True)[:total - sum(counts.values())]:
            counts[code] += 1
        return counts

    def _name(self, code: str) -> str:
        return f"{self.rng.choice(FIRST_NAMES[code].split())} {self.rng.choice(LAST_NAMES[code].split())}"

    def _person(self, code: str, beneficiary_id: int, institution_id: int | None, role: str,
                created: datetime, *, profession=None, gender=None, language=None) -> tuple[int, str]:
        user_id = self.ids["user"]
        name = self._name(code)
        self.add("user", f"{role}{user_id:07d}@{DOMAIN}", None, name, beneficiary_id, institution_id,
                 profession, gender, language or BENEFICIARIES[code][1][0], None, True, 1, created)
        self.add("user_role", user_id, role)
        return user_id, name

    def _cohort(self, code: str, beneficiary_id: int, number: int, languages: list[str], tutors: list,
                courses: list[CourseShape]) -> dict:
        course = courses[number % len(courses)]
        # Each beneficiary's groups are taught in its languages, mostly the first.
        language = languages[0] if self.rng.random() < 0.6 else self.rng.choice(languages)
        starts = (self.start + timedelta(days=self.rng.randrange(0, WINDOW_DAYS - 14))).date()
        ends = starts + timedelta(weeks=self.rng.choice((8, 10, 12)))
        chosen = self.rng.sample(tutors, 2 if (len(tutors) > 1 and self.rng.random() < 0.3) else 1)
        name = f"{code} {starts.year}/{number + 1} ({language})"
        cohort_id = self.add("cohort", course.id, beneficiary_id, name, language, starts, ends, 30,
                             self.key(KEY_ALPHABET, KEY_LENGTH, self.used_keys), ends >= self.until.date(), False,
                             datetime.combine(starts, datetime.min.time(), tzinfo=UTC) - timedelta(days=14), 1)
        for tutor_id, _name in chosen:
            self.add("cohort_tutor", cohort_id, tutor_id)
        return {"id": cohort_id, "course": course, "language": language, "starts": starts, "ends": ends,
                "name": name, "tutors": chosen, "beneficiary_id": beneficiary_id}

    def _trainees(self, code: str, beneficiary_id: int, count: int, institutions: list[int], languages: list[str],
                  groups: list[dict], self_paced: list[CourseShape]) -> None:
        # About a third of the trainees take a tutored course in a group; most of the others,
        # and some of them, a self-paced one; a few registered and never enrolled.
        seats = []
        for group in groups:
            seats += [group] * max(6, round(self.rng.gauss(GROUP_SIZE, 4)))
        self.rng.shuffle(seats)
        for number in range(count):
            language = languages[0] if self.rng.random() < 0.75 else self.rng.choice(languages + ["en"])
            institution = self.rng.choice(institutions) if institutions and self.rng.random() > 0.05 else None
            group = seats[number] if number < len(seats) else None
            paced = self.rng.random() < (0.25 if group else 0.93)
            first = self.start + timedelta(days=self.rng.randrange(0, WINDOW_DAYS))
            if group:
                first = min(first, datetime.combine(group["starts"], datetime.min.time(), tzinfo=UTC))
            user_id, name = self._person(code, beneficiary_id, institution, "trainee",
                                         first - timedelta(days=self.rng.randrange(1, 40)),
                                         profession=self.pick(PROFESSION_WEIGHTS), gender=self.pick(GENDER_WEIGHTS),
                                         language=language)
            trainee = {"id": user_id, "name": name, "language": language, "beneficiary_id": beneficiary_id}
            if group:
                self._tutored(trainee, group)
            if paced:
                self._self_paced(trainee, self.rng.choice(self_paced))

    # --- one enrolment -------------------------------------------------------------------

    def _tutored(self, trainee: dict, group: dict) -> None:
        course = group["course"]
        starts = datetime.combine(group["starts"], datetime.min.time(), tzinfo=UTC) + timedelta(hours=8)
        ends = datetime.combine(group["ends"], datetime.min.time(), tzinfo=UTC) + timedelta(hours=18)
        enrolled = self.moment(starts - timedelta(days=10), starts + timedelta(days=3))
        if enrolled > self.until:
            enrolled = self.until - timedelta(hours=1)
        span = (ends - starts).total_seconds()
        elapsed = max(0.0, min(1.0, (self.until - starts).total_seconds() / span))
        withdrawn = completed = None
        if elapsed > 0.2 and self.rng.random() < 0.08:
            withdrawn = self.moment(starts + timedelta(seconds=span * 0.15), starts + timedelta(seconds=span * 0.6))
            withdrawn = min(withdrawn, self.until)
            share = self.rng.uniform(0.05, 0.45)
            finish = withdrawn
        elif elapsed >= 1.0 and self.rng.random() < 0.72:
            completed = self.moment(ends - timedelta(days=12), ends + timedelta(days=18))
            completed = min(completed, self.until - timedelta(minutes=5))
            share, finish = 1.0, completed
        else:
            pace = self.rng.uniform(0.55, 1.1)
            share = min(0.97, elapsed * pace) if elapsed < 1.0 else self.rng.uniform(0.3, 0.95)
            finish = min(self.until - timedelta(minutes=30), starts + timedelta(seconds=span * min(1.0, elapsed)))
        review_by = group["tutors"][0][0]
        enrolment_id, membership_id = self._enrolment(trainee, course, enrolled, withdrawn, completed, share,
                                                      finish, group, review_by)
        self.add("membership_event", membership_id, group["id"], "joined", enrolled, None, None)
        if withdrawn:
            self.add("membership_event", membership_id, group["id"], "withdrawn", withdrawn, None, None)

    def _self_paced(self, trainee: dict, course: CourseShape) -> None:
        enrolled = self.moment(self.start, self.until - timedelta(days=1))
        days_left = (self.until - enrolled).total_seconds() / 86400
        duration = math.exp(self.rng.gauss(math.log(24), 0.8))      # median about three weeks and a half
        withdrawn = completed = None
        # Open courses: many look in and read a little; some finish.
        if self.rng.random() < 0.05:
            withdrawn = self.moment(enrolled + timedelta(days=1), min(self.until, enrolled + timedelta(days=60)))
            share, finish = self.rng.uniform(0.0, 0.4), withdrawn
        elif self.rng.random() < 0.2 and duration < days_left:
            completed = (enrolled + timedelta(days=duration)).replace(microsecond=0)
            share, finish = 1.0, completed
        else:
            share = min(0.9, self.rng.expovariate(1 / 0.18))
            finish = self.moment(enrolled, min(self.until, enrolled + timedelta(days=max(1.0, duration))))
        self._enrolment(trainee, course, enrolled, withdrawn, completed, share, finish, None, None)

    def _enrolment(self, trainee: dict, course: CourseShape, enrolled: datetime, withdrawn, completed,
                   share: float, finish: datetime, group: dict | None, reviewer: int | None) -> tuple[int, int | None]:
        """The enrolment, its membership, and everything its trainee did from ``enrolled`` to ``finish``."""
        enrolment_id = self.next_id("enrolment")
        plan = self._plan(course, share, completed is not None)
        events: list[tuple[str, int | None, datetime]] = []
        rows: list[tuple[str, tuple]] = []       # written after the enrolment, ids already given
        last_lesson = own_last = None
        done_items = 0
        span = max(60.0, (finish - enrolled).total_seconds())
        language = group["language"] if group else trainee["language"]
        for step, (kind, _index, subject) in enumerate(plan):
            at = enrolled + timedelta(seconds=span * (step + self.rng.random() * 0.8) / max(1, len(plan)))
            at = min(at.replace(microsecond=0), finish)
            if kind == "lesson":
                events.append(("lesson_viewed", subject, at))
                done = min(at + timedelta(minutes=self.rng.randint(5, 45)), finish)
                events.append(("lesson_completed", subject, done))
                rows.append(("lesson_completion", (self.next_id("lesson_completion"), enrolment_id, subject, done)))
                last_lesson, own_last, done_items = subject, done, done_items + 1
            elif kind in ("quiz", "final"):
                quiz_id, pass_mark = subject
                tries = 1 if self.rng.random() < 0.75 else (2 if self.rng.random() < 0.8 else 3)
                for number in range(1, tries + 1):
                    score = self._score(pass_mark, number == tries)
                    started = min(at + timedelta(hours=number - 1), finish)
                    graded = min(started + timedelta(minutes=self.rng.randint(8, 40)), finish)
                    attempt_id = self.next_id("quiz_attempt")
                    rows.append(("quiz_attempt", (attempt_id, quiz_id, enrolment_id, number, "graded", language,
                                                  started, graded, False, graded, round(score / 10, 5), 10.0,
                                                  score, score >= pass_mark)))
                    events.append(("quiz_attempt_started", attempt_id, started))
                    events.append(("quiz_graded", attempt_id, graded))
                    own_last = graded
                done_items += 1
            elif kind == "assignment":
                accepted, submitted = self._submission(enrolment_id, subject, at, enrolled, completed is not None,
                                                       reviewer, events, rows)
                done_items += accepted
                own_last = max(own_last or submitted, submitted)
        percent = 100 if completed else min(99, int(100 * done_items // max(1, course.items)))
        self.writer.add("enrolment", (enrolment_id, trainee["id"], course.id, "withdrawn" if withdrawn else "active",
                                      enrolled, withdrawn, completed, course.version if completed else None,
                                      "automatic" if completed else None, percent, own_last, last_lesson))
        membership_id = None
        if group:
            membership_id = self.add("cohort_membership", group["id"], enrolment_id,
                                     "withdrawn" if withdrawn else "active", "demo", enrolled, withdrawn or enrolled)
        for table, row in rows:
            self.writer.add(table, row)
        for kind, subject, at in events:
            self.add("progress_event", enrolment_id, kind, subject, at)
        if completed:
            self._certificate(trainee, course, enrolment_id, completed, group)
        return enrolment_id, membership_id

    def _plan(self, course: CourseShape, share: float, complete: bool) -> list[tuple[str, int, object]]:
        """What the trainee did, in order: a module's lessons, then its quiz and its case study."""
        lessons = len(course.lessons)
        to_do = lessons if complete else int(share * lessons)
        plan: list[tuple[str, int, object]] = []
        done = 0
        for index, module in enumerate(course.modules):
            take = min(len(module), to_do - done)
            if take <= 0:
                break
            plan += [("lesson", index, lesson) for lesson in module[:take]]
            done += take
            if take == len(module) and (complete or done < to_do or self.rng.random() < 0.6):
                if index in course.module_quizzes:
                    plan.append(("quiz", index, course.module_quizzes[index]))
                if index in course.assignments:
                    plan.append(("assignment", index, course.assignments[index]))
        if complete and course.final:
            plan.append(("final", -1, course.final))
        return plan

    def _score(self, pass_mark: int, passing: bool) -> float:
        if passing:
            return float(min(100, max(pass_mark, round(self.rng.gauss(80, 9)))))
        return float(max(10, min(pass_mark - 1, round(self.rng.gauss(pass_mark - 15, 10)))))

    def _turnaround(self) -> timedelta:
        """How long a tutor takes to review: a day or so, sometimes a week or two."""
        return timedelta(hours=min(336.0, max(1.0, math.exp(self.rng.gauss(math.log(30), 0.7)))))

    def _submission(self, enrolment_id: int, assignment: tuple[int, int], at: datetime, enrolled: datetime,
                    complete: bool, reviewer: int | None, events: list, rows: list) -> tuple[int, datetime]:
        """A case study submitted and reviewed (sometimes returned once first).

        For a completed enrolment the last review is at ``at`` (work was accepted before the
        course could complete); otherwise submission is at ``at`` and a review that would fall
        after ``until`` has not happened yet: the work awaits review. Returns (1 if accepted,
        when the trainee last submitted).
        """
        assignment_id, max_points = assignment
        submission_id = self.next_id("submission")
        count = 1 if self.rng.random() < 0.82 else 2
        times = []
        if complete:
            reviewed, earliest = at, enrolled + timedelta(minutes=10)
            for _number in range(count):
                submitted = reviewed - self._turnaround()
                if submitted <= earliest:
                    times.append((earliest, max(reviewed, earliest + timedelta(minutes=30))))
                    break
                times.append((submitted, reviewed))
                reviewed = submitted - timedelta(days=self.rng.randint(1, 6))
                if reviewed <= earliest + timedelta(minutes=30):
                    break
            times.reverse()
            count = len(times)
        else:
            submitted = at
            for _number in range(count):
                reviewed = submitted + self._turnaround()
                # Tutors of running groups are often behind with the last fortnight's work.
                behind = self.until - submitted < timedelta(days=14) and self.rng.random() < 0.4
                if reviewed > self.until or behind:
                    times.append((submitted, None))
                    break
                times.append((submitted, reviewed))
                submitted = reviewed + timedelta(days=self.rng.randint(1, 6))
                if submitted > self.until:
                    break
        status, score, reviewed_last = "submitted", None, None
        round_rows = []
        for number, (submitted, reviewed) in enumerate(times, start=1):
            events.append(("submission_submitted", submission_id, submitted))
            if reviewed is None:
                round_rows.append((self.next_id("submission_round"), submission_id, number, "…", "<p>…</p>", [],
                                   submitted, None, None, None, None, None, None))
                status = "submitted"
                break
            outcome = "accepted" if number == count else "returned"
            points = self.rng.randint(max_points // 2 + 1, max_points) if outcome == "accepted" else \
                self.rng.randint(0, max_points // 2)
            round_rows.append((self.next_id("submission_round"), submission_id, number, "…", "<p>…</p>", [],
                               submitted, reviewer, reviewed, points, max_points, "Feedback of the tutor.", outcome))
            events.append(("submission_reviewed", submission_id, reviewed))
            status, score, reviewed_last = outcome, points, reviewed
        last_submitted = times[len(round_rows) - 1][0]
        rows.append(("submission", (submission_id, assignment_id, enrolment_id, status, "…", len(round_rows),
                                    times[0][0], last_submitted, last_submitted, reviewed_last,
                                    score if status != "submitted" else None,
                                    max_points if status != "submitted" else None, 1)))
        rows += [("submission_round", row) for row in round_rows]
        return (1 if status == "accepted" else 0), last_submitted

    def _certificate(self, trainee: dict, course: CourseShape, enrolment_id: int, completed: datetime,
                     group: dict | None) -> None:
        language = trainee["language"] if trainee["language"] in course.languages else (
            group["language"] if group and group["language"] in course.languages else "en")
        revoked = self.rng.random() < 0.015
        revoked_at = min(self.until, completed + timedelta(days=self.rng.randint(5, 90))) if revoked else None
        title = course.title.get(language) or course.title.get("en") or course.slug
        self.add("certificate", enrolment_id, trainee["id"], course.id,
                 "completion" if course.tutored else "accomplishment",
                 self.key(CODE_ALPHABET, CODE_LENGTH, self.used_codes), "revoked" if revoked else "valid",
                 completed, completed, course.version, language, trainee["name"], title[:300], course.hours,
                 group["beneficiary_id"] if group else trainee["beneficiary_id"], group["id"] if group else None,
                 group["name"] if group else None, [name for _id, name in group["tutors"]] if group else [],
                 1, revoked_at, "Issued in error (synthetic data)." if revoked else None,
                 f"{enrolment_id:032x}"[-32:], f"sha256${enrolment_id:064x}", 1)


def generate(session: Session, *, trainees: int, seed: int, until: date | None = None) -> Summary:
    """Write a synthetic programme of ``trainees`` trainees into the session's transaction (not committed)."""
    if not 1 <= trainees <= MAX_TRAINEES:
        raise ValidationFailed(f"--trainees must be between 1 and {MAX_TRAINEES:,}.", field="trainees")
    found = existing_programme(session)
    if found:
        raise Conflict(f"This database already holds a synthetic programme ({found:,} accounts @{DOMAIN}). "
                       "Generate into an empty database instead: adding to it would mix two programmes.")
    end = datetime.combine(until or datetime.now(UTC).date(), datetime.min.time(), tzinfo=UTC)
    started = time.perf_counter()
    writer = BulkWriter(session, COLUMNS)
    summary = Generator(session, writer, trainees=trainees, seed=seed, until=end).run()
    # Written past the session's unit of work: the statistics' fact rows, derived all at once.
    summary.rows["enrolment_fact"] = rebuild(session)
    summary.seconds = time.perf_counter() - started
    return summary
