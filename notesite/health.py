"""Probes for load balancers and orchestrators.

- `/healthz`: the process is up and answering. It touches nothing else, so a database
  outage never gets healthy web containers restarted.
- `/readyz`: this instance can serve pages: a fresh query reaches the database, and
  every migration the code has is applied there. Take the instance out of rotation
  while it answers 503.

Both are answered by a middleware near the top of the stack, before anything that checks
the Host header (probes come by IP address or "localhost", not the site's name), reads
a session or serves a cached page. They answer over plain HTTP too: the TLS redirect
exempts them (SECURE_REDIRECT_EXEMPT), as probes talk to the container directly.
"""

import functools
import logging

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.http import HttpResponseNotAllowed, JsonResponse

logger = logging.getLogger(__name__)

HEALTHZ_PATH = "/healthz"
READYZ_PATH = "/readyz"


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.probes = {HEALTHZ_PATH: healthz, READYZ_PATH: readyz}

    def __call__(self, request):
        probe = self.probes.get(request.path_info)
        if probe is None:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        response = probe()
        response["Cache-Control"] = "no-store"
        return response


def healthz():
    return JsonResponse({"status": "ok"})


def readyz():
    try:
        connection = connections[DEFAULT_DB_ALIAS]
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        missing = unapplied_migrations(connection)
    except DatabaseError as error:
        logger.warning("Not ready: the database cannot be reached: %s", error)
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    if missing:
        return JsonResponse(
            {"status": "unavailable", "database": "ok", "unapplied_migrations": len(missing)}, status=503
        )
    return JsonResponse({"status": "ok", "database": "ok", "unapplied_migrations": 0})


@functools.cache
def known_migrations():
    """Every migration in the code: read from disk once per process (the code does not
    change under a running process)."""
    return frozenset(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)


def unapplied_migrations(connection):
    """The code's migrations the database has not recorded as applied: one query."""
    applied = MigrationRecorder(connection).applied_migrations()
    return sorted(known_migrations() - set(applied))
