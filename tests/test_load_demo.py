"""`manage.py load_demo`: a realistic, repeatable demo site, written only into an empty database."""

import io
import statistics

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from papers.models import Paper, PaperSearch, TaggedPaper, Topic
from papers.search import full_text_filled_after
from papers.services import indexes_built_after
from tests.factories import VenueFactory
from tests.helpers import paper_titles
from venues.models import Area, Venue

pytestmark = pytest.mark.django_db

PAPERS = 120
NOTE_SECTIONS = (
    "## Background & Motivation",
    "## Method",
    "## Key Experimental Results",
    "## Highlights & Insights",
    "## Limitations & Future Work",
)


def load_demo(*args):
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def wipe_site():
    Paper.objects.all().delete()
    Topic.objects.all().delete()
    Area.objects.all().delete()
    Venue.objects.all().delete()


def site_contents():
    """What a reader could compare between two loads: every note, its date and its topics."""
    now = timezone.now()
    notes = [
        (venue, slug, title, summary, body, published_at if published_at and published_at <= now else None)
        for venue, slug, title, summary, body, published_at in Paper.objects.order_by(
            "venue__name", "slug"
        ).values_list("venue__name", "slug", "title", "summary", "body", "published_at")
    ]
    topics = sorted(
        TaggedPaper.objects.values_list("content_object__venue__name", "content_object__slug", "tag__name")
    )
    return notes, topics


# The tables load_demo writes by the thousand.
BULK_TABLES = [model._meta.db_table for model in (Paper, Paper.history.model, TaggedPaper, PaperSearch)]


def catalog_rows(postgresql, sqlite):
    """The rows of a query of the database's catalog about BULK_TABLES: `postgresql` takes
    them as one array, `sqlite` as the placeholders it names {tables}."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(postgresql, [BULK_TABLES])
        else:
            cursor.execute(sqlite.format(tables=", ".join(["%s"] * len(BULK_TABLES))), BULK_TABLES)
        return cursor.fetchall()


def index_definitions():
    """(name, definition, unique?) of every index of BULK_TABLES, as the database has them."""
    return catalog_rows(
        """SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid), indisunique
        FROM pg_index WHERE indrelid = ANY(%s::regclass[]) ORDER BY 1""",
        """SELECT name, sql, sql LIKE 'CREATE UNIQUE%%' FROM sqlite_master
        WHERE type = 'index' AND tbl_name IN ({tables}) ORDER BY 1""",
    )


def trigger_definitions():
    """(name, definition) of every trigger of BULK_TABLES that is not the database's own."""
    return catalog_rows(
        """SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger
        WHERE tgrelid = ANY(%s::regclass[]) AND NOT tgisinternal ORDER BY 1""",
        """SELECT name, sql FROM sqlite_master
        WHERE type = 'trigger' AND tbl_name IN ({tables}) ORDER BY 1""",
    )


def full_text_tables_match_their_rows():
    """SQLite: FTS5's own check that each table indexes exactly its search rows."""
    with connection.cursor() as cursor:
        for table in ("papers_paper_fts", "papers_paper_head_fts"):
            cursor.execute(f"INSERT INTO {table}({table}) VALUES ('integrity-check')")  # noqa: S608 - our names
    return True


def row_counts():
    return Venue.objects.count(), Area.objects.count(), Topic.objects.count(), Paper.objects.count()


def test_creates_the_requested_number_of_public_papers():
    out = load_demo("--papers", str(PAPERS))

    assert Paper.objects.published().count() == PAPERS
    assert f"{PAPERS} published papers" in out


def test_drafts_notes_in_review_and_scheduled_notes_are_not_public():
    load_demo("--papers", str(PAPERS))
    now = timezone.now()

    drafts = Paper.objects.filter(status="draft")
    in_review = Paper.objects.filter(status="review")
    scheduled = Paper.objects.filter(status="published", published_at__gt=now)
    for hidden in (drafts, in_review, scheduled):
        assert hidden.exists()
        assert not Paper.objects.published().filter(pk__in=hidden.values("pk")).exists()
    assert Paper.objects.count() == PAPERS + drafts.count() + in_review.count() + scheduled.count()


def test_venues_and_areas_look_like_the_real_site():
    load_demo("--papers", str(PAPERS))

    venues = list(Venue.objects.all())
    areas = list(Area.objects.all())
    assert len(venues) >= 8
    assert len(areas) >= 30
    assert all(venue.emoji and venue.slug == venue.name and venue.full_name and venue.url for venue in venues)
    assert all(area.emoji and area.description for area in areas)
    # Papers spread unevenly: some venue×area pages are empty, some hold many notes.
    pages = Paper.objects.published().values("venue", "area").annotate(notes=Count("pk"))
    assert len(pages) < len(venues) * len(areas)
    assert max(page["notes"] for page in pages) >= 4 * statistics.median(page["notes"] for page in pages)


def test_notes_are_complete():
    load_demo("--papers", str(PAPERS))
    papers = list(Paper.objects.all())

    assert all(all(section in paper.body for section in NOTE_SECTIONS) for paper in papers)
    assert all(paper.title and paper.summary and len(paper.title) <= 500 for paper in papers)
    assert any("\\(" in paper.summary or "$" in paper.summary for paper in papers)
    assert any(not paper.title.isascii() for paper in papers)
    assert any(paper.arxiv_id and paper.paper_url.endswith(paper.arxiv_id) for paper in papers)
    assert any(paper.code_url.startswith("https://github.com/") for paper in papers)


