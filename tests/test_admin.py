"""The admin opens for every model, with its search and filters."""

import pytest

from tests.factories import PaperFactory

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "/admin/venues/venue/",
    "/admin/venues/venue/?q=ICML",
    "/admin/venues/area/?q=pre",
    "/admin/papers/topic/?q=LLM",
    "/admin/papers/paper/",
    "/admin/papers/paper/?q=widgets&status__exact=published&presentation__exact=oral",
]


@pytest.mark.parametrize("url", CHANGELISTS)
def test_changelists_open(admin_client, url):
    PaperFactory(topics=["LLM"], presentation="oral")

    response = admin_client.get(url)

    assert response.status_code == 200
    assert "errornote" not in response.content.decode()


@pytest.mark.parametrize("model", ["venues/venue", "venues/area", "papers/topic", "papers/paper"])
def test_add_forms_open(admin_client, model):
    assert admin_client.get(f"/admin/{model}/add/").status_code == 200


def test_changelist_counts_public_notes(admin_client):
    paper = PaperFactory()
    PaperFactory(venue=paper.venue, draft=True)

    response = admin_client.get("/admin/venues/venue/")

    assert response.context["cl"].result_list[0].paper_count == 1


def test_reserved_venue_slug_is_refused_with_a_clear_message(admin_client):
    response = admin_client.post(
        "/admin/venues/venue/add/", {"name": "Papers", "slug": "papers", "position": 0}
    )

    assert response.status_code == 200
    assert "one of the site&#x27;s own paths" in response.content.decode()
