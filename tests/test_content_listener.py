"""PostgreSQL: each process hears of committed changes, so cached pages cost no query."""

import time
from datetime import timedelta

import psycopg
import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.utils import timezone

from notesite import content_listener, page_cache
from tests.factories import PaperFactory, VenueFactory

pytestmark = [
    # Changes must commit for PostgreSQL to send their notifications.
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="notifications are PostgreSQL's"),
]


@pytest.fixture(autouse=True)
def _listening(settings):
    settings.PAGE_CACHE_LISTEN = True
    settings.PAGE_CACHE_ENABLED = True
    caches["pages"].clear()
    yield
    # Its connection would keep the test database from being dropped.
    content_listener.stop()
    caches["pages"].clear()


def wait_for(condition, seconds=10):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.02)


def listening():
    """Start this process's listener and wait until it listens; what it has heard."""
    wait_for(lambda: content_listener.heard() is not None)
    return content_listener.heard()


@pytest.fixture
def paper():
    return PaperFactory(title="Heard note")


def test_a_committed_historical_record_notifies_and_a_rolled_back_one_does_not():
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as listener:
        listener.execute(f"LISTEN {content_listener.CHANNEL}")
        with pytest.raises(RuntimeError), transaction.atomic():
            VenueFactory(name="Rolled back")
            raise RuntimeError
        assert list(listener.notifies(timeout=0.5)) == []

        VenueFactory(name="Committed")

        heard = listener.notifies(timeout=5, stop_after=1)
        assert [notification.channel for notification in heard] == [content_listener.CHANNEL]


def test_a_cached_page_costs_no_query_while_nothing_changes(client, paper, django_assert_num_queries):
    listening()
    first = client.get(paper.get_absolute_url())

    with django_assert_num_queries(0):
        again = client.get(paper.get_absolute_url())

    assert again.content == first.content
    assert again["ETag"] == first["ETag"]


def test_an_edit_is_live_as_soon_as_it_is_heard(client, paper):
    before = listening()
    assert b"Heard note" in client.get(paper.get_absolute_url()).content

    paper.title = "Edited and heard"
    paper.save()
    wait_for(lambda: content_listener.heard() not in (before, None))

    assert b"Edited and heard" in client.get(paper.get_absolute_url()).content


def test_a_lost_connection_makes_pages_read_the_version_until_it_listens_again(
    client, paper, django_assert_num_queries, caplog
):
    before = listening()
    client.get(paper.get_absolute_url())
    backend = content_listener._current()._connection.info.backend_pid

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [backend])
    # Changes made now are not heard: the version must be read, not assumed.
    wait_for(lambda: content_listener.heard() != before)
    paper.title = "Changed while deaf"
    paper.save()
    assert b"Changed while deaf" in client.get(paper.get_absolute_url()).content

    listening()
    client.get(paper.get_absolute_url())
    with django_assert_num_queries(0):
        assert b"Changed while deaf" in client.get(paper.get_absolute_url()).content
    said = [
        (record.levelname, record.getMessage())
        for record in caplog.records
        if record.name == content_listener.__name__
    ]
    assert [level for level, _ in said] == ["WARNING", "INFO"]
    assert said[0][1].startswith("Not hearing content changes (")


def test_a_scheduled_note_goes_live_with_no_change_to_hear(paper, monkeypatch, django_assert_num_queries):
    PaperFactory(title="Due tomorrow", venue=paper.venue, area=paper.area, scheduled=True)
    listening()
    version, _ = page_cache.content_version()
    with django_assert_num_queries(0):
        assert page_cache.content_version()[0] == version

    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(days=2))

    with django_assert_num_queries(2):  # the newest records and the publication times
        assert page_cache.content_version()[0] != version


def test_turned_off_it_hears_nothing_and_starts_no_thread(settings):
    settings.PAGE_CACHE_LISTEN = False

    assert content_listener.heard() is None
    assert content_listener._listener is None


def test_the_notifying_tables_are_the_histories_the_version_reads():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT event_object_table FROM information_schema.triggers WHERE trigger_name LIKE %s",
            ["%_notify"],
        )
        notifying = {table for (table,) in cursor.fetchall()}

    assert notifying == set(page_cache.HISTORIES)
