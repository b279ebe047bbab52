"""Whole-page caching for anonymous readers: fast, never stale, never shared with staff."""

from datetime import timedelta

import pytest
from django.core.cache import caches
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.http import http_date

from notesite import page_cache
from papers import site_counts
from papers.models import Paper, Topic
from papers.services import merge_topics, publish_papers
from tests.factories import AreaFactory, PaperFactory, TopicFactory, VenueFactory
from tests.helpers import heading, paper_form, paper_titles

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_ENABLED = True
    caches["pages"].clear()
    yield
    caches["pages"].clear()


@pytest.fixture
def paper():
    return PaperFactory(title="Cached note", topics=["LLM"])


def area_page(paper):
    return f"/{paper.venue.slug}/{paper.area.slug}/"


def test_a_second_view_is_served_from_the_cache(client, paper, django_assert_num_queries):
    first = client.get(area_page(paper))

    with django_assert_num_queries(1):  # the content version, nothing else
        second = client.get(area_page(paper))

    assert second.status_code == 200
    assert second.content == first.content


def test_a_page_made_afresh_reads_the_content_version_once(client, paper, settings):
    # The version the cache looked up serves the page's counts too: a page made afresh
    # costs what it costs without the cache, not one query more.
    settings.PAGE_CACHE_ENABLED = False
    with CaptureQueriesContext(connection) as without_cache:
        client.get(area_page(paper))
    site_counts.forget()
    page_cache.forget()  # the publication times are read afresh too
    caches["default"].clear()  # the counts are made afresh too
    settings.PAGE_CACHE_ENABLED = True
    with CaptureQueriesContext(connection) as with_cache:
        response = client.get(area_page(paper))

    assert response.status_code == 200
    assert len(with_cache) == len(without_cache)
    assert sum("papers_historicalpaper" in query["sql"] for query in with_cache.captured_queries) == 1


def test_public_pages_carry_validators_and_cdn_friendly_cache_control(client, paper):
    response = client.get(paper.get_absolute_url())

    assert response["ETag"].startswith('W/"')
    assert response["Last-Modified"]
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"public", "max-age=0", "s-maxage=60", "stale-while-revalidate=300"} <= directives


def test_conditional_get_answers_304_until_something_changes(client, paper):
    etag = client.get("/")["ETag"]

    not_modified = client.get("/", HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    later = http_date((timezone.now() + timedelta(minutes=1)).timestamp())
    assert client.get("/", HTTP_IF_MODIFIED_SINCE=later).status_code == 304

    paper.title = "Renamed"
    paper.save()

    changed = client.get("/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


# Each change returns the page to look at and what it must now show.


def rename_in_admin(admin_client, paper):
    form = paper_form(paper, title="Changed in the admin")
    admin_client.post(f"/admin/papers/paper/{paper.pk}/change/", form)
    return area_page(paper), "Changed in the admin"


def publish_in_bulk(admin_client, paper):
    draft = PaperFactory(title="Published in bulk", venue=paper.venue, area=paper.area, draft=True)
    publish_papers(Paper.objects.filter(pk=draft.pk))
    return area_page(paper), "Published in bulk"


def add_through_the_orm(admin_client, paper):
    PaperFactory(title="Added by a script", venue=paper.venue, area=paper.area)
    return area_page(paper), "Added by a script"


def rename_topic(admin_client, paper):
    topic = Topic.objects.get(name="LLM")
    admin_client.post(f"/admin/papers/topic/{topic.pk}/change/", {"name": "Large models", "slug": topic.slug})
    return paper.get_absolute_url(), "Large models"


def merge_topic(admin_client, paper):
    duplicate = TopicFactory(name="Wombats")
    merge_topics([Topic.objects.get(name="LLM")], duplicate)
    return paper.get_absolute_url(), "Wombats"


@pytest.mark.parametrize(
    "change", [rename_in_admin, publish_in_bulk, add_through_the_orm, rename_topic, merge_topic]
)
def test_every_kind_of_change_is_live_on_the_next_request(client, admin_client, paper, change):
    for url in (area_page(paper), paper.get_absolute_url()):
        client.get(url)  # cached

    url, expected = change(admin_client, paper)

    assert expected in client.get(url).content.decode()


def test_a_venue_or_an_area_renamed_is_live_at_once(client, paper):
    client.get(f"/{paper.venue.slug}/")
    venue = paper.venue
    venue.full_name = "The Renamed Conference"
    venue.save()
    area = paper.area
    area.name = "Renamed area"
    area.save()

    venue_page = client.get(f"/{venue.slug}/").content.decode()
    assert "Renamed area" in venue_page
    assert "The Renamed Conference" in venue_page


def test_an_import_is_live_at_once(client, tmp_path):
    from tests.test_import_export import DOCS

    assert client.get("/").status_code == 200  # cached, empty

    from papers.importer import import_tree

    import_tree(DOCS / "ICML2025")

    assert "ICML2025" in client.get("/").content.decode()


def test_a_scheduled_note_appears_when_its_time_comes(client, paper, monkeypatch):
    scheduled = PaperFactory(title="Scheduled", venue=paper.venue, area=paper.area, scheduled=True)
    url = area_page(paper)
    before = client.get(url)
    assert paper_titles(before) == ["Cached note"]

    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(days=2))

    assert paper_titles(client.get(url)) == ["Cached note", "Scheduled"]
    assert client.get(scheduled.get_absolute_url()).status_code == 200
    # A browser that revalidates by date is told too: the page changed when it went live.
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=before["Last-Modified"]).status_code == 200


