"""Two editors, one paper: a save over a newer version is refused, and nothing is lost."""

import pytest
from django.contrib.auth.models import User

from papers.history import current_version
from papers.models import Paper
from papers.services import publish_papers
from tests.factories import PaperFactory
from tests.helpers import paper_form, text_of

pytestmark = pytest.mark.django_db

THEIR_BODY = "Line one.\nLine two, edited by the other editor.\nLine three."


@pytest.fixture
def paper():
    return PaperFactory(title="Shared note", body="Line one.\nLine two.\nLine three.", draft=True)


@pytest.fixture
def other_client(client, django_user_model):
    """A second editor with a session of their own."""
    from django.test import Client

    user = django_user_model.objects.create_superuser("other", "other@example.com", "x")
    second = Client()
    second.force_login(user)
    return second


def opened_version(response):
    return response.context["adminform"].form["version"].value()


def change_url(paper):
    return f"/admin/papers/paper/{paper.pk}/change/"


def test_the_second_save_of_one_version_is_refused_with_the_differences(admin_client, other_client, paper):
    mine = opened_version(admin_client.get(change_url(paper)))
    theirs = opened_version(other_client.get(change_url(paper)))
    assert mine == theirs

    first = other_client.post(
        change_url(paper),
        paper_form(
            paper, version=theirs, body="Line one.\nLine two, edited by the other editor.\nLine three."
        ),
    )
    assert first.status_code == 302

    response = admin_client.post(
        change_url(paper), paper_form(paper, version=mine, body="Line one.\nLine two.\nLine three, mine.")
    )

    assert response.status_code == 200
    html = response.content.decode()
    page = text_of(html)
    assert "changed by someone else after you opened it" in page
    assert "your changes were not saved" in page.lower()
    assert "by other" in page  # who saved in between
    # The differences, line by line, and the editor's own text still in the form.
    assert "-Line two, edited by the other editor." in page
    assert "+Line three, mine." in page
    assert response.context["adminform"].form["body"].value() == "Line one.\nLine two.\nLine three, mine."
    paper.refresh_from_db()
    assert paper.body == THEIR_BODY


def test_after_seeing_the_conflict_a_second_save_overwrites_on_purpose(admin_client, other_client, paper):
    mine = opened_version(admin_client.get(change_url(paper)))
    other_client.post(change_url(paper), paper_form(paper, title="Their title"))
    refused = admin_client.post(change_url(paper), paper_form(paper, version=mine, title="My title"))
    assert refused.status_code == 200

    again = admin_client.post(
        change_url(paper), paper_form(paper, version=opened_version(refused), title="My title")
    )

    assert again.status_code == 302
    paper.refresh_from_db()
    assert paper.title == "My title"


def test_saves_within_the_same_second_are_told_apart(admin_client, paper):
    # The version is the id of the paper's latest record, not a rounded timestamp.
    opened = current_version(paper.pk)
    Paper.objects.get(pk=paper.pk).save()  # a save a few microseconds later

    response = admin_client.post(change_url(paper), paper_form(paper, version=opened, title="Stale"))

    assert response.status_code == 200
    assert Paper.objects.get(pk=paper.pk).title == "Shared note"


def test_a_bulk_action_after_the_form_was_opened_is_a_conflict_too(admin_client, paper):
    opened = current_version(paper.pk)
    publish_papers(Paper.objects.filter(pk=paper.pk))

    response = admin_client.post(change_url(paper), paper_form(paper, version=opened, summary="Mine"))

    assert response.status_code == 200
    assert "Status" in text_of(response.content.decode())  # the difference shown
    assert Paper.objects.get(pk=paper.pk).summary != "Mine"


@pytest.mark.parametrize("version", ["", "not a number", "999999999"])
def test_a_missing_or_forged_version_saves_nothing(admin_client, paper, version):
    response = admin_client.post(change_url(paper), paper_form(paper, version=version, title="Forged"))

    assert response.status_code == 200
    assert Paper.objects.get(pk=paper.pk).title == "Shared note"


def test_an_unchanged_version_saves_normally(admin_client, paper):
    response = admin_client.post(change_url(paper), paper_form(paper, title="Fine"))

    assert response.status_code == 302
    assert Paper.objects.get(pk=paper.pk).title == "Fine"


def test_restoring_an_old_version_over_a_newer_one_is_checked_too(admin_client, paper):
    first = Paper.history.filter(id=paper.pk).earliest("history_id")
    url = f"/admin/papers/paper/{paper.pk}/history/{first.history_id}/"
    opened = opened_version(admin_client.get(url))
    Paper.objects.filter(pk=paper.pk).first().save()  # someone saves meanwhile

    response = admin_client.post(url, paper_form(paper, version=opened))

    assert response.status_code == 200
    assert "changed by someone else" in response.content.decode()


def test_editors_see_the_conflict_in_their_own_form(client, paper):
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    call_command("setup_roles", stdout=None)
    editor = User.objects.create_user("editor", password="x", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    opened = opened_version(client.get(change_url(paper)))
    Paper.objects.get(pk=paper.pk).save()

    response = client.post(change_url(paper), paper_form(paper, version=opened, body="Edited"))

    assert response.status_code == 200
    assert response.context["adminform"].form["body"].value() == "Edited"
