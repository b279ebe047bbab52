"""The counts and badges: aggregates over public papers only (papers/site_counts.py)."""

import pytest

from papers import site_counts
from tests.factories import AreaFactory, PaperFactory, VenueFactory
from tests.helpers import lines

pytestmark = pytest.mark.django_db


def counts():
    return site_counts.site_counts()


def add_hidden_papers(**fields):
    """A draft, a note in review and a scheduled note: none of them may count."""
    for trait in ("draft", "in_review", "scheduled"):
        PaperFactory(**fields, **{trait: True})


def test_venue_counts_only_public_papers_in_position_order():
    late = VenueFactory(name="AAA2026", position=2)
    early = VenueFactory(name="ZZZ2025", position=1)
    empty = VenueFactory(name="EMPTY2025", position=0)
    PaperFactory.create_batch(3, venue=late)
    PaperFactory(venue=early)
    add_hidden_papers(venue=late)
    add_hidden_papers(venue=empty)

    listed = [(venue.name, venue.paper_count) for venue in site_counts.venues_listed(counts().venues())]

    assert listed == [("ZZZ2025", 1), ("AAA2026", 3)]


def test_venue_counts_narrowed_to_an_area():
    area, other_area = AreaFactory(), AreaFactory()
    venue = VenueFactory()
    PaperFactory.create_batch(2, venue=venue, area=area)
    PaperFactory.create_batch(5, venue=venue, area=other_area)

    assert [v.paper_count for v in site_counts.venues_listed(counts().venues(area=area))] == [2]


def test_areas_by_count_then_position():
    venue = VenueFactory()
    small, big, tied = AreaFactory(position=0), AreaFactory(position=5), AreaFactory(position=1)
    PaperFactory(venue=venue, area=small)
    PaperFactory.create_batch(3, venue=venue, area=big)
    PaperFactory(venue=venue, area=tied)
    add_hidden_papers(venue=venue, area=small)

    listed = [(a, a.paper_count) for a in site_counts.areas_listed(counts().areas(venue=venue))]

    assert listed == [(big, 3), (small, 1), (tied, 1)]


def test_topic_counts_only_public_papers():
    PaperFactory.create_batch(2, topics=["LLM"])
    add_hidden_papers(topics=["LLM", "Hidden"])

    assert {(t.name, t.paper_count) for t in site_counts.topics_listed(counts().topics())} == {("LLM", 2)}


def top_topics(limit=3, min_count=2, **paper_filters):
    return [
        (t.name, t.page_count)
        for t in site_counts.top_topics(counts(), limit=limit, min_count=min_count, **paper_filters)
    ]


def test_top_topics_by_count_then_site_wide_use_then_name():
    venue, area = VenueFactory(), AreaFactory()
    on_page = {"venue": venue, "area": area}
    for topics in (["B", "C", "D", "E"], ["B", "C", "D", "E"], ["B"], ["Single"]):
        PaperFactory(**on_page, topics=topics)
    # Site-wide: C is used more than D and E (which tie and fall back to the name).
    PaperFactory(topics=["C"])
    # Only hidden papers make D look popular: it must not win on that.
    add_hidden_papers(topics=["D", "Single"])

    assert top_topics(limit=10, **on_page) == [("B", 3), ("C", 2), ("D", 2), ("E", 2)]
    assert top_topics(limit=3, **on_page) == [("B", 3), ("C", 2), ("D", 2)]


def test_top_topics_minimum_count_and_hidden_papers_on_the_page():
    venue, area = VenueFactory(), AreaFactory()
    PaperFactory(venue=venue, area=area, topics=["Once"])
    add_hidden_papers(venue=venue, area=area, topics=["Once"])

    assert top_topics(venue=venue, area=area) == []
    assert top_topics(min_count=1, venue=venue, area=area) == [("Once", 1)]


def test_top_topics_follow_the_settings(client, settings):
    venue, area = VenueFactory(name="V2025"), AreaFactory(slug="a")
    for _ in range(2):
        PaperFactory(venue=venue, area=area, topics=["One", "Two"])

    settings.TOP_TOPICS_LIMIT = 1
    assert "🔥 Top topics: One ×2" in lines(client.get("/V2025/a/"))
    settings.TOP_TOPICS_LIMIT, settings.TOP_TOPICS_MIN_COUNT = 3, 3
    assert not [line for line in lines(client.get("/V2025/a/")) if "Top topics" in line]


def test_top_topic_ties_fall_back_to_the_name_character_by_character():
    venue, area = VenueFactory(), AreaFactory()
    for _ in range(2):
        PaperFactory(venue=venue, area=area, topics=["alignment", "Zebra", "Beta"])

    # Upper case sorts before lower case, as on SQLite, whatever the database locale.
    assert top_topics(venue=venue, area=area) == [("Beta", 2), ("Zebra", 2), ("alignment", 2)]
