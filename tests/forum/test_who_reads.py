"""Who reads a forum, as the statements built once per kind of reader answer it: the same as
``Forum.can_be_read_by`` for every reader; participation the same for a list of groups as for a
SELECT of them."""

from __future__ import annotations

from lms.extensions import db
from lms.forum import operations as ops
from lms.forum.operations.lists import forum_link, readable_forums_query
from lms.forum.operations.participation import participation
from lms.tutors.models import Cohort, CohortMembership
from lms.tutors.operations.membership import withdraw_member


def test_the_forum_button_and_the_forum_list_agree_with_the_rule_for_every_kind_of_reader(
        session, forum, group, add_member, make_cohort, make_user, annexed, regional_manager):
    member, _ = add_member(group)
    withdrawn, enrolment = add_member(group)
    membership = session.scalar(db.select(CohortMembership).where(CohortMembership.enrolment_id == enrolment.id))
    withdraw_member(session, regional_manager, membership, None)
    other_group = make_cohort(course=annexed, beneficiary="RS", language="sr_Latn")
    other_forum = ops.forum_of_cohort(session, other_group.id)
    stranger, _ = add_member(other_group)
    session.commit()
    readers = {
        "member": member, "withdrawn member": withdrawn, "member of another group": stranger,
        "tutor": group.tutors[0], "tutor of another group": other_group.tutors[0],
        "national manager (AL)": make_user(roles=("manager",), beneficiary="AL", scope="national"),
        "national manager (ME)": make_user(roles=("manager",), beneficiary="ME", scope="national"),
        "regional manager": regional_manager,
        "administrator": make_user(roles=("admin",), beneficiary=None),
        "tutor and national manager (ME)": make_user(roles=("tutor", "manager"), beneficiary="ME", scope="national"),
        "trainee of no group": make_user(beneficiary="AL"),
    }
    shown = {}
    for name, reader in readers.items():
        listed = set(session.scalars(readable_forums_query(reader)))
        for one in (forum, other_forum):
            link = forum_link(session, reader, one.key)
            assert (link is not None) == one.can_be_read_by(reader) == (one.id in listed), (name, one.key)
            assert link is None or link.forum_id == one.id
            shown[name, one.cohort_id] = link is not None
    assert {name for (name, cohort_id), seen in shown.items() if seen and cohort_id == group.id} == {
        "member", "tutor", "national manager (AL)", "regional manager", "administrator"}
    assert {name for (name, cohort_id), seen in shown.items() if seen and cohort_id == other_group.id} == {
        "member of another group", "tutor of another group", "regional manager", "administrator"}


def test_participation_is_the_same_for_a_list_of_groups_and_a_select_of_them(
        session, forum, group, add_member, make_cohort, annexed):
    writer, _ = add_member(group)
    add_member(group)
    thread = ops.create_thread(session, writer, forum, ops.ThreadFields("Our rota", "Who covers Sunday?"))
    ops.reply(session, group.tutors[0], thread, "I do.")
    other_group = make_cohort(course=annexed, beneficiary="AL", language="sq")
    add_member(other_group)
    session.commit()
    ids = [group.id, other_group.id]
    listed = participation(session, ids)
    selected = participation(session, db.select(Cohort.id).where(Cohort.id.in_(ids)))
    assert listed == selected
    mine = listed[group.id]
    assert (mine.posts, mine.member_posts, mine.members, mine.members_who_posted) == (2, 1, 2, 1)
    assert mine.share == 50.0
    assert listed[other_group.id].posts == 0 and listed[other_group.id].members == 1
    assert participation(session, [other_group.id]) == {other_group.id: listed[other_group.id]}
    assert participation(session, []) == {}
