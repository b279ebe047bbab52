"""Probes, the 503 page while the database is away, and logs a request can be traced by."""

import json
import logging

import pytest
from django.core.cache import caches
from django.db import OperationalError

from notesite import health, page_cache
from notesite.logs import JsonFormatter, RequestIdFilter
from tests.factories import PaperFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_down(monkeypatch):
    """Every read of the content version fails as with the server stopped: the first
    query of a public page when the page cache is on."""

    def refused():
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')

    def take_down():
        monkeypatch.setattr(page_cache, "content_version", refused)

    return take_down


@pytest.fixture
def live_site(settings, client):
    settings.DEBUG = False
    settings.PAGE_CACHE_ENABLED = True
    caches["pages"].clear()
    client.raise_request_exception = False
    yield client
    caches["pages"].clear()


def test_healthz_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_readyz_checks_the_database_and_the_migrations(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "unapplied_migrations": 0}


def test_readyz_is_503_while_a_migration_is_not_applied(client, monkeypatch):
    newer = health.known_migrations() | {("papers", "9999_from_the_next_release")}
    monkeypatch.setattr(health, "known_migrations", lambda: newer)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["unapplied_migrations"] == 1


def test_readyz_is_503_without_the_database(client, monkeypatch):
    def refused(*args, **kwargs):
        raise OperationalError("Connection refused")

    monkeypatch.setattr(health, "unapplied_migrations", refused)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_probes_take_only_get_and_head(client):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


def test_a_public_page_is_503_with_retry_after_while_the_database_is_down(live_site, database_down):
    database_down()

    response = live_site.get("/papers/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    assert "Back in a moment" in response.content.decode()
    assert "Content-Security-Policy" in response


def test_pages_kept_in_the_cache_are_still_served_while_the_database_is_down(live_site, database_down):
    paper = PaperFactory(title="Still readable")
    kept = live_site.get(paper.get_absolute_url())
    database_down()

    again = live_site.get(paper.get_absolute_url())
    not_kept = live_site.get("/papers/")

    assert again.status_code == 200
    assert again.content == kept.content
    assert again["Cache-Control"] == "no-store"
    assert not_kept.status_code == 503


def test_other_errors_are_still_500(live_site, settings):
    settings.ROOT_URLCONF = "tests.broken_urls"

    response = live_site.get("/broken/")

    assert response.status_code == 500


def test_each_response_carries_a_request_id(client):
    given = client.get("/", headers={"x-request-id": "lb-4f2a9c"})
    made = client.get("/")
    forged = client.get("/", headers={"x-request-id": "x\nforged log line"})

    assert given["X-Request-ID"] == "lb-4f2a9c"
    assert len(made["X-Request-ID"]) == 32
    assert forged["X-Request-ID"] != "x\nforged log line"
    assert len(forged["X-Request-ID"]) == 32


def test_logs_are_json_lines_with_the_request_id(client, settings):
    settings.DEBUG = False
    lines = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(handler.format(record))
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        response = client.get("/no-such-venue/", headers={"x-request-id": "trace-me-123"})
    finally:
        logger.removeHandler(handler)

    entries = [json.loads(line) for line in lines]
    assert response.status_code == 404
    assert {
        "level": "WARNING",
        "logger": "django.request",
        "request_id": "trace-me-123",
        "status": 404,
        "path": "/no-such-venue/",
    }.items() <= entries[-1].items()