def test_slugs_are_unique_within_a_venue_and_at_most_80_characters():
    load_demo("--papers", str(PAPERS))
    slugs = list(Paper.objects.values_list("venue", "slug"))

    assert len(set(slugs)) == len(slugs)
    assert max(len(slug) for _, slug in slugs) <= 80


def test_same_seed_gives_the_same_site():
    load_demo("--papers", str(PAPERS), "--seed", "7")
    first = site_contents()
    wipe_site()
    load_demo("--papers", str(PAPERS), "--seed", "7")

    assert site_contents() == first


def test_another_seed_gives_other_titles():
    load_demo("--papers", str(PAPERS), "--seed", "1")
    first = set(Paper.objects.values_list("title", flat=True))
    wipe_site()
    load_demo("--papers", str(PAPERS), "--seed", "2")

    assert set(Paper.objects.values_list("title", flat=True)) != first


def test_topics_are_long_tailed():
    load_demo("--papers", str(PAPERS))

    uses = sorted(Topic.objects.annotate(uses=Count("tagged_papers")).values_list("uses", flat=True))
    assert uses[-1] >= 4 * max(statistics.median(uses), 1)
    per_paper = Paper.objects.annotate(topic_count=Count("tagged_topics")).values_list(
        "topic_count", flat=True
    )
    assert set(per_paper) <= {0, 1, 2, 3, 4}


def test_refuses_a_database_that_holds_papers():
    load_demo("--papers", str(PAPERS))
    before = row_counts()

    with pytest.raises(CommandError, match=f"already holds {Paper.objects.count()} papers"):
        load_demo("--papers", "10")
    assert row_counts() == before


def test_refuses_a_database_that_holds_only_a_venue():
    VenueFactory(name="ICML2025")

    with pytest.raises(CommandError, match="only fills an empty database"):
        load_demo("--papers", "10")
    assert row_counts() == (1, 0, 0, 0)


def test_if_empty_skips_a_database_that_holds_content():
    load_demo("--papers", str(PAPERS))
    before = row_counts()

    out = load_demo("--papers", "10", "--if-empty")

    assert "Skipped" in out
    assert row_counts() == before


def test_if_empty_fills_an_empty_database():
    load_demo("--papers", "10", "--if-empty")

    assert Paper.objects.published().count() == 10


@pytest.mark.parametrize("papers", ["-1", "1000001", "many"])
def test_rejects_a_bad_number_of_papers(papers):
    with pytest.raises(CommandError, match="--papers"):
        load_demo("--papers", papers)
    assert row_counts() == (0, 0, 0, 0)


def test_every_index_is_there_after_a_load():
    wipe_site()
    before = index_definitions()
    load_demo("--papers", "40")
    assert Paper.objects.count() > 40
    assert len(before) >= 10
    assert index_definitions() == before


def test_the_loaded_notes_are_searchable_and_later_edits_too(client):
    wipe_site()
    triggers = trigger_definitions()
    load_demo("--papers", "40")
    paper = Paper.objects.published().order_by("pk")[7]
    words = [word for word in paper.body.split() if word.isalpha()]
    in_the_middle = words[len(words) // 2 : len(words) // 2 + 3]

    # Each database keeps its search index current by triggers: the load put them back.
    assert triggers
    assert trigger_definitions() == triggers
    if connection.vendor == "sqlite":
        assert full_text_tables_match_their_rows()
    assert paper.title in paper_titles(client.get("/papers/", {"q": f'"{paper.title}"'}))
    assert paper.title in paper_titles(client.get("/papers/", {"q": " ".join(in_the_middle)}))

    paper.title = "Quokka routing for sparse experts"
    paper.save()

    assert paper_titles(client.get("/papers/", {"q": "quokka"})) == [paper.title]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite fills its full-text tables after a load")
def test_a_failed_load_gets_the_full_text_triggers_back():
    triggers = trigger_definitions()
    with pytest.raises(RuntimeError, match="load failed"), transaction.atomic(), full_text_filled_after():
        during = trigger_definitions()
        raise RuntimeError("load failed")
    assert [name for name, _ in triggers] == [
        "papers_papersearch_ad",
        "papers_papersearch_ai",
        "papers_papersearch_au",
    ]
    assert during == []
    assert trigger_definitions() == triggers


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL builds its indexes after a load")
def test_a_load_keeps_only_the_indexes_it_needs_and_a_failed_one_gets_every_index_back():
    before = index_definitions()
    with (
        pytest.raises(RuntimeError, match="load failed"),
        transaction.atomic(),
        indexes_built_after(Paper, Paper.history.model, TaggedPaper, PaperSearch),
    ):
        during = index_definitions()
        raise RuntimeError("load failed")
    # Unique ones stay (the load relies on them), the full-text ones go.
    assert during == [index for index in before if index[2]]
    assert any("USING gin" in definition for _, definition, _ in before)
    assert index_definitions() == before
