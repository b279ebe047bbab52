"""insert_rows() saves what bulk_create() would, on both databases."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.functional import lazy

from papers.bulk import insert_rows
from papers.models import Paper, PaperSearch, TaggedPaper
from tests.factories import PaperFactory, TopicFactory

pytestmark = pytest.mark.django_db

HistoricalPaper = Paper.history.model


def record(paper, **values):
    fields = {field.attname: getattr(paper, field.attname) for field in HistoricalPaper.tracked_fields}
    defaults = {
        "history_date": datetime(2026, 3, 1, 12, 30, 15, 250_000, tzinfo=UTC),
        "history_type": "~",
        "history_change_reason": "Bulk",
    }
    return HistoricalPaper(**(fields | defaults | values))


def stored(model, pk_name, pks):
    """Every column of the rows, as read back; without their own database ids."""
    rows = model.objects.filter(**{f"{pk_name}__in": pks}).order_by(pk_name).values()
    return [{key: value for key, value in row.items() if key != pk_name} for row in rows]


def test_rows_read_back_the_same_as_those_bulk_create_saves():
    paper = PaperFactory(
        title="Caf\u00e9 \u4e2d\u6587 \U0001f9ea",
        summary="Line one\nline two with 'quotes' and \"doubles\"; -- and %s",
        published_at=datetime(2025, 5, 4, 3, 2, 1, 123_456, tzinfo=UTC),
        rating_value=None,
    )
    # A record made in memory keeps a fraction of a second: both writers cut it.
    fraction = {
        "topic_names": "LLM\nVision",
        "published_at": datetime(2025, 5, 4, 3, 2, 1, 123_456, tzinfo=UTC),
    }
    by_orm = HistoricalPaper.objects.bulk_create([record(paper, **fraction)])
    before = set(HistoricalPaper.objects.values_list("history_id", flat=True))

    assert insert_rows(HistoricalPaper, [record(paper, **fraction)]) == 1

    (new_id,) = set(HistoricalPaper.objects.values_list("history_id", flat=True)) - before
    ours = stored(HistoricalPaper, "history_id", [new_id])
    theirs = stored(HistoricalPaper, "history_id", [by_orm[0].history_id])
    assert ours == theirs
    assert ours[0]["history_date"] == datetime(2026, 3, 1, 12, 30, 15, 250_000, tzinfo=UTC)
    assert ours[0]["published_at"] == datetime(2025, 5, 4, 3, 2, 1, tzinfo=UTC)  # whole seconds
    assert ours[0]["title"] == "Caf\u00e9 \u4e2d\u6587 \U0001f9ea"
    assert ours[0]["rating_value"] is None


def test_a_value_of_another_type_is_converted_as_django_converts_it():
    paper = PaperFactory()
    # A lazy string in a text field, and a number in a text field: neither is passed raw.
    odd = record(paper, topic_names=lazy(lambda: "Lazy topic", str)(), history_change_reason=7)

    insert_rows(HistoricalPaper, [odd])

    saved = HistoricalPaper.objects.filter(id=paper.pk).latest("history_id")
    assert (saved.topic_names, saved.history_change_reason) == ("Lazy topic", "7")


def test_many_rows_from_a_generator():
    papers = PaperFactory.create_batch(3)
    topics = TopicFactory.create_batch(4)
    TaggedPaper.objects.filter(content_object__in=papers).delete()

    links = (TaggedPaper(content_object=paper, tag=topic) for paper in papers for topic in topics)
    assert insert_rows(TaggedPaper, links) == 12

    for paper in papers:
        assert sorted(paper.topics.values_list("pk", flat=True)) == sorted(topic.pk for topic in topics)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_postgresql_loads_the_rows_with_copy_and_its_triggers_fire():
    paper = PaperFactory(title="Tide tables")
    PaperSearch.objects.filter(paper=paper).delete()

    with CaptureQueriesContext(connection) as queries:
        row = PaperSearch(paper=paper, title="tide tables", tags="", summary="", body="", recency=1)
        insert_rows(PaperSearch, [row])

    assert queries.captured_queries == []  # COPY goes past Django's cursor
    # The trigger of migration 0013 filled the vectors, as for an INSERT.
    with connection.cursor() as cursor:
        cursor.execute("SELECT title_vector::text FROM papers_papersearch WHERE paper_id = %s", [paper.pk])
        assert cursor.fetchone() == ("'tabl':2 'tide':1",)


def test_nothing_to_insert_runs_no_query():
    with CaptureQueriesContext(connection) as queries:
        assert insert_rows(TaggedPaper, []) == 0
    assert len(queries) == 0


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only: PostgreSQL loads the rows with COPY")
def test_more_rows_than_a_statement_takes_go_in_several():
    paper = PaperFactory()
    fields = [field for field in HistoricalPaper._meta.concrete_fields if field.attname != "history_id"]
    per_statement = connection.ops.bulk_batch_size(fields, [None] * 100)
    before = HistoricalPaper.objects.filter(id=paper.pk).count()

    with CaptureQueriesContext(connection) as queries:
        insert_rows(HistoricalPaper, [record(paper, history_change_reason=f"Row {n}") for n in range(100)])

    assert len(queries) == -(-100 // per_statement)
    reasons = HistoricalPaper.objects.filter(id=paper.pk).values_list("history_change_reason", flat=True)
    assert len(reasons) == before + 100
    assert {f"Row {n}" for n in range(100)} <= set(reasons)
