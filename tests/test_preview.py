"""Staff preview drafts and scheduled notes at their public URL; nobody else can."""

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.contenttypes.models import ContentType

from tests.factories import PaperFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hidden():
    return {
        "draft": PaperFactory(draft=True, slug="draft"),
        "in review": PaperFactory(in_review=True, slug="review"),
        "scheduled": PaperFactory(scheduled=True, slug="scheduled"),
    }


def login(client, **fields):
    user = User.objects.create_user(username="someone", password="x", **fields)
    client.force_login(user)
    return user


@pytest.mark.parametrize("state", ["draft", "in review", "scheduled"])
def test_staff_see_a_hidden_note_with_a_banner(admin_client, hidden, state):
    response = admin_client.get(hidden[state].get_absolute_url())
    html = response.content.decode()

    assert response.status_code == 200
    assert "<strong>Not public.</strong>" in html
    expected = "scheduled for" if state == "scheduled" else f"This note is {state}."
    assert expected in html
    assert '<meta name="robots" content="noindex">' in html
    assert response["Cache-Control"] == "private, no-store"
    assert '"ScholarlyArticle"' not in html


def test_a_public_note_has_no_banner_for_staff(admin_client):
    paper = PaperFactory()

    response = admin_client.get(paper.get_absolute_url())

    assert "Not public" not in response.content.decode()
    # A page made for a signed-in user is theirs alone: no shared cache keeps it.
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize(
    "who", ["anonymous", "a reader with an account", "staff without the right to view papers"]
)
def test_everyone_else_gets_a_404(client, hidden, who):
    if who == "a reader with an account":
        login(client)
    elif who == "staff without the right to view papers":
        login(client, is_staff=True)

    for paper in hidden.values():
        assert client.get(paper.get_absolute_url()).status_code == 404
        assert client.get(paper.get_absolute_url() + "cite.bib").status_code == 404


def test_staff_with_the_view_permission_may_preview(client, hidden):
    user = login(client, is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_paper"))

    assert client.get(hidden["draft"].get_absolute_url()).status_code == 200


def test_view_on_site_works_for_a_draft(admin_client, hidden):
    draft = hidden["draft"]

    html = admin_client.get(f"/admin/papers/paper/{draft.pk}/change/").content.decode()

    assert "View on site" in html
    content_type = ContentType.objects.get_for_model(draft)
    response = admin_client.get(f"/admin/r/{content_type.pk}/{draft.pk}/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].endswith(draft.get_absolute_url())
