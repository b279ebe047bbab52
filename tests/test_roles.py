"""Roles and the publishing right, enforced by the admin on the server."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.utils import timezone

from papers.models import Paper
from papers.services import ROLES
from tests.factories import PaperFactory
from tests.helpers import paper_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def roles():
    call_command("setup_roles", stdout=None)


def member_of(client, group_name):
    user = User.objects.create_user(username=group_name, password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    client.force_login(user)
    return user


def test_setup_roles_is_idempotent_and_grants_every_named_permission():
    call_command("setup_roles", stdout=None)
    call_command("setup_roles", stdout=None)

    for name, codes in ROLES.items():
        group = Group.objects.get(name=name)
        granted = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert granted == set(codes)
    assert Group.objects.filter(name__in=ROLES).count() == 2


def test_an_editor_cannot_publish_even_by_forging_the_form(client, roles):
    member_of(client, "Editors")

    response = client.post("/admin/papers/paper/add/", paper_form(status="published"))

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Paper.objects.exists()


def test_an_editor_writes_drafts_and_submits_them_for_review(client, roles):
    member_of(client, "Editors")

    client.post("/admin/papers/paper/add/", paper_form(status="draft", published_at_0="2020-01-01"))
    paper = Paper.objects.get()
    assert (paper.status, paper.published_at) == ("draft", None)  # the date is not theirs to set

    client.post("/admin/papers/paper/", {"action": "submit_for_review", "_selected_action": [paper.pk]})
    paper.refresh_from_db()
    assert paper.status == "review"


def test_an_editor_can_fix_a_published_note_but_not_unpublish_it(client, roles):
    member_of(client, "Editors")
    paper = PaperFactory()
    published_at = paper.published_at

    client.post(
        f"/admin/papers/paper/{paper.pk}/change/", paper_form(paper, title="Fixed typo", status="draft")
    )

    paper.refresh_from_db()
    assert (paper.title, paper.status, paper.published_at) == ("Fixed typo", "published", published_at)


def test_an_editor_cannot_delete_or_use_the_publishing_actions(client, roles):
    member_of(client, "Editors")
    draft = PaperFactory(draft=True)

    assert client.get(f"/admin/papers/paper/{draft.pk}/delete/").status_code == 403
    changelist = client.get("/admin/papers/paper/").content.decode()
    assert 'value="publish"' not in changelist
    client.post("/admin/papers/paper/", {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_a_chief_editor_publishes_schedules_and_unpublishes(client, roles):
    member_of(client, "Chief editors")
    drafts = PaperFactory.create_batch(3, draft=True, published_at=None)
    later = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    scheduled = PaperFactory(in_review=True, published_at=later)

    client.post(
        "/admin/papers/paper/",
        {"action": "publish", "_selected_action": [p.pk for p in [*drafts, scheduled]]},
    )

    assert set(Paper.objects.published()) == set(drafts)
    scheduled.refresh_from_db()
    assert (scheduled.status, scheduled.published_at) == ("published", later)
    # Published "now" in bulk: whole seconds, in the papers and in their history.
    published = Paper.history.filter(id__in=[p.pk for p in drafts], status="published")
    assert published.count() == 3
    assert {p.published_at.microsecond for p in [*Paper.objects.published(), *published]} == {0}

    client.post("/admin/papers/paper/", {"action": "unpublish", "_selected_action": [drafts[0].pk]})
    assert Paper.objects.published().count() == 2


def test_published_with_no_date_means_now(client, roles):
    member_of(client, "Chief editors")

    client.post("/admin/papers/paper/add/", paper_form(status="published"))

    paper = Paper.objects.get()
    assert paper.status == "published"
    assert timezone.now() - paper.published_at < timedelta(minutes=1)
    assert client.get(paper.get_absolute_url()).status_code == 200
