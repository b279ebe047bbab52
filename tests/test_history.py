"""Nothing lost: every change is recorded, shown, and can be undone."""

import re
import shutil

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from papers.history import current_version
from papers.importer import import_tree
from papers.models import Paper, Topic
from papers.services import retopic_papers
from papers.topic_rules import parse_rules
from tests.factories import AreaFactory, PaperFactory, TopicFactory, VenueFactory
from tests.helpers import paper_form, text_of
from tests.test_import_export import DOCS

pytestmark = pytest.mark.django_db


def records(paper):
    return list(Paper.history.filter(id=paper.pk).order_by("history_id"))


def test_an_admin_save_makes_one_record_with_who_what_and_the_topics(admin_client, admin_user):
    paper = PaperFactory(title="Before", topics=["LLM"])
    alignment = TopicFactory(name="Alignment")
    before = len(records(paper))

    response = admin_client.post(
        f"/admin/papers/paper/{paper.pk}/change/",
        paper_form(paper, title="After", topics=[alignment.pk, Topic.objects.get(name="LLM").pk]),
    )

    assert response.status_code == 302
    history = records(paper)
    assert len(history) == before + 1
    latest = history[-1]
    assert (latest.history_type, latest.history_user, latest.title) == ("~", admin_user, "After")
    assert sorted(latest.topic_list) == ["Alignment", "LLM"]


def test_adding_a_paper_in_the_admin_records_its_creation_with_its_topics(admin_client):
    topic = TopicFactory(name="Vision")

    admin_client.post("/admin/papers/paper/add/", paper_form(title="Fresh", topics=[topic.pk]))

    paper = Paper.objects.get(title="Fresh")
    (record,) = records(paper)
    assert (record.history_type, record.topic_list) == ("+", ["Vision"])


def test_the_history_page_lists_changed_fields_and_topics(admin_client):
    paper = PaperFactory(title="Old title", topics=["LLM"])
    vision = TopicFactory(name="Vision")
    admin_client.post(
        f"/admin/papers/paper/{paper.pk}/change/", paper_form(paper, title="New title", topics=[vision.pk])
    )

    page = text_of(admin_client.get(f"/admin/papers/paper/{paper.pk}/history/").content.decode())

    assert "Title: Old title → New title" in page
    assert "Topics: LLM → Vision" in page


def test_restoring_an_earlier_version_brings_back_its_text_and_topics(admin_client):
    paper = PaperFactory(title="First", body="The first body.", topics=["LLM"])
    first = records(paper)[-1]
    vision = TopicFactory(name="Vision")
    admin_client.post(
        f"/admin/papers/paper/{paper.pk}/change/",
        paper_form(paper, title="Second", body="Rewritten.", topics=[vision.pk]),
    )

    url = f"/admin/papers/paper/{paper.pk}/history/{first.history_id}/"
    form = admin_client.get(url)
    assert form.status_code == 200
    assert "First" in form.content.decode()
    data = paper_form(Paper.objects.get(pk=paper.pk), title="First", body="The first body.")
    data["topics"] = [Topic.objects.get(name="LLM").pk]
    response = admin_client.post(url, {**data, "version": form.context["adminform"].form["version"].value()})

    assert response.status_code == 302
    paper.refresh_from_db()
    assert (paper.title, paper.body) == ("First", "The first body.")
    assert [topic.name for topic in paper.topics.all()] == ["LLM"]
    latest = records(paper)[-1]
    assert latest.history_change_reason.startswith("Restored the version of")


def test_the_restore_form_is_filled_with_the_topics_of_that_version(admin_client):
    paper = PaperFactory(topics=["LLM", "Gone"])
    first = records(paper)[-1]
    paper.topics.set([TopicFactory(name="Vision")])
    Topic.objects.filter(name="Gone").delete()

    response = admin_client.get(f"/admin/papers/paper/{paper.pk}/history/{first.history_id}/")

    form = response.context["adminform"].form
    assert [topic.name for topic in form.initial["topics"]] == ["LLM"]
    assert form.missing_topics == ["Gone"]
    assert "no longer exist" in response.content.decode()


def test_a_deleted_paper_comes_back_with_its_history(admin_client):
    paper = PaperFactory(title="Deleted by mistake", topics=["LLM"])
    pk, slug = paper.pk, paper.slug
    admin_client.post(
        f"/admin/papers/paper/{pk}/change/", paper_form(paper, summary="An edit before the mistake.")
    )
    admin_client.post(f"/admin/papers/paper/{pk}/delete/", {"post": "yes"})
    assert not Paper.objects.filter(pk=pk).exists()

    listing = admin_client.get("/admin/papers/paper/deleted/")
    link = re.search(rf'href="(/admin/papers/paper/{pk}/history/\d+/)"', listing.content.decode())
    assert "Deleted by mistake" in listing.content.decode() and link

    form = admin_client.get(link.group(1))
    data = {
        **paper_form(title="Deleted by mistake", slug=slug),
        "venue": form.context["original"].venue_id,
        "area": form.context["original"].area_id,
        "summary": "An edit before the mistake.",
        "body": form.context["original"].body,
        "status": "published",
        "topics": [topic.pk for topic in form.context["adminform"].form.initial["topics"]],
        "version": form.context["adminform"].form["version"].value(),
    }
    response = admin_client.post(link.group(1), data)

    assert response.status_code == 302
    restored = Paper.objects.get(pk=pk)
    assert restored.summary == "An edit before the mistake."
    assert [topic.name for topic in restored.topics.all()] == ["LLM"]
    assert [record.history_type for record in records(restored)] == ["+", "~", "~", "-", "~"]
    assert "No deleted papers" in admin_client.get("/admin/papers/paper/deleted/").content.decode()