def test_the_publication_times_are_read_again_only_when_they_may_have_changed(paper, monkeypatch):
    PaperFactory(title="Scheduled", venue=paper.venue, area=paper.area, scheduled=True)
    with CaptureQueriesContext(connection) as first:
        version, _ = page_cache.content_version()
    with CaptureQueriesContext(connection) as unchanged:
        assert page_cache.content_version()[0] == version
    assert (len(first), len(unchanged)) == (2, 1)

    # An edit adds a history record: the times are read again.
    paper.title = "Edited"
    paper.save()
    with CaptureQueriesContext(connection) as edited:
        edited_version, _ = page_cache.content_version()
    assert len(edited) == 2
    assert edited_version != version

    # The scheduled note's time passes, with nothing written: read again, a new version.
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(days=2))
    with CaptureQueriesContext(connection) as gone_live:
        live_version, _ = page_cache.content_version()
    assert len(gone_live) == 2
    assert live_version != edited_version
    with CaptureQueriesContext(connection) as after:
        assert page_cache.content_version()[0] == live_version
    assert len(after) == 1


def test_a_deleted_note_is_gone_at_once(client, paper):
    assert client.get(paper.get_absolute_url()).status_code == 200

    paper.delete()

    assert client.get(paper.get_absolute_url()).status_code == 404


def test_staff_never_get_a_cached_page_and_their_pages_are_never_kept(client, admin_client, paper):
    draft = PaperFactory(title="Secret draft", venue=paper.venue, area=paper.area, draft=True)
    client.get(paper.get_absolute_url())  # an anonymous reader fills the cache

    staff_view = admin_client.get(draft.get_absolute_url())
    assert "Not public" in staff_view.content.decode()
    assert "private" in staff_view["Cache-Control"] and "no-store" in staff_view["Cache-Control"]
    staff_public = admin_client.get(paper.get_absolute_url())
    assert "private" in staff_public["Cache-Control"]
    assert "ETag" not in staff_public

    assert client.get(draft.get_absolute_url()).status_code == 404
    assert "Secret draft" not in client.get(area_page(paper)).content.decode()


