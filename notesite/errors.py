"""The error pages: in the site's look, without tracebacks, and without the database.

A request that fails because the database cannot be reached (stopped, restarting,
unreachable, or not migrated yet) gets `503 Service Unavailable` with `Retry-After`
and a page saying so, rather than a 500: the reader can try again in a moment, and a
load balancer or CDN knows the failure is temporary. Django hands every uncaught
exception, from a view or a middleware (the page cache reads the database first), to
`server_error` while the exception is being handled, so it can tell which it was.
"""

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader

# OperationalError: refused or dropped connections, timeouts, a locked or missing SQLite
# file, a table not created yet. InterfaceError: a connection already closed.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


def database_unavailable_response():
    """503 with Retry-After and the friendly page; rendered without a request, so
    without any context processor that could reach for the database."""
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(settings.DATABASE_RETRY_AFTER_SECONDS)
    # Neither a browser nor a CDN should keep the outage once it is over.
    response["Cache-Control"] = "no-store"
    return response


def server_error(request):
    """handler500: 503 when the database is unavailable, else the plain 500 page."""
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return database_unavailable_response()
    return HttpResponseServerError(loader.render_to_string("500.html"))


def login_locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a sign-in while the account is locked: 429 with the page
    and Retry-After."""
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": max(1, seconds // 60)}
    response = HttpResponse(loader.render_to_string("locked_out.html", context), status=429)
    response["Retry-After"] = str(seconds)
    return response
