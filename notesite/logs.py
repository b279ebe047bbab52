"""Logs as one JSON object a line on stdout, each carrying the id of the request it
belongs to.

The id comes from the load balancer's `X-Request-ID` when it sends a sensible one (so a
request can be followed from the proxy's log into ours), or is made here; it is sent
back in the response's `X-Request-ID`, so a reader reporting an error can quote it.
"""

import contextvars
import json
import logging
import re
import uuid
from datetime import UTC, datetime

request_id_var = contextvars.ContextVar("request_id", default="")

# Letters, digits and a few separators, not too long: anything else from outside is
# replaced, so a header cannot forge log lines or bloat them.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request_id = given if VALID_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record: the current request's, or "" outside one.

    Django logs a response of 4xx or 5xx after the middleware has returned, passing the
    request along: its id is taken from there."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            request = getattr(record, "request", None)
            record.request_id = getattr(request, "request_id", "") or request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request id, and the
    traceback when there is one. Django's request log adds the status code."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or request_id_var.get(),
        }
        status_code = getattr(record, "status_code", None)
        if status_code is not None:
            entry["status"] = status_code
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "method"):
            entry["method"] = request.method
            entry["path"] = request.path
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