def test_a_deleted_record_keeps_the_topics_the_paper_had(admin_client):
    paper = PaperFactory(topics=["LLM", "Vision"])

    paper.delete()

    last = Paper.history.filter(history_type="-").get()
    assert sorted(last.topic_list) == ["LLM", "Vision"]


def test_only_those_who_may_add_papers_see_deleted_papers(client):
    user = User.objects.create_user(username="reader", password="x", is_staff=True)
    client.force_login(user)

    assert client.get("/admin/papers/paper/deleted/").status_code == 403


def test_topic_changes_outside_the_admin_are_recorded():
    paper = PaperFactory()

    paper.topics.add(TopicFactory(name="LLM"))

    assert records(paper)[-1].topic_list == ["LLM"]


def test_venue_area_and_topic_changes_are_recorded(admin_client, admin_user):
    venue, area, topic = VenueFactory(), AreaFactory(), TopicFactory(name="LLM")

    admin_client.post(
        f"/admin/venues/venue/{venue.pk}/change/",
        {"name": venue.name, "slug": venue.slug, "full_name": "Renamed", "series": "CONF", "year": 2025,
         "position": 1, "emoji": "", "url": ""},
    )  # fmt: skip
    admin_client.post(
        f"/admin/venues/area/{area.pk}/change/",
        {"name": "Renamed area", "slug": area.slug, "position": 1, "emoji": "", "description": ""},
    )
    admin_client.post(f"/admin/papers/topic/{topic.pk}/change/", {"name": "LLMs", "slug": topic.slug})

    assert venue.history.latest().full_name == "Renamed"
    assert area.history.latest().name == "Renamed area"
    assert topic.history.latest().name == "LLMs"
    assert {record.history_user for record in [venue.history.latest(), topic.history.latest()]} == {
        admin_user
    }


def test_an_import_records_created_and_updated_papers(tmp_path):
    shutil.copytree(DOCS / "ICML2025", tmp_path / "ICML2025")
    report = import_tree(tmp_path)
    papers = list(Paper.objects.prefetch_related("topics"))
    assert report.created == len(papers) > 0
    for paper in papers:
        assert [(r.history_type, sorted(r.topic_list)) for r in records(paper)] == [
            ("+", sorted(topic.name for topic in paper.topics.all()))
        ]

    import_tree(tmp_path)  # unchanged: nothing to record
    assert Paper.history.count() == len(papers)

    paper = papers[0]
    note = next(
        path
        for path in (tmp_path / "ICML2025").rglob("*.md")
        if paper.title in path.read_text(encoding="utf-8")
    )
    note.write_text(
        note.read_text(encoding="utf-8").replace(paper.title, "A Renamed Title", 1), encoding="utf-8"
    )
    import_tree(tmp_path)
    assert [(r.history_type, r.title) for r in records(paper)][-1] == ("~", "A Renamed Title")
    assert Paper.history.count() == len(papers) + 1


def test_topic_rules_record_what_they_change_and_a_dry_run_records_nothing():
    paper = PaperFactory(title="Reward models for RLHF", topics=["LLM"])
    rules = parse_rules({"Alignment/RLHF": ["RLHF"]})
    before = len(records(paper))

    assert retopic_papers(rules, dry_run=True) == (1, 1)
    assert len(records(paper)) == before

    retopic_papers(rules)
    latest = records(paper)[-1]
    assert sorted(latest.topic_list) == ["Alignment/RLHF", "LLM"]
    assert latest.history_change_reason == "Topic rules applied"


def test_the_version_changes_with_every_recorded_write():
    paper = PaperFactory()
    first = current_version(paper.pk)

    paper.save()

    assert current_version(paper.pk) > first


def editor(client):
    from django.contrib.auth.models import Group

    call_command("setup_roles", stdout=None)
    user = User.objects.create_user(username="editor", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return user


def restore(client, paper_id, record):
    url = f"/admin/papers/paper/{paper_id}/history/{record.history_id}/"
    form = client.get(url)
    assert form.status_code == 200
    data = {
        name: "" if value is None else value
        for name, value in form.context["adminform"].form.initial.items()
        if name in form.context["adminform"].form.fields
    }
    data["topics"] = [topic.pk for topic in data.get("topics") or []]
    data["version"] = form.context["adminform"].form["version"].value()
    data.pop("published_at", None)
    return client.post(url, data)


def test_an_editor_cannot_publish_by_restoring_a_published_version(client):
    paper = PaperFactory(title="Was public")
    published_record = records(paper)[-1]
    paper.status = Paper.Status.DRAFT
    paper.save()
    editor(client)

    response = restore(client, paper.pk, published_record)

    assert response.status_code == 302
    paper.refresh_from_db()
    assert paper.status == "draft"
    assert records(paper)[-1].history_user.username == "editor"


def test_a_deleted_paper_an_editor_restores_comes_back_as_a_draft(client):
    paper = PaperFactory(title="Public, then deleted")
    pk = paper.pk
    paper.delete()
    editor(client)

    response = restore(client, pk, Paper.history.get(id=pk, history_type="-"))

    assert response.status_code == 302
    restored = Paper.objects.get(pk=pk)
    assert (restored.title, restored.status) == ("Public, then deleted", "draft")
