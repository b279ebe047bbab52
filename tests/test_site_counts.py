"""The site's counts (papers/site_counts.py): kept while the content is unchanged, and
counted again after any change, a scheduled note going live included. Also the lists
built on them: pages of a venue-by-venue list, and related notes among a bounded set."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from papers import querysets, services, site_counts
from papers.models import Paper
from papers.pagination import VenueByVenue
from tests.factories import AreaFactory, PaperFactory, TopicFactory, VenueFactory

pytestmark = pytest.mark.django_db


def counted():
    """The counts, with the number of queries it took to get them."""
    with CaptureQueriesContext(connection) as queries:
        counts = site_counts.site_counts()
    return counts, len(queries)


@pytest.fixture
def site():
    venue, other_venue, area = VenueFactory(), VenueFactory(), AreaFactory()
    topic = TopicFactory(name="LLM")
    papers = PaperFactory.create_batch(2, venue=venue, area=area, topics=["LLM"])
    PaperFactory(venue=other_venue, area=area)
    return {"venue": venue, "other_venue": other_venue, "area": area, "topic": topic, "papers": papers}


def test_counts_are_kept_while_nothing_changes(site):
    counts, first = counted()
    again, second = counted()

    # The version (with the publication times, the first time) and two grouped counts;
    # then the version alone.
    assert (first, second) == (4, 1)
    assert again is counts
    assert counts.papers() == 3
    assert counts.venues() == {site["venue"].pk: 2, site["other_venue"].pk: 1}
    assert counts.topics(venue=site["venue"]) == {site["topic"].pk: 2}


def test_another_process_takes_the_counts_from_the_shared_cache(site):
    counts, _ = counted()
    site_counts.forget()  # as a process that has not counted yet

    again, queries = counted()

    assert queries == 1
    assert again.pairs == counts.pairs and again.topic_links == counts.topic_links


def test_every_kind_of_change_is_counted_at_once(site):
    venue, area, topic = site["venue"], site["area"], site["topic"]
    assert site_counts.site_counts().papers(venue=venue) == 2

    PaperFactory(venue=venue, area=area)  # a save
    assert site_counts.site_counts().papers(venue=venue) == 3

    services.unpublish_papers(Paper.objects.filter(pk=site["papers"][0].pk))  # a bulk action
    assert site_counts.site_counts().papers(venue=venue) == 2
    assert site_counts.site_counts().topics() == {topic.pk: 1}

    new_area = AreaFactory()
    services.move_papers(Paper.objects.filter(pk=site["papers"][1].pk), new_area)
    assert site_counts.site_counts().areas(venue=venue) == {area.pk: 1, new_area.pk: 1}

    services.remove_topic(Paper.objects.filter(pk=site["papers"][1].pk), topic)
    assert site_counts.site_counts().topics() == {}


def test_a_scheduled_note_counts_once_its_time_has_passed(site, monkeypatch):
    PaperFactory(venue=site["venue"], area=site["area"], scheduled=True, topics=["LLM"])
    assert site_counts.site_counts().papers(venue=site["venue"]) == 2

    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(days=400))

    counts = site_counts.site_counts()  # nothing was written: only the clock moved
    assert counts.papers(venue=site["venue"]) == 3
    assert counts.topics() == {site["topic"].pk: 3}


def test_drafts_never_count(site):
    PaperFactory(venue=site["venue"], area=site["area"], draft=True, topics=["Secret"])
    PaperFactory(venue=site["venue"], area=site["area"], in_review=True, topics=["Secret"])

    counts = site_counts.site_counts()

    assert counts.papers() == 3
    assert set(counts.topics()) == {site["topic"].pk}


def test_a_stale_entry_in_the_shared_cache_is_never_read(site):
    site_counts.site_counts()
    site_counts.forget()
    PaperFactory(venue=site["venue"], area=site["area"])  # a new version: a new key

    assert site_counts.site_counts().papers() == 4


# A venue-by-venue list, a page at a time


@pytest.mark.parametrize("per_page", [1, 2, 3, 5, 7])
def test_pages_of_a_venue_by_venue_list_follow_the_full_order(per_page):
    area = AreaFactory()
    venues = [VenueFactory(position=position) for position in (3, 1, 2)]
    for index in range(11):
        PaperFactory(venue=venues[index % 3], area=area, title=f"Paper {(7 * index) % 11:02}")
    PaperFactory(venue=venues[0], area=area, draft=True)
    papers = Paper.objects.published().filter(area=area).for_list()
    listed = site_counts.venues_listed(site_counts.site_counts().venues(area=area))
    pages = VenueByVenue(papers, listed)

    paged = [paper for start in range(0, 11, per_page) for paper in pages[start : start + per_page]]

    assert len(pages) == 11
    assert paged == list(papers.in_venue_order())
    assert pages[11:20] == []


def test_papers_on_a_topic_are_those_linked_to_it(site):
    PaperFactory(topics=["Other"])

    on_topic = Paper.objects.published().on_topic(site["topic"])

    assert set(on_topic) == set(site["papers"])


# Related notes


def test_related_notes_are_chosen_among_the_newest_of_each_topic(monkeypatch):
    area, other_area = AreaFactory(), AreaFactory()
    note = PaperFactory(area=area, topics=["A", "B"])
    old_twin = PaperFactory(area=other_area, topics=["A", "B"])  # shares both topics
    newer_a = [PaperFactory(area=other_area, topics=["A"]) for _ in range(3)]
    newer_b = [PaperFactory(area=other_area, topics=["B"]) for _ in range(3)]

    related = list(Paper.objects.related_to(note))
    assert related[0] == old_twin

    # With room for only the two most recently added papers of each topic, the older
    # twin is not among them.
    monkeypatch.setattr(querysets, "RELATED_CANDIDATES", 2)
    related = list(Paper.objects.related_to(note))

    assert set(related) == {newer_a[2], newer_a[1], newer_b[2], newer_b[1]}
