"""Scheduling and freshness: a note goes live at its time, and an admin save shows at once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from papers.models import Paper
from tests.factories import PaperFactory
from tests.helpers import heading, paper_form, paper_titles

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    """Move the site's clock: `clock(hours)` puts "now" that many hours ahead."""
    real_now = timezone.now

    def move(hours):
        monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(hours=hours))

    return move


def test_a_note_scheduled_in_the_admin_goes_live_by_itself_at_its_time(admin_client, client, clock):
    neighbour = PaperFactory(title="Already public")
    go_live = timezone.localtime() + timedelta(hours=1)
    admin_client.post(
        "/admin/papers/paper/add/",
        paper_form(
            title="Scheduled note",
            slug="scheduled-note",
            venue=neighbour.venue_id,
            area=neighbour.area_id,
            status="published",
            published_at_0=go_live.strftime("%Y-%m-%d"),
            published_at_1=go_live.strftime("%H:%M:%S"),
        ),
    )
    paper = Paper.objects.get(slug="scheduled-note")
    area_page = paper.get_absolute_url().rsplit("/", 2)[0] + "/"

    assert client.get(paper.get_absolute_url()).status_code == 404
    assert paper_titles(client.get(area_page)) == ["Already public"]

    clock(hours=2)  # no job runs: the next request simply finds it public

    assert client.get(paper.get_absolute_url()).status_code == 200
    assert paper_titles(client.get(area_page)) == ["Already public", "Scheduled note"]


def test_an_admin_save_is_on_the_public_page_at_the_next_request(admin_client, client):
    paper = PaperFactory(title="Before the fix")
    assert heading(client.get(paper.get_absolute_url())) == "Before the fix"

    admin_client.post(f"/admin/papers/paper/{paper.pk}/change/", paper_form(paper, title="After the fix"))

    assert heading(client.get(paper.get_absolute_url())) == "After the fix"


def test_unpublishing_hides_a_note_at_the_next_request(admin_client, client):
    paper = PaperFactory()

    admin_client.post("/admin/papers/paper/", {"action": "unpublish", "_selected_action": [paper.pk]})

    assert client.get(paper.get_absolute_url()).status_code == 404
