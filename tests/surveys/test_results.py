"""Survey results of a small programme, asserted exactly: distributions, means, free text,
suppression of small groups, and who sees which responses."""

from __future__ import annotations

import pytest

from lms.core.errors import NotAllowed, NotFound
from lms.reports.dimensions import DIMENSIONS
from lms.reports.filters import Filters
from lms.surveys.operations import satisfaction, survey_results
from tests.surveys.conftest import GOOD, end


@pytest.fixture
def programme(session, make_cohort, make_user, answer):
    """Group A (Serbia, 6 answers), group B (Albania, 2), group C (Serbia, 5)."""
    tutor_a = make_user(roles=("tutor",), full_name="Tutor A")
    tutor_b = make_user(roles=("tutor",), beneficiary="AL", full_name="Tutor B")
    a = make_cohort(name="A", tutors=[tutor_a])
    b = make_cohort(name="B", beneficiary="AL", language="sq", tutors=[tutor_b])
    c = make_cohort(name="C", tutors=[tutor_a])
    for index, (point, gender) in enumerate(zip([5, 5, 4, 4, 3, 2], ["female"] * 4 + ["male"] * 2, strict=True)):
        answer(a, {"relevance": point, "tutor": 5, "time": "as-announced" if index < 4 else "more",
                   "improve": f"A{index} comment"}, gender=gender)
    for point in (1, 2):
        answer(b, {"relevance": point, "tutor": 5, "time": "less", "improve": ""}, gender="female")
    for gender in ["female"] * 3 + ["male"] * 2:
        answer(c, GOOD, gender=gender)
    return {"a": a, "b": b, "c": c, "tutor_a": tutor_a, "tutor_b": tutor_b}


def _cohort(cohort) -> Filters:
    return Filters({"cohort": DIMENSIONS["cohort"].member_of(cohort)})


def test_results_by_group_with_small_groups_hidden(session, programme, regional_manager):
    a, b, c = programme["a"], programme["b"], programme["c"]
    results = survey_results(session, regional_manager, a.course, Filters(), by="cohort")
    assert [m.key for m in results.groups] == [a.id, b.id, c.id]
    assert results.responses == {a.id: 6, b.id: 2, c.id: 5} and results.responses_total == 13
    relevance, tutor, time, improve = results.items
    # B answered twice: hidden; C (the smallest other) too, so that 13 − 6 does not give B back.
    assert relevance.rows[a.id].counts == {"5": 2, "4": 2, "3": 1, "2": 1}
    assert relevance.rows[a.id].mean == 3.83 and relevance.rows[a.id].answers == 6
    assert relevance.rows[b.id].suppressed and relevance.rows[b.id].answers is None
    assert relevance.rows[c.id].suppressed
    assert relevance.total.answers == 13 and relevance.total.mean == 3.54
    assert relevance.total.counts == {"5": 2, "4": 7, "3": 1, "2": 2, "1": 1}
    assert relevance.total.share("4") == 53.8
    assert tutor.total.mean == 5.0 and tutor.rows[a.id].counts == {"5": 6}
    assert time.rows[a.id].counts == {"as-announced": 4, "more": 2} and time.rows[a.id].mean is None
    assert time.total.counts == {"as-announced": 9, "more": 2, "less": 2}
    # Free text: B wrote none, so no group's is hidden: A's six and C's five, sorted, and all together.
    assert improve.rows[a.id].texts == [f"A{i} comment" for i in range(6)]
    assert improve.rows[c.id].texts == ["More case studies."] * 5 and improve.rows[b.id].answers == 0
    assert improve.rows[b.id].texts is None  # two responses: too few to show text
    assert len(improve.total.texts) == 11
    assert results.hides_anything


def test_without_breakdown_the_total_shows_its_free_text(session, programme, regional_manager):
    results = survey_results(session, regional_manager, programme["a"].course, Filters())
    improve = results.items[3]
    assert results.groups == [] and results.responses_total == 13
    assert improve.total.answers == 11  # B left it empty
    assert improve.total.texts == sorted([f"A{i} comment" for i in range(6)] + ["More case studies."] * 5)


def test_gender_breakdown_is_protected_like_the_statistics(session, programme, make_user):
    manager = make_user(roles=("manager",), beneficiary="RS", scope="national")
    results = survey_results(session, manager, programme["a"].course, Filters(), by="gender")
    # Serbia only: 7 women, 4 men; 4 is under 5, and the women are hidden with it.
    assert [m.key for m in results.groups] == ["female", "male"]
    assert results.responses == {"female": None, "male": None} and results.responses_total == 11
    relevance = results.items[0]
    assert relevance.rows["female"].suppressed and relevance.rows["male"].suppressed
    assert relevance.total.mean == 3.91 and relevance.total.answers == 11


def test_a_national_manager_sees_only_their_beneficiary(session, programme, make_user):
    manager = make_user(roles=("manager",), beneficiary="AL", scope="national")
    results = survey_results(session, manager, programme["a"].course, Filters())
    assert results.responses_total == 2
    assert results.items[0].total.suppressed  # two answers: too few to show
    serbia = Filters({"beneficiary": DIMENSIONS["beneficiary"].find(session, "RS")})
    with pytest.raises(NotAllowed):
        survey_results(session, manager, programme["a"].course, serbia)
    with pytest.raises(NotAllowed):
        survey_results(session, manager, programme["a"].course, _cohort(programme["a"]))


def test_a_tutor_sees_their_group_once_it_has_ended(session, programme):
    a, b = programme["a"], programme["b"]
    with pytest.raises(NotAllowed):  # still running
        survey_results(session, programme["tutor_a"], a.course, _cohort(a))
    end(session, a)
    end(session, b)
    results = survey_results(session, programme["tutor_a"], a.course, _cohort(a), by="gender")
    assert results.responses_total == 6 and results.items[0].total.mean == 3.83
    with pytest.raises(NotFound):  # another tutor's group
        survey_results(session, programme["tutor_a"], a.course, _cohort(b))
    with pytest.raises(NotAllowed):  # no group chosen
        survey_results(session, programme["tutor_a"], a.course, Filters())


def test_a_trainee_sees_no_results(session, programme, make_user):
    with pytest.raises(NotAllowed):
        survey_results(session, make_user(), programme["a"].course, Filters())


def test_satisfaction_for_the_donor_report(session, programme, reference):
    figures = satisfaction(session, None, by="beneficiary")
    total = figures.total
    assert (total.responses, total.ratings, total.mean, total.satisfied_percent) == (13, 26, 4.27, 84.6)
    rows = {row.key: row for row in figures.rows}
    assert rows[reference["AL"].id].suppressed and rows[reference["RS"].id].suppressed  # 2, and its complement
    serbia = satisfaction(session, {reference["RS"].id})
    assert (serbia.total.responses, serbia.total.mean, serbia.total.satisfied_percent) == (11, 4.45, 90.9)
    assert satisfaction(session, {reference["AL"].id}).total.suppressed
    from datetime import date
    assert satisfaction(session, None, end=date(2000, 1, 31)).total.responses == 0
