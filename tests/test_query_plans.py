"""The queries behind the public pages use their indexes, on SQLite and PostgreSQL.

A test database holds a few rows, and on so few rows a sequential scan is cheapest; so
on PostgreSQL the plan is asked for with sequential scans priced out
(`enable_seqscan = off`), which shows which index the query can use and that none is
missing. On SQLite the statistics are refreshed first, as after a bulk load, since its
planner ignores partial indexes without them.
"""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from papers import services, site_counts
from papers.models import Paper, TaggedPaper
from papers.pagination import VenueByVenue
from tests.factories import AreaFactory, TopicFactory, VenueFactory

pytestmark = pytest.mark.django_db


def plan(queryset):
    """The query plan of `queryset`, as text."""
    sql, params = queryset.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            return "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(row[-1] for row in cursor.fetchall())


def sorts(text):
    """Whether a plan sorts rows (rather than reading them in order from an index)."""
    return "TEMP B-TREE FOR ORDER BY" in text or any(
        line.strip().startswith(("Sort ", "->  Sort ", "Incremental Sort")) for line in text.splitlines()
    )


@pytest.fixture
def site():
    """Enough papers (2,400 over 8 venues, 12 areas, published over three years) for
    the planners to weigh the indexes as they would on a real site."""
    venues = [VenueFactory() for _ in range(8)]
    areas = [AreaFactory() for _ in range(12)]
    topics = [TopicFactory(name=f"Topic {index}") for index in range(6)]
    start = timezone.now() - timedelta(days=3 * 365)
    papers = Paper.objects.bulk_create(
        Paper(
            venue=venues[index % 8],
            area=areas[index % 12],
            title=f"Paper {index * 7919 % 2400}",
            slug=f"paper-{index}",
            status="published" if index % 10 else "draft",
            published_at=start + timedelta(hours=11 * index),
        )
        for index in range(2400)
    )
    # The first topic on every other paper, as a popular topic is ("LLM").
    TaggedPaper.objects.bulk_create(
        TaggedPaper(content_object=paper, tag=topics[0] if index % 2 == 0 else topics[1 + index % 5])
        for index, paper in enumerate(papers)
    )
    services.refresh_planner_statistics()
    return {"venue": venues[0], "area": areas[0], "topic": topics[0]}


def test_the_site_counts_read_an_index_not_the_table(site):
    text = plan(
        Paper.objects.published().values_list("venue_id", "area_id").annotate(n=Count("pk")).order_by()
    )

    # An index of public papers answers it; the table itself is not scanned.
    assert "paper_public_" in text or "paper_search_filter_idx" in text
    assert "Seq Scan on papers_paper" not in text
    assert "SCAN papers_paper\n" not in f"{text}\n"


def test_a_venue_area_page_reads_its_notes_in_title_order_from_the_index(site):
    text = plan(
        Paper.objects.published()
        .filter(venue=site["venue"], area=site["area"])
        .for_list()
        .in_title_order()[:100]
    )

    assert "paper_public_title_idx" in text
    assert not sorts(text)


def test_a_venue_page_reads_the_first_notes_of_each_area_from_the_index(site):
    area_ids = list(site_counts.site_counts().areas(venue=site["venue"]))

    text = plan(Paper.objects.published().filter(venue=site["venue"]).for_list().first_per_area(area_ids, 3))

    assert text.count("paper_public_title_idx") >= len(area_ids)


def test_a_topic_page_reads_each_venue_in_title_order_from_the_index(site):
    papers = Paper.objects.published().on_topic(site["topic"]).for_list()
    venues = site_counts.venues_listed(site_counts.site_counts().topic_venues(site["topic"]))
    pages = VenueByVenue(papers, venues)

    text = plan(papers.filter(venue=site["venue"]).in_title_order().values("pk")[:100])  # a page's part

    assert "paper_public_venue_title_idx" in text
    assert not sorts(text)
    assert len(pages[0:100]) == 100


def test_related_notes_read_the_newest_links_of_each_topic_from_the_index(site):
    note = Paper.objects.published().prefetch_related("topics").first()

    text = plan(Paper.objects.related_to(note))

    assert "tagged_paper_topic_idx" in text