def made_afresh(client, url, **params):
    """Whether a second GET of `url` was made again, not served from the cache."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = client.get(url, params)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url, params)
    assert second.status_code == first.status_code
    return len(queries) > 1  # more than the content version


def test_error_pages_and_the_admin_are_not_kept(client, admin_client, paper):
    assert made_afresh(client, "/papers/", rating="9")  # 400: a bad filter
    bad = client.get("/papers/", {"rating": "9"})
    assert "public" not in bad.get("Cache-Control", "") and "ETag" not in bad
    assert made_afresh(client, "/no-such-venue/")  # 404
    assert "ETag" not in client.get("/no-such-venue/")
    admin = admin_client.get("/admin/")
    assert "no-store" in admin["Cache-Control"]


def test_head_requests_are_answered_too(client, paper):
    client.get("/")

    response = client.head("/")

    assert response.status_code == 200
    assert response["ETag"]


def test_search_results_are_cached_per_query(client, paper, django_assert_num_queries):
    client.get("/papers/", {"q": "cached"})

    with django_assert_num_queries(1):
        again = client.get("/papers/", {"q": "cached"})
    other = client.get("/papers/", {"q": "nothing"})

    assert paper_titles(again) == ["Cached note"]
    assert paper_titles(other) == []


def test_switched_off_by_a_setting(client, paper, settings):
    settings.PAGE_CACHE_ENABLED = False

    assert made_afresh(client, area_page(paper))
    response = client.get(area_page(paper))
    assert "ETag" not in response
    assert heading(response)


def test_the_home_page_lists_a_new_venue_at_once(client):
    client.get("/")
    PaperFactory(venue=VenueFactory(name="FRESH2026"), area=AreaFactory())

    assert "FRESH2026" in client.get("/").content.decode()


def public_pages(paper):
    return [
        "/",
        f"/{paper.venue.slug}/",
        area_page(paper),
        paper.get_absolute_url(),
        f"/areas/{paper.area.slug}/",
        "/topics/llm/",
        "/papers/",
        "/papers/?q=cached",
        "/papers/suggest/?q=cach",
        "/feeds/notes.atom",
        "/sitemap.xml",
    ]


def test_each_kind_of_public_page_is_shared_for_readers_and_private_for_staff(client, admin_client, paper):
    for url in public_pages(paper):
        reader = client.get(url)
        staff = admin_client.get(url)

        directives = {part.strip() for part in reader["Cache-Control"].split(",")}
        assert reader.status_code == 200, url
        assert {"public", "max-age=0", "s-maxage=60", "stale-while-revalidate=300"} <= directives, url
        assert reader["ETag"] and reader["Last-Modified"], url
        assert {"private", "no-store"} <= {part.strip() for part in staff["Cache-Control"].split(",")}, url
        assert "ETag" not in staff, url


def test_a_redis_outage_leaves_pages_made_afresh_not_errors(client, paper, settings, caplog):
    # Nothing listens on port 1: every cache read and write fails at once.
    dead = {"BACKEND": "notesite.redis_cache.ForgivingRedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    settings.CACHES = {"default": dead, "pages": dead}

    first = client.get(area_page(paper))
    again = client.get(area_page(paper))

    assert first.status_code == again.status_code == 200
    assert "Cached note" in again.content.decode()
    assert "cannot be reached" in caplog.text


def shared_cache_reads(monkeypatch):
    """The keys read from the shared page cache from now on, in a list that fills up."""
    reads, shared_get = [], caches["pages"].get

    def get(key, *args):
        reads.append(key)
        return shared_get(key, *args)

    monkeypatch.setattr(caches["pages"], "get", get)
    return reads


def test_a_process_serves_the_pages_it_served_last_from_memory(client, paper, monkeypatch):
    first = client.get(area_page(paper))
    reads = shared_cache_reads(monkeypatch)

    second = client.get(area_page(paper))
    other = client.get(paper.get_absolute_url())

    assert second.status_code == 200
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert second["Content-Type"] == first["Content-Type"]
    assert other.status_code == 200
    assert len(reads) == 1  # only the page it had not served yet


def test_a_page_from_memory_is_a_new_response_each_time(client, paper):
    client.get(area_page(paper))
    second = client.get(area_page(paper))
    second["X-Changed"] = "by one request"
    third = client.get(area_page(paper))

    assert second is not third
    assert not third.has_header("X-Changed")
    assert third.content == second.content


def test_a_page_from_memory_is_never_stale(client, paper):
    client.get(area_page(paper))
    client.get(area_page(paper))  # now from memory

    paper.title = "Retitled note"
    paper.save()
    page = client.get(area_page(paper))

    assert "Retitled note" in page.content.decode()
    assert "Cached note" not in page.content.decode()


def test_no_memory_means_the_shared_cache_every_time(client, paper, settings, monkeypatch):
    settings.PAGE_CACHE_MEMORY_MB = 0
    client.get(area_page(paper))
    reads = shared_cache_reads(monkeypatch)

    for _ in range(3):
        assert client.get(area_page(paper)).status_code == 200

    assert len(reads) == 3


def test_memory_keeps_the_pages_used_last_within_its_size(settings):
    settings.PAGE_CACHE_MEMORY_MB = 1
    pages = page_cache.PagesInMemory()
    half = b"x" * (512 * 1024 - 100)
    for name in ("a", "b"):
        pages.put("v1", name, HttpResponse(half))
    assert pages.get("v1", "a") is not None  # now used after b
    pages.put("v1", "c", HttpResponse(half))  # a third does not fit: b goes

    assert pages.get("v1", "b") is None
    assert pages.get("v1", "a").content == half
    assert pages.get("v1", "c").content == half
    assert pages.get("v2", "a") is None  # another version: not served
    pages.put("v2", "d", HttpResponse(b"new"))
    assert len(pages) == 1  # the old version's pages went
    pages.put("v2", "huge", HttpResponse(b"x" * (1024 * 1024 + 1)))
    assert pages.get("v2", "huge") is None
    assert pages.get("v2", "d").content == b"new"
