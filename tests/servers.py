"""Real servers for the deployment tests: gunicorn with the project's own gunicorn.conf.py,
a TCP proxy that can cut a database off and bring it back, and a tiny HTTP client that
neither follows redirects nor drops cookies marked Secure."""

import contextlib
import http.client
import os
import re
import selectors
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
# The site's own variables are not inherited from the test run: each server gets exactly
# what a test gives it.
OURS = ("DJANGO_", "DATABASE_URL", "CACHE_URL", "PAGE_CACHE_", "GUNICORN_", "PORT")
SECRET_KEY = "a-long-random-string-used-only-by-the-deployment-tests-0123456789"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_env(**env):
    """A production environment (DJANGO_DEBUG off) for a server on this machine, over
    plain HTTP: `env` adds or overrides."""
    clean = {key: value for key, value in os.environ.items() if not key.startswith(OURS)}
    return {
        **clean,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_THREADS": "2",
        **env,
    }


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log_path: Path

    def log(self):
        return self.log_path.read_text(errors="replace")


@contextlib.contextmanager
def gunicorn(tmp_path, env, app="notesite.wsgi", ready_path="/healthz"):
    """gunicorn with gunicorn.conf.py on a free port, ready when `ready_path` answers."""
    port = free_port()
    log_path = tmp_path / f"gunicorn-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", app],
            cwd=ROOT,
            env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = Server(f"http://127.0.0.1:{port}", process, log_path)
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{server.log()}")
            with contextlib.suppress(OSError):
                if request(server.url + ready_path, timeout=2).status < 500:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer in 30 s:\n{server.log()}")
            time.sleep(0.1)
        yield server
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=35)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: str
    seconds: float


def request(url, method="GET", data=None, headers=None, timeout=10):
    """One HTTP request; no redirects followed."""
    match = re.fullmatch(r"http://([^/:]+):(\d+)(/.*)", url)
    host, port, path = match.group(1), int(match.group(2)), match.group(3)
    body = urlencode(data, doseq=True) if data is not None else None
    headers = dict(headers or {})
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    started = time.monotonic()
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers)
        answer = connection.getresponse()
        text = answer.read().decode(errors="replace")
    finally:
        connection.close()
    return Response(answer.status, answer.headers, text, time.monotonic() - started)


@dataclass
class Browser:
    """Keeps the cookies a site sets (all of them: the tests talk plain HTTP)."""

    cookies: dict = field(default_factory=dict)

    def request(self, url, method="GET", data=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        response = request(url, method, data, headers)
        for set_cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = set_cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response

    def sign_in(self, base_url, username, password):
        form = self.request(base_url + "/admin/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.body).group(1)
        return self.request(
            base_url + "/admin/login/",
            "POST",
            {"csrfmiddlewaretoken": token, "username": username, "password": password, "next": "/admin/"},
        )

    def csrf_token(self):
        return self.cookies["csrftoken"]


class TcpProxy:
    """Forwards 127.0.0.1:port to a target address until `stop()`, which also cuts every
    open connection, as a database server going away would. `start()` again on the same
    port brings it back."""

    def __init__(self, target_host, target_port):
        self.target = (target_host, target_port)
        self.port = free_port()
        self._listener = None
        self._thread = None
        self._open = []
        self._lock = threading.Lock()

    def start(self):
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", self.port))
        self._listener.listen(16)
        self._thread = threading.Thread(target=self._accept, args=(self._listener,), daemon=True)
        self._thread.start()

    def stop(self):
        # shutdown() wakes the thread blocked in accept(); close() alone would not.
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            self._listener.close()
        with self._lock:
            for sock in self._open:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                    sock.close()
            self._open.clear()
        self._thread.join(timeout=5)

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._open += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    @staticmethod
    def _pump(one, other):
        selector = selectors.DefaultSelector()
        selector.register(one, selectors.EVENT_READ, other)
        selector.register(other, selectors.EVENT_READ, one)
        try:
            while True:
                for key, _ in selector.select(timeout=1):
                    data = key.fileobj.recv(65536)
                    if not data:
                        return
                    key.data.sendall(data)
        except (OSError, ValueError):
            return
        finally:
            selector.close()
            for sock in (one, other):
                with contextlib.suppress(OSError):
                    sock.close()
