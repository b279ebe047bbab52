"""A WSGI app that takes as long as asked (`/?seconds=1.5`), for the graceful-stop test,
or tells how many objects the garbage collector keeps frozen (`/?frozen`): it runs under
the project's own gunicorn.conf.py, as the site does."""

import gc
import time
from urllib.parse import parse_qs


def application(environ, start_response):
    if parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True).keys() == {"frozen"}:
        body = f"frozen {gc.get_freeze_count()}".encode()
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
        return [body]
    seconds = float(parse_qs(environ.get("QUERY_STRING", "")).get("seconds", ["0"])[0])
    time.sleep(min(seconds, 10))
    body = f"finished after {seconds} s".encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
