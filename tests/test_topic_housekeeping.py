"""Topic housekeeping in the admin: rename a topic, merge duplicates."""

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command

from papers.models import Paper, TaggedPaper, Topic
from papers.services import merge_topics
from tests.factories import PaperFactory, TopicFactory
from tests.helpers import text_of

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/papers/topic/"


def topics_of(paper):
    return sorted(topic.name for topic in Paper.objects.get(pk=paper.pk).topics.all())


def merge(client, topics, into=None):
    data = {"action": "merge", "_selected_action": [topic.pk for topic in topics], "index": 0}
    if into is not None:
        data.update(into=into.pk, apply="Apply")
    return client.post(CHANGELIST, data)


def test_renaming_a_topic_keeps_its_papers_and_is_recorded(admin_client):
    paper = PaperFactory(topics=["LLMs"])
    topic = Topic.objects.get(name="LLMs")

    response = admin_client.post(
        f"/admin/papers/topic/{topic.pk}/change/", {"name": "Large language models", "slug": topic.slug}
    )

    assert response.status_code == 302
    assert topics_of(paper) == ["Large language models"]
    assert topic.history.latest().name == "Large language models"


def test_renaming_onto_an_existing_topic_points_to_merge(admin_client):
    TopicFactory(name="LLM")
    duplicate = TopicFactory(name="LLMs")

    response = admin_client.post(
        f"/admin/papers/topic/{duplicate.pk}/change/", {"name": "llm", "slug": duplicate.slug}
    )

    assert response.status_code == 200
    page = text_of(response.content.decode())
    assert "There is already a topic named “LLM”" in page
    assert "Merge selected topics into one" in page
    assert Topic.objects.filter(name="LLMs").exists()


def test_merge_keeps_every_papers_tagging_once(admin_client):
    only_duplicate = PaperFactory(topics=["LLMs", "Vision"])
    both = PaperFactory(topics=["LLMs", "LLM"])
    only_kept = PaperFactory(topics=["LLM"])
    untouched = PaperFactory(topics=["Vision"])
    llm, llms = Topic.objects.get(name="LLM"), Topic.objects.get(name="LLMs")

    asked = merge(admin_client, [llm, llms])
    assert asked.status_code == 200
    assert "Keep" in text_of(asked.content.decode())

    response = merge(admin_client, [llm, llms], into=llm)

    assert response.status_code == 302
    assert not Topic.objects.filter(name="LLMs").exists()
    assert topics_of(only_duplicate) == ["LLM", "Vision"]
    assert topics_of(both) == ["LLM"]
    assert topics_of(only_kept) == ["LLM"]
    assert topics_of(untouched) == ["Vision"]
    assert TaggedPaper.objects.filter(tag=llm).count() == 3
    record = Paper.history.filter(id=only_duplicate.pk).latest("history_id")
    assert (sorted(record.topic_list), record.history_change_reason) == (
        ["LLM", "Vision"],
        "Topics merged into LLM",
    )
    assert llms.history.latest().history_type == "-"


def test_merge_of_many_papers_and_several_duplicates():
    kept = TopicFactory(name="LLM")
    duplicates = [TopicFactory(name=name) for name in ["LLMs", "Large Language Model", "llm-s"]]
    papers = [PaperFactory(topics=[duplicates[n % 3].name]) for n in range(30)]

    changed, deleted = merge_topics(duplicates, kept)

    assert (changed, deleted) == (30, 3)
    assert all(topics_of(paper) == ["LLM"] for paper in papers)
    assert list(Topic.objects.all()) == [kept]


def test_merge_needs_two_topics(admin_client):
    topic = TopicFactory(name="LLM")

    admin_client.post(CHANGELIST, {"action": "merge", "_selected_action": [topic.pk], "index": 0})

    assert "Select at least two topics" in text_of(admin_client.get(CHANGELIST).content.decode())


def test_the_kept_topic_must_be_one_of_those_selected(admin_client):
    llm, llms, other = TopicFactory(name="LLM"), TopicFactory(name="LLMs"), TopicFactory(name="Vision")

    response = merge(admin_client, [llm, llms], into=other)

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Topic.objects.count() == 3


def test_editors_cannot_merge_topics(client):
    call_command("setup_roles", stdout=None)
    editor = User.objects.create_user(username="editor", password="x", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    llm, llms = TopicFactory(name="LLM"), TopicFactory(name="LLMs")

    merge(client, [llm, llms], into=llm)

    assert Topic.objects.count() == 2


def test_the_paper_form_finds_topics_as_you_type(admin_client):
    TopicFactory(name="LLM")
    TopicFactory(name="LLM Efficiency")
    TopicFactory(name="Vision")

    response = admin_client.get(
        "/admin/autocomplete/",
        {"app_label": "papers", "model_name": "paper", "field_name": "topics", "term": "llm"},
    )

    assert response.status_code == 200
    assert [result["text"] for result in response.json()["results"]] == ["LLM", "LLM Efficiency"]
    form = admin_client.get("/admin/papers/paper/add/").content.decode()
    assert 'data-field-name="topics"' in form and "admin-autocomplete" in form


def test_deleting_a_topic_is_recorded_on_each_of_its_papers(admin_client):
    paper = PaperFactory(topics=["LLM", "Obsolete"])
    topic = Topic.objects.get(name="Obsolete")

    response = admin_client.post(f"/admin/papers/topic/{topic.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert topics_of(paper) == ["LLM"]
    record = Paper.history.filter(id=paper.pk).latest("history_id")
    assert (record.topic_list, record.history_change_reason) == (["LLM"], "Topic deleted: Obsolete")
    assert topic.history.latest().history_type == "-"


def test_deleting_topics_in_bulk_is_recorded_too(admin_client):
    papers = [PaperFactory(topics=["Old A", "Old B", "Kept"]) for _ in range(3)]
    old = Topic.objects.filter(name__startswith="Old")

    admin_client.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": [t.pk for t in old], "post": "yes"}
    )

    assert [topics_of(paper) for paper in papers] == [["Kept"]] * 3
    assert Paper.history.filter(history_change_reason__startswith="Topic deleted").count() == 3
