"""Whole public pages for anonymous readers: cached, and never stale.

Every change to a venue, an area, a paper or a topic leaves a historical record (see
papers/history.py): the admin, bulk actions, imports and the services all record what
they write. So the newest record of each, together with the newest publication time
that has passed (a scheduled note going live changes nothing else), is the version of
the whole site's content. On SQLite one small query reads the newest records on each
request; on PostgreSQL each process hears of every change (notesite/content_listener.py)
and reads them only then. A page is kept under that version (and a digest of the code,
for deploys), so an edit is live on the next request (on PostgreSQL, in the other
processes, within milliseconds), on every worker and every machine that shares the
cache.

The version also gives each page its ETag and Last-Modified, so a reader's browser or a
CDN revalidates with a 304. Signed-in users (staff previewing drafts, editors) are
never served from the cache nor stored in it, and their pages are marked private.

While the database cannot be reached, a page kept under the last version this process
read is still served (marked no-store); any other page is the 503 page (notesite/errors.py).

Each process keeps the pages it served last in memory too (`PAGE_CACHE_MEMORY_MB`), under
the current version only: the shared cache is read for the others.
"""

import hashlib
import threading
from collections import OrderedDict
from datetime import UTC, datetime
from typing import NamedTuple

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date, parse_http_date_safe

from notesite import content_listener
from notesite.admin_site import admin_path
from notesite.errors import DATABASE_UNAVAILABLE
from papers.models import Paper, Topic
from venues.models import Area, Venue


def _code_version():
    """A digest of the site's own code and templates: a deploy that changes how pages
    look starts a fresh set of cached pages, though the content did not change."""
    digest = hashlib.sha256()
    for path in sorted(settings.BASE_DIR.glob("[!.]*/**/*")):
        if path.suffix in {".py", ".html", ".css", ".js"} and ".venv" not in path.parts and path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


CODE_VERSION = _code_version()
HISTORIES = [model.history.model._meta.db_table for model in (Paper, Topic, Venue, Area)]
# The id and time of the newest record of each history: any change adds one. Table names
# come from the models, not from a request.
_NEWEST = "(SELECT history_id || ' ' || history_date FROM {} ORDER BY history_id DESC LIMIT 1)"
NEWEST_SQL = "SELECT " + ", ".join(_NEWEST.format(table) for table in HISTORIES)
# The newest publication time that has passed, and the next one to come.
_PAPERS = Paper._meta.db_table
PUBLICATION_SQL = (
    f"SELECT (SELECT MAX(published_at) FROM {_PAPERS} WHERE status = %s AND published_at <= %s), "  # noqa: S608
    f"(SELECT MIN(published_at) FROM {_PAPERS} WHERE status = %s AND published_at > %s)"
)


class _Known(NamedTuple):
    """The content version this process read last, and what it was read from."""

    heard: int | None  # content_listener.heard() before it was read
    newest: tuple  # the histories' newest records
    last: datetime | None  # the newest publication that had passed
    next: datetime | None  # the next one to come
    version: str
    last_modified: datetime | None


# Replaced whole, never changed in place: a thread sees the old or the new, not half.
_known = None


def content_version():
    """(version, last modified): an opaque string that changes with any change to the
    content, and the time of the latest change.

    No query while this process has heard of no change since it last read them
    (PostgreSQL, notesite/content_listener.py) and no scheduled note's time has come.
    Otherwise one query, NEWEST_SQL; and a second, PUBLICATION_SQL, when a history has a
    new record or a scheduled note has gone live (0.22 ms on PostgreSQL at 100,000 notes,
    where one query of both took 0.55 ms)."""
    global _known
    # Before the reads: a change heard while they run makes the next call read again.
    heard = content_listener.heard()
    known = _known
    now = timezone.now()
    went_live = known is not None and known.next is not None and known.next <= now
    if heard is not None and known is not None and known.heard == heard and not went_live:
        return known.version, known.last_modified
    with connection.cursor() as cursor:
        cursor.execute(NEWEST_SQL)
        newest = cursor.fetchone()
        if known is None or known.newest != newest or went_live:
            cursor.execute(PUBLICATION_SQL, [Paper.Status.PUBLISHED, now] * 2)
            last, upcoming = (_as_datetime(value) for value in cursor.fetchone())
        else:
            last, upcoming = known.last, known.next
    state = (CODE_VERSION, settings.DATABASES["default"]["NAME"], newest, last)
    version = hashlib.sha256(repr(state).encode()).hexdigest()[:24]
    records = [_as_datetime(record.split(" ", 1)[1]) for record in newest if record is not None]
    moments = [moment for moment in (*records, last) if moment is not None]
    last_modified = max(moments) if moments else None
    _known = _Known(heard, newest, last, upcoming, version, last_modified)
    return version, last_modified


