"""On PostgreSQL, each process hears when the content changes, so a cached page costs no query.

Migration papers/0014 makes every new historical record notify CHANNEL when its
transaction commits. Each process keeps one connection listening, in a thread of its
own, started by the first request that asks. `heard()` is a number that goes up with
every notification, and with every loss of that connection (changes made while it was
down were not heard); it is None while nothing listens: on SQLite, with
PAGE_CACHE_LISTEN off, before the thread has started listening and while its connection
is down. notesite/page_cache.py reads the content version again whenever the number
moves or is None.

A notification reaches the other processes within milliseconds of the commit; a page
asked for in between is the one made before the change.
"""

import logging
import os
import threading

import psycopg
from django.conf import settings
from django.db import connections

CHANNEL = "paper_notes_content"  # as in papers/migrations/0014_content_notifications.py
# How long the thread waits for a notification before it checks its connection and
# whether it should stop.
WAKE_SECONDS = 1.0
RETRY_SECONDS = 2.0

logger = logging.getLogger(__name__)


class ContentListener(threading.Thread):
    def __init__(self):
        super().__init__(name="content-listener", daemon=True)
        self.pid = os.getpid()
        self.count = 0
        self.listening = False
        self._stopping = threading.Event()
        self._connection = None
        self._failing = False

    def heard(self):
        return self.count if self.listening else None

    def run(self):
        while not self._stopping.is_set():
            try:
                self._listen()
            except psycopg.Error as error:
                # Once per outage, not every few seconds while the database is down.
                if not self._failing:
                    logger.warning(
                        "Not hearing content changes (%s); trying every %s s", error, RETRY_SECONDS
                    )
                self._failing = True
            finally:
                # Whatever changed while nobody listened must be read, not assumed.
                self.listening = False
                self.count += 1
                if self._connection is not None:
                    self._connection.close()
                    self._connection = None
            self._stopping.wait(RETRY_SECONDS)

    def _listen(self):
        params = connections["default"].get_connection_params()
        self._connection = psycopg.connect(**params, autocommit=True)
        self._connection.execute(f"LISTEN {CHANNEL}")
        self.listening = True
        if self._failing:
            logger.info("Hearing content changes again")
            self._failing = False
        while not self._stopping.is_set():
            for _notification in self._connection.notifies(timeout=WAKE_SECONDS):
                self.count += 1
            # notifies() does not notice a connection that died quietly; a query does.
            self._connection.execute("SELECT 1")

    def stop(self):
        self._stopping.set()
        self.join()


_listener = None
_starting = threading.Lock()


def heard():
    """How many changes this process has heard of, or None when it cannot hear them."""
    if not settings.PAGE_CACHE_LISTEN or connections["default"].vendor != "postgresql":
        return None
    return _current().heard()


def _current():
    global _listener
    listener = _listener
    # A forked worker inherits the variable, not the thread.
    if listener is None or listener.pid != os.getpid():
        with _starting:
            if _listener is None or _listener.pid != os.getpid():
                _listener = ContentListener()
                _listener.start()
            listener = _listener
    return listener


def stop():
    """Stop this process's listener, if it runs (tests: its connection holds the test database)."""
    global _listener
    with _starting:
        if _listener is not None and _listener.pid == os.getpid():
            _listener.stop()
        _listener = None
