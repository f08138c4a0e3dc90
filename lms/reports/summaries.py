"""The overview's figures added up from a few hundred summary rows instead of every fact row.

``SummaryCount`` holds, for every beneficiary and for all enrolments together, how many
enrolments count for each of the overview's figures (enrolled, completed, withdrawn,
certificates issued, revoked, renewed, valid; submissions awaiting review; different people
enrolled and completed), and histograms of the values its means and medians are taken over:
the final score, the pre-test and final scores of those with both, the days to completion,
the month of each enrolment and completion (the trend), the hour of each reviewed round's
turnaround, the day each valid certificate expires. A median of a histogram is exact; the
median turnaround reads the one or two rounds in the middle of their hour along
``review_fact(seconds)``.

Kept with the fact rows (``lms.reports.fact_rows.refresh``), in the same transaction: the
fact rows of every person whose enrolments are derived again are read before and after,
and the difference of what they count is added to the summary (a rollback takes it with
it). A person counts once however many enrolments they have, so the whole person is read.
``derive`` adds everything up again from the fact tables (the migration, ``rebuild``).

Two figures depend on the moment as well as on the data and are counted along an index:
"active in the last 30 days" (the enrolments with activity since the cutoff), and the
certificates expired by now (the histogram's days before today, and today's by the minute).

``figures`` and ``trend_counts`` serve the overview when it counts every enrolment or one
beneficiary's (scope or filter), without a period; any other filter returns None, and the
overview reads the fact table as before.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction

from sqlalchemy import (
    BigInteger,
    Float,
    String,
    cast,
    delete,
    event,
    func,
    insert,
    literal,
    select,
    union,
    union_all,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, scoped_session

from lms.certificates.models import REVOKED, VALID
from lms.courses.models import ACTIVE, WITHDRAWN, Enrolment
from lms.reports.filters import COMPLETION, Filters
from lms.reports.measures import ACTIVE_DAYS
from lms.reports.models import EnrolmentFact, ReviewFact, SummaryCount
from lms.reports.sql_dialects import dialect_of

SUMMARY = SummaryCount.__table__
FACT = EnrolmentFact.__table__
REVIEW = ReviewFact.__table__
EVERY, NO_BENEFICIARY = 0, -1
EPOCH = date(1970, 1, 1)
HOUR = 3600
# More people than this changed at once (a course's format, a quiz's grading method): the
# summary is added up again from the fact tables rather than by difference.
MOST_PEOPLE = 5000

# The counts (value 0), and the histograms (value: what is counted).
COUNTS = ("enrolled", "trainees", "completed", "trainees_completed", "withdrawn", "issued", "revoked",
          "renewed", "valid", "awaiting")
HISTOGRAMS = ("final", "paired_pre", "paired_final", "days", "enrolled_month", "completed_month",
              "round_hour", "valid_expiry")

COLUMNS = (FACT.c.enrolment_id, FACT.c.user_id, FACT.c.beneficiary, FACT.c.status, FACT.c.enrolled_at,
           FACT.c.completed_at, FACT.c.final_score, FACT.c.pretest_score, FACT.c.certificate_status,
           FACT.c.certificate_expires_at, FACT.c.certificate_renewed, FACT.c.awaiting_review)


def _month(moment: datetime) -> int:
    moment = moment.astimezone(UTC)
    return moment.year * 100 + moment.month


def _day(moment: datetime) -> int:
    return (moment.astimezone(UTC).date() - EPOCH).days


def scope_of_row(beneficiary: int | None) -> int:
    return NO_BENEFICIARY if beneficiary is None else beneficiary


# --- what a set of people counts ------------------------------------------------------------------

def contributions(facts: Iterable, rounds: Iterable) -> Counter:
    """{(scope, kind, value): n} of these fact rows (every one of each person's) and their rounds."""
    found: Counter = Counter()
    people: dict[int, tuple[set, set]] = {}
    scopes: dict[int, int] = {}
    for f in facts:
        own = scope_of_row(f.beneficiary)
        scopes[f.enrolment_id] = own
        enrolled, completed = people.setdefault(f.user_id, (set(), set()))
        enrolled.add(own)
        items = [("enrolled", 0), ("enrolled_month", _month(f.enrolled_at))]
        if f.completed_at is not None:
            completed.add(own)
            items += [("completed", 0), ("completed_month", _month(f.completed_at)),
                      ("days", (f.completed_at.astimezone(UTC).date() - f.enrolled_at.astimezone(UTC).date()).days)]
        if f.status == WITHDRAWN:
            items.append(("withdrawn", 0))
        if f.certificate_status is not None:
            items.append(("issued", 0))
            if f.certificate_status == REVOKED:
                items.append(("revoked", 0))
            if f.certificate_status == VALID:
                items.append(("valid", 0))
                if f.certificate_expires_at is not None:
                    items.append(("valid_expiry", _day(f.certificate_expires_at)))
        if f.certificate_renewed == 1:
            items.append(("renewed", 0))
        if f.final_score is not None:
            items.append(("final", f.final_score))
            if f.pretest_score is not None:
                items += [("paired_pre", f.pretest_score), ("paired_final", f.final_score)]
        for scope in (own, EVERY):
            for kind, value in items:
                found[(scope, kind, float(value))] += 1
            if f.awaiting_review:
                found[(scope, "awaiting", 0.0)] += f.awaiting_review
    for enrolled, completed in people.values():
        for scope in (*enrolled, EVERY):
            found[(scope, "trainees", 0.0)] += 1
        for scope in (*completed, EVERY) if completed else ():
            found[(scope, "trainees_completed", 0.0)] += 1
    for enrolment_id, seconds in rounds:
        own = scopes.get(enrolment_id)
        if own is None:
            continue
        for scope in (own, EVERY):
            found[(scope, "round_hour", float(seconds // HOUR))] += 1
    return found


def _of_people(connection, people: Sequence[int]) -> tuple[list, list]:
    """Every fact row of these people, and their reviewed rounds."""
    if not people:
        return [], []
    facts = connection.execute(select(*COLUMNS).where(FACT.c.user_id.in_(people))).all()
    rounds = connection.execute(select(REVIEW.c.enrolment_id, REVIEW.c.seconds).where(
        REVIEW.c.enrolment_id.in_(select(FACT.c.enrolment_id).where(FACT.c.user_id.in_(people))))).all()
    return facts, rounds


def people_of(connection, chosen) -> set[int]:
    """The people of the enrolments ``chosen`` selects (by their records and by their fact rows)."""
    return set(connection.scalars(union(select(Enrolment.user_id).where(Enrolment.id.in_(chosen)),
                                        select(FACT.c.user_id).where(FACT.c.enrolment_id.in_(chosen)))))


class Before:
    """What some people counted before their fact rows are derived again."""

    def __init__(self, connection, people: set[int], kept: dict[int, tuple[list, list]] | None = None):
        kept = kept or {}
        self.people = people | set(kept)
        self.whole = len(self.people) > MOST_PEOPLE
        if self.whole:
            return
        facts, rounds = _of_people(connection, sorted(self.people - set(kept)))
        for kept_facts, kept_rounds in kept.values():
            facts += kept_facts
            rounds += kept_rounds
        self.counted = contributions(facts, rounds)

    def settle(self, connection, dialect: str) -> None:
        """Add to the summary the difference their fact rows, derived again, make."""
        if self.whole:
            derive(connection, dialect)
            return
        delta = contributions(*_of_people(connection, sorted(self.people)))
        delta.subtract(self.counted)
        add(connection, dialect, delta)


def snapshot(connection, people: Iterable[int]) -> dict[int, tuple[list, list]]:
    """Each person's fact rows and rounds as they are now (before a flush deletes their enrolments)."""
    found: dict[int, tuple[list, list]] = {person: ([], []) for person in people}
    facts, rounds = _of_people(connection, sorted(found))
    enrolments = {}
    for f in facts:
        found[f.user_id][0].append(f)
        enrolments[f.enrolment_id] = f.user_id
    for r in rounds:
        found[enrolments[r.enrolment_id]][1].append(r)
    return found


def _upsert(dialect: str):
    statement = (pg_insert if dialect == "postgresql" else sqlite_insert)(SUMMARY)
    return statement.on_conflict_do_update(index_elements=[SUMMARY.c.scope, SUMMARY.c.kind, SUMMARY.c.value],
                                           set_={"n": SUMMARY.c.n + statement.excluded.n})


def add(connection, dialect: str, delta: Counter) -> None:
    """Add ``delta`` to the summary rows, in the rows' order (two writers lock them alike)."""
    rows = [{"scope": scope, "kind": kind, "value": value, "n": n}
            for (scope, kind, value), n in sorted(delta.items()) if n]
    if rows:
        connection.execute(_upsert(dialect), rows)


def derive(connection, dialect: str | None = None) -> int:
    """Every summary row added up again from the fact tables; how many rows."""
    connection.execute(delete(SUMMARY))
    facts = connection.execute(select(*COLUMNS)).all()
    rounds = connection.execute(select(REVIEW.c.enrolment_id, REVIEW.c.seconds)).all()
    rows = [{"scope": scope, "kind": kind, "value": value, "n": n}
            for (scope, kind, value), n in sorted(contributions(facts, rounds).items()) if n]
    if rows:
        connection.execute(insert(SUMMARY), rows)
    return len(rows)


# --- reading --------------------------------------------------------------------------------------

def scope_key(filters: Filters, scope: set[int] | None, *, period: bool = True) -> int | None:
    """The summary's scope that holds exactly the population of ``filters`` and ``scope``:
    every enrolment, or one beneficiary's; None when it holds none (another filter, a period,
    several beneficiaries)."""
    if set(filters.chosen) - {"beneficiary"}:
        return None
    if period and (filters.has_period or filters.basis == COMPLETION):
        return None
    chosen = filters.key("beneficiary") if "beneficiary" in filters.chosen else None
    if "beneficiary" in filters.chosen:
        if not isinstance(chosen, int) or chosen <= 0 or (scope is not None and chosen not in scope):
            return None
        return chosen
    if scope is None:
        return EVERY
    if len(scope) == 1:
        only = next(iter(scope))
        return only if isinstance(only, int) and only > 0 else None
    return None


MEMO_KEY = "lms_summary_read"
NOW_ACTIVE, EXPIRED_TODAY = "now_active", "now_expired_today"


def _counted_now(key: int, name: str, *conditions):
    """(scope, ``name``, 0, how many) of each beneficiary's fact rows meeting ``conditions`` (or ``key``'s)."""
    query = (select(func.coalesce(FACT.c.beneficiary, NO_BENEFICIARY), cast(literal(name), String(24)),
                    cast(literal(0.0), Float), cast(func.count(), BigInteger))
             .where(*conditions).group_by(FACT.c.beneficiary))
    return query.where(FACT.c.beneficiary == key) if key != EVERY else query


def _read(session: Session, key: int, now: datetime | None = None, *, every_scope_kinds: Sequence[str] = ()):
    """{scope: {kind: {value: n}}}: ``key``'s summary rows (and every scope's ``every_scope_kinds``);
    given ``now``, in the same statement, the enrolments active since the cutoff and the
    certificates expired today, each beneficiary's, along their indexes."""
    condition = SUMMARY.c.scope == key
    if every_scope_kinds:
        condition = condition | SUMMARY.c.kind.in_(every_scope_kinds)
    query = select(SUMMARY.c.scope, SUMMARY.c.kind, SUMMARY.c.value, SUMMARY.c.n).where(condition, SUMMARY.c.n != 0)
    if now is not None:
        cutoff = now - timedelta(days=ACTIVE_DAYS)
        query = union_all(query, _counted_now(key, NOW_ACTIVE, FACT.c.status == ACTIVE,
                                              FACT.c.last_activity_at >= cutoff),
                          _counted_now(key, EXPIRED_TODAY, FACT.c.certificate_status == VALID,
                                       FACT.c.certificate_expires_at >= _day_start(now),
                                       FACT.c.certificate_expires_at <= now))
    found: dict[int, dict[str, dict[float, int]]] = {}
    for scope, kind, value, n in session.connection().execute(query):
        found.setdefault(scope, {}).setdefault(kind, {})[value] = n
    # The trend, built next from the same rows, reads them again only after a write.
    own = _own(session)
    own.info[MEMO_KEY] = (own.get_transaction(), key, found)
    return found


def _own(session) -> Session:
    return session() if isinstance(session, scoped_session) else session


@event.listens_for(Session, "after_flush")
def _forget_read(session: Session, _flush_context) -> None:
    session.info.pop(MEMO_KEY, None)


def _count(kinds: dict, kind: str) -> int:
    return int(sum(kinds.get(kind, {}).values()))


def _mean(histogram: dict[float, int]) -> float | None:
    n = sum(histogram.values())
    if not n:
        return None
    return float(sum(Fraction(value) * count for value, count in histogram.items()) / n)


def _middle(histogram: dict[float, int]) -> tuple[int, list[tuple[float, int]]]:
    return sum(histogram.values()), sorted(histogram.items())


def _at(ordered: list[tuple[float, int]], position: int) -> tuple[float, int]:
    """The value at ``position`` (0-based) of the sorted histogram, and how many come before its value."""
    before = 0
    for value, count in ordered:
        if position < before + count:
            return value, before
        before += count
    raise IndexError(position)


def _lerp(low: float, high: float, dialect: str) -> float:
    # As the database takes the middle of two values: PostgreSQL's percentile_cont interpolates,
    # SQLite's avg adds them up.
    if low == high:
        return low
    return low + (high - low) * 0.5 if dialect == "postgresql" else (low + high) / 2


def median(histogram: dict[float, int], dialect: str) -> float | None:
    n, ordered = _middle(histogram)
    if not n:
        return None
    low = _at(ordered, (n - 1) // 2)[0]
    high = _at(ordered, n // 2)[0]
    return float(_lerp(low, high, dialect))


def median_turnaround_hours(session: Session, key: int, hours: dict[float, int], dialect: str) -> float | None:
    """The median of the rounds' seconds, in hours: the one or two in the middle, read from
    the start of their hour along ``review_fact(seconds)``."""
    n, ordered = _middle(hours)
    if not n:
        return None
    first, second = (n - 1) // 2, n // 2
    hour, before = _at(ordered, first)
    query = select(REVIEW.c.seconds).where(REVIEW.c.seconds >= int(hour) * HOUR)
    if key != EVERY:
        query = query.join(FACT, FACT.c.enrolment_id == REVIEW.c.enrolment_id).where(FACT.c.beneficiary == key)
    values = list(session.connection().execute(
        query.order_by(REVIEW.c.seconds).offset(first - before).limit(second - first + 1)).scalars())
    if not values:
        return None
    return _lerp(float(values[0]), float(values[-1]), dialect) / 3600.0


def _day_start(moment: datetime) -> datetime:
    return datetime.combine(moment.astimezone(UTC).date(), time.min, tzinfo=UTC)


def _cell(kinds: dict, measures: Sequence[str], active: int, dialect: str) -> dict:
    enrolled = _count(kinds, "enrolled")
    completed = _count(kinds, "completed")
    finals = kinds.get("final", {})
    pre, paired_final = kinds.get("paired_pre", {}), kinds.get("paired_final", {})
    pairs = sum(paired_final.values())

    def gain():
        if not pairs:
            return None
        total = (sum(Fraction(v) * n for v, n in paired_final.items())
                 - sum(Fraction(v) * n for v, n in pre.items()))
        return float(total / pairs)

    values = {
        "enrolled": lambda: enrolled,
        "trainees": lambda: _count(kinds, "trainees"),
        "active": lambda: active,
        "completed": lambda: completed,
        "trainees_completed": lambda: _count(kinds, "trainees_completed"),
        "withdrawn": lambda: _count(kinds, "withdrawn"),
        "completion_rate": lambda: 100.0 * completed / enrolled if enrolled else None,
        "certificates_issued": lambda: _count(kinds, "issued"),
        "certificates_revoked": lambda: _count(kinds, "revoked"),
        "certificates_renewed": lambda: _count(kinds, "renewed"),
        "average_final_score": lambda: _mean(finals),
        "median_final_score": lambda: median(finals, dialect),
        "gain_pairs": lambda: pairs,
        "mean_pre_score": lambda: _mean(pre) if pairs else None,
        "mean_paired_final_score": lambda: _mean(paired_final) if pairs else None,
        "knowledge_gain": gain,
        "median_days_to_completion": lambda: median(kinds.get("days", {}), dialect),
        "awaiting_review": lambda: _count(kinds, "awaiting"),
    }
    return {m: values[m]() for m in ("enrolled", *measures) if m in values}


TABLE_KINDS = ("enrolled", "completed", "withdrawn", "issued", "revoked", "final")


def figures(session: Session, filters: Filters, scope: set[int] | None, *, now: datetime,
            table: Sequence[str], headline: Sequence[str]):
    """The beneficiaries' table (``table`` measures, level 0) and the headline (level 1) as
    ``aggregates.figures`` gives them for ``Part(("beneficiary",), table), Part((), headline)``;
    None when the summary does not hold this population."""
    from lms.reports.aggregates import Figures

    key = scope_key(filters, scope)
    if key is None:
        return None
    dialect = dialect_of(session)
    found = _read(session, key, now, every_scope_kinds=TABLE_KINDS if key == EVERY else ())
    active = {row_scope: _count(kinds, NOW_ACTIVE) for row_scope, kinds in found.items()}
    rows = {}
    for row_scope, kinds in found.items():
        if row_scope == EVERY and key == EVERY or not _count(kinds, "enrolled"):
            continue
        rows[(None if row_scope == NO_BENEFICIARY else row_scope,)] = _cell(kinds, table, active.get(row_scope, 0),
                                                                            dialect)
    kinds = found.get(key, {})
    total = _cell(kinds, headline, sum(active.values()), dialect)
    if "certificates_expired" in headline or "certificates_valid" in headline:
        today = _day(now)
        expired = sum(n for day, n in kinds.get("valid_expiry", {}).items() if day < today)
        expired += sum(_count(kinds, EXPIRED_TODAY) for kinds in found.values())
        total["certificates_expired"] = expired
        total["certificates_valid"] = _count(kinds, "valid") - expired
    if "median_grading_hours" in headline:
        total["median_grading_hours"] = median_turnaround_hours(session, key, kinds.get("round_hour", {}), dialect)
    total = {m: total[m] for m in ("enrolled", *headline)}
    return Figures({0: rows, 1: {(): total}})


def trend_counts(session: Session, filters: Filters, scope: set[int] | None,
                 ) -> tuple[date | None, dict[str, dict[int, int]]] | None:
    """The first month with an enrolment (its first day), and {"enrolments": {YYYYMM: n},
    "completions": {…}} of every month; None when the summary does not hold this population."""
    if filters.start or filters.end:
        return None
    key = scope_key(filters, scope, period=False)
    if key is None:
        return None
    own = _own(session)
    memo = own.info.get(MEMO_KEY)
    if memo is not None and memo[0] is own.get_transaction() and memo[1] == key:
        found = memo[2].get(key, {})
    else:
        found = _read(session, key).get(key, {})
    enrolments = {int(month): n for month, n in found.get("enrolled_month", {}).items()}
    completions = {int(month): n for month, n in found.get("completed_month", {}).items()}
    earliest = min(enrolments) if enrolments else None
    first = date(earliest // 100, earliest % 100, 1) if earliest else None
    return first, {"enrolments": enrolments, "completions": completions}
