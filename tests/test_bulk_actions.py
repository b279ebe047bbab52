"""Bulk actions in the paper changelist: on many papers, with history and permissions."""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from papers.models import Paper, TaggedPaper, Topic
from tests.factories import AreaFactory, PaperFactory, TopicFactory, VenueFactory
from tests.helpers import text_of

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/papers/paper/"
MANY = 1000


def make_papers(count, **fields):
    """`count` saved papers, made in bulk (each with a creation record, as the importer makes)."""
    from papers.history import CREATED, record_paper_history

    venue, area = VenueFactory(), AreaFactory()
    papers = Paper.objects.bulk_create(
        Paper(venue=venue, area=area, title=f"Paper {n}", slug=f"paper-{n}", **fields) for n in range(count)
    )
    record_paper_history({paper: [] for paper in papers}, history_type=CREATED)
    return papers


def act(client, action, papers, **choice):
    """Post `action` for `papers` (every pk sent, as the changelist's checkboxes do)."""
    data = {"action": action, "_selected_action": [paper.pk for paper in papers], "index": 0}
    if choice:
        data.update(choice, apply="Apply")
    return client.post(CHANGELIST, data)


def user_in(client, group):
    call_command("setup_roles", stdout=None)
    user = User.objects.create_user(username=group, password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    return user


def test_publish_a_thousand_papers_with_a_record_each(admin_client, admin_user):
    papers = make_papers(MANY, status=Paper.Status.DRAFT)

    response = act(admin_client, "publish", papers)

    assert response.status_code == 302
    assert Paper.objects.published().count() == MANY
    changes = Paper.history.filter(history_type="~")
    assert changes.count() == MANY
    assert set(changes.values_list("history_user", "history_change_reason")) == {(admin_user.pk, "Published")}


def test_unpublish_and_submit_for_review(admin_client):
    drafts = make_papers(3, status=Paper.Status.DRAFT)
    published = PaperFactory()

    act(admin_client, "submit_for_review", drafts)
    act(admin_client, "unpublish", [published])

    assert set(Paper.objects.filter(pk__in=[p.pk for p in drafts]).values_list("status", flat=True)) == {
        "review"
    }
    published.refresh_from_db()
    assert published.status == "draft"
    assert Paper.history.filter(id=published.pk).latest("history_id").history_change_reason == "Unpublished"


def test_move_a_thousand_papers_to_another_area(admin_client):
    papers = make_papers(MANY)
    target = AreaFactory(name="Robotics")

    asked = act(admin_client, "move_to_area", papers)
    assert asked.status_code == 200
    assert f"{MANY} papers selected" in text_of(asked.content.decode())
    assert Paper.objects.filter(area=target).count() == 0  # nothing changes before the choice

    response = act(admin_client, "move_to_area", papers, area=target.pk)

    assert response.status_code == 302
    assert Paper.objects.filter(area=target).count() == MANY
    assert Paper.history.filter(area=target, history_change_reason="Moved to Robotics").count() == MANY


def test_an_invalid_choice_asks_again_and_changes_nothing(admin_client):
    papers = make_papers(2)

    response = act(admin_client, "move_to_area", papers, area="999999")

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Paper.history.filter(history_type="~").count() == 0


def test_add_and_remove_a_topic_on_a_thousand_papers(admin_client):
    papers = make_papers(MANY)
    llm = TopicFactory(name="LLM")
    papers[0].topics.add(llm)  # already has it: no second link

    act(admin_client, "add_topic", papers, topic="llm")  # matched without regard to case

    assert TaggedPaper.objects.filter(tag=llm).count() == MANY
    assert Topic.objects.count() == 1
    latest = Paper.history.filter(id=papers[1].pk).latest("history_id")
    assert (latest.topic_list, latest.history_change_reason) == (["LLM"], "Topic LLM added")

    act(admin_client, "remove_topic", papers, topic=llm.pk)

    assert not TaggedPaper.objects.exists()
    assert Paper.history.filter(id=papers[1].pk).latest("history_id").topic_list == []


def test_add_topic_creates_a_new_topic_by_name(admin_client):
    papers = make_papers(2)

    act(admin_client, "add_topic", papers, topic="Mixture of Experts")

    topic = Topic.objects.get()
    assert topic.name == "Mixture of Experts"
    assert TaggedPaper.objects.filter(tag=topic).count() == 2


def test_select_all_across_the_filtered_changelist(admin_client):
    make_papers(30, status=Paper.Status.DRAFT)
    PaperFactory()  # published: outside the filter

    admin_client.post(
        f"{CHANGELIST}?status__exact=draft",
        {"action": "publish", "select_across": "1", "index": 0, "_selected_action": ["1"]},
    )

    assert Paper.objects.filter(status="published").count() == 31


def test_a_bulk_action_makes_no_query_per_paper(admin_client):
    def queries_to_move(count):
        papers = make_papers(count)
        target = AreaFactory()
        with CaptureQueriesContext(connection) as queries:
            act(admin_client, "move_to_area", papers, area=target.pk)
        assert Paper.objects.filter(area=target).count() == count
        return len(queries)

    # Inserts are split only by the database's limit on parameters (on SQLite, some
    # thirty records an insert): 20 times the papers must not cost 20 times the queries.
    few, many = queries_to_move(10), queries_to_move(200)
    assert many <= few + 10


def test_editors_move_and_retopic_but_cannot_publish_in_bulk(client):
    user_in(client, "Editors")
    papers = make_papers(2, status=Paper.Status.DRAFT)
    area = AreaFactory()

    actions = client.get(CHANGELIST).context["action_form"].fields["action"].choices
    offered = {name for name, _ in actions}
    assert {"move_to_area", "add_topic", "remove_topic", "submit_for_review"} <= offered
    assert not {"publish", "unpublish", "delete_selected"} & offered

    act(client, "publish", papers)  # forged: not one of their actions
    assert not Paper.objects.filter(status="published").exists()

    act(client, "move_to_area", papers, area=area.pk)
    assert Paper.objects.filter(area=area).count() == 2


def test_without_the_right_to_add_topics_no_new_topic_is_made(client):
    user = User.objects.create_user(username="limited", password="x", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=["view_paper", "change_paper"]))
    client.force_login(user)
    papers = make_papers(2)

    response = act(client, "add_topic", papers, topic="Brand new")

    assert response.status_code == 302
    assert not Topic.objects.exists()
    assert "you may not create one" in text_of(client.get(CHANGELIST).content.decode())


def test_readers_of_the_admin_cannot_change_papers_in_bulk(client):
    user = User.objects.create_user(username="viewer", password="x", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename="view_paper"))
    client.force_login(user)
    papers = make_papers(2)
    area = AreaFactory()

    act(client, "move_to_area", papers, area=area.pk)

    assert not Paper.objects.filter(area=area).exists()