def forget():
    """Drop the version this process read, and the pages it keeps (tests start each
    from an empty database)."""
    global _known
    _known = None
    _in_memory.clear()


class PagesInMemory:
    """The pages this process served last under one content version, newest used last,
    up to `limit` bytes of content. A page kept under another version is dropped with the
    first page of the new one, so a page served from here is never stale either.

    A page is kept as its status, headers and content, and served as a new response
    each time: the threads of a worker never share one response object, which each
    request's middleware changes."""

    def __init__(self):
        self._lock = threading.Lock()
        self.clear()

    def clear(self):
        with self._lock:
            self._version, self._pages, self._size = None, OrderedDict(), 0

    def get(self, version, key):
        with self._lock:
            page = self._pages.get(key) if version == self._version else None
            if page is None:
                return None
            self._pages.move_to_end(key)
        status, headers, content = page
        return HttpResponse(content, status=status, headers=headers)

    def put(self, version, key, response):
        content = response.content
        limit = settings.PAGE_CACHE_MEMORY_MB * 1024 * 1024
        if len(content) > limit:
            return
        with self._lock:
            if version != self._version:
                self._version, self._pages, self._size = version, OrderedDict(), 0
            old = self._pages.pop(key, None)
            if old is not None:
                self._size -= len(old[2])
            self._pages[key] = (response.status_code, dict(response.headers), content)
            self._size += len(content)
            while self._size > limit:
                _, (_, _, evicted) = self._pages.popitem(last=False)
                self._size -= len(evicted)

    def __len__(self):
        return len(self._pages)


_in_memory = PagesInMemory()


def _as_datetime(value):
    # Dates come back as text where the SQL made them so, and always on SQLite.
    if isinstance(value, str):
        parsed = parse_datetime(value)
        if parsed is None:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return value


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        # The content version this process read last: its pages can still be served
        # while the database cannot be reached.
        self.last_version = None

    def __call__(self, request):
        if not self._for_anonymous_reader(request):
            response = self.get_response(request)
            if request.user.is_authenticated:
                patch_cache_control(response, private=True, no_store=True)
            return response

        try:
            version, last_modified = content_version()
        except DATABASE_UNAVAILABLE:
            # The database is down: a page kept under the last version seen here is
            # still worth reading. Without one, the error becomes the 503 page.
            kept = caches["pages"].get(self._key(self.last_version, request)) if self.last_version else None
            if kept is None:
                raise
            kept["Cache-Control"] = "no-store"
            return kept
        self.last_version = version
        request.content_version = version  # the page's own reads need not ask again
        etag = f'W/"{version}"'
        if self._unchanged(request, etag, last_modified):
            response = HttpResponseNotModified()
        else:
            key = self._key(version, request)
            response = _in_memory.get(version, key)
            if response is None:
                response = caches["pages"].get(key)
                if response is None:
                    response = self.get_response(request)
                    if self._keepable(response):
                        caches["pages"].set(key, response)
                        _in_memory.put(version, key, response)
                else:
                    _in_memory.put(version, key, response)
        if response.status_code in (200, 304) and not response.has_header("Cache-Control"):
            response["ETag"] = etag
            if last_modified:
                response["Last-Modified"] = http_date(last_modified.timestamp())
            patch_cache_control(
                response,
                public=True,
                max_age=0,
                s_maxage=settings.PAGE_CACHE_SHARED_SECONDS,
                stale_while_revalidate=settings.PAGE_CACHE_STALE_SECONDS,
            )
        return response

    @staticmethod
    def _key(version, request):
        return f"page:{version}:{hashlib.sha256(request.get_full_path().encode()).hexdigest()}"

    @staticmethod
    def _for_anonymous_reader(request):
        return (
            settings.PAGE_CACHE_ENABLED
            and request.method in ("GET", "HEAD")
            and not request.path.startswith(admin_path())
            and not request.user.is_authenticated
        )

    @staticmethod
    def _unchanged(request, etag, last_modified):
        if_none_match = request.headers.get("If-None-Match")
        if if_none_match is not None:
            return etag in [tag.strip() for tag in if_none_match.split(",")] or if_none_match.strip() == "*"
        since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
        return since is not None and last_modified is not None and int(last_modified.timestamp()) <= since

    @staticmethod
    def _keepable(response):
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "private" not in cache_control
            and "no-store" not in cache_control
        )
