"""The load benchmark: the site served by gunicorn with production settings, on SQLite
and on PostgreSQL, at 1,000, 10,000 and 100,000 notes. See docs/performance.md.

    python bench/run.py                       # everything: about 50 minutes on 2 cores
    python bench/run.py --quick               # a smoke run: 1,000 notes, SQLite, a minute or two
    python bench/run.py --databases sqlite --sizes 1000,10000 --duration 10

For each database and size it builds a fresh site in a throwaway database (migrate,
`load_demo --papers N`, timed; on PostgreSQL then VACUUM ANALYZE, as autovacuum would),
gathers the static files into a temporary folder, and starts gunicorn twice with
`-c gunicorn.conf.py notesite.wsgi` (GUNICORN_WORKERS, GUNICORN_THREADS and the rest
are read from the environment as in production): once with the page cache off, so that
every request makes its page, and once with it on, warmed first. Against each it drives
load at each kind of page, cycling through several different paths of that kind, and
at a small static file served by whitenoise, in the same run:

- alone: one reader, a request at a time on one connection, from a loop in this script
  (whichever the driver), for `--alone-duration` seconds and at least 10 answers. Its
  latencies are the server's time per page plus the loopback (well under a
  millisecond): the budgets on page time are read from these.
- loaded: `--connections` connections from `--threads` driver threads. Requests per
  second, latencies under load, errors (answers of 400 and above, and socket errors:
  connect, read, write, timeout).

Then it reads the memory of each worker, and, with the page cache on, times edit →
live: a second process saves a note (`paper.save()`) while this one polls the note and
its venue×area page over HTTP until the new title shows.

Load comes from wrk when it is installed (`apt-get install wrk`), else from a small
driver in Python here (`--driver python`), which is slower and says so. Figures are
printed as tables, and kept with the machine's details in bench/out/ as JSON.
"""

import argparse
import contextlib
import http.client
import json
import multiprocessing
import os
import platform
import re
import runpy
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/bench_run"

# Kinds of page, in the order they are driven and printed. "static" is the reference:
# a small file served by whitenoise from the same processes.
KINDS = ["static", "home", "venue", "venue×area", "note", "area", "topic", "list", "search"]
# The static file is driven first and again last in each run ("static, end"), and pages
# are compared with the mean of the two: load from elsewhere on the machine drifts.
STATIC_END = "static, end"
ORDER = ["static", STATIC_END, *KINDS[1:]]
BUILD_BUDGET_SECONDS = 120  # load_demo --papers 100000
BUDGET_SIZE = 100_000  # the size the design's page budgets are set for
CACHED_SHARE_BUDGET = 0.5  # a cached page: at least half the static file's throughput
EDIT_BUDGET_SECONDS = 1.0
# The lone reader goes on past its duration until it has this many answers, for at most
# this many seconds: a page that takes seconds still gets a p50.
ALONE_MIN_REQUESTS = 10
ALONE_MAX_SECONDS = 60


# The design's budgets on a page made fresh (page cache off), in milliseconds: which
# percentile of the server's time, and its limit. Search has its own, on p95.
UNCACHED_BUDGETS = {
    "venue×area": ("p50", 25),
    "home": ("p50", 50),
    "venue": ("p50", 50),
    "note": ("p50", 50),
    "area": ("p50", 50),
    "topic": ("p50", 50),
    "list": ("p50", 50),
    "search": ("p95", 50),
}


@dataclass
class Measurement:
    """What a load driver saw in one run against one kind of page."""

    requests: int
    seconds: float
    p50: float  # milliseconds
    p95: float
    p99: float
    max: float
    errors: dict = field(default_factory=dict)  # connect, read, write, timeout, status

    @property
    def rps(self):
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def error_count(self):
        return sum(self.errors.values())


@dataclass
class PageResult:
    kind: str
    cached: bool
    paths: int
    alone: Measurement
    loaded: Measurement


@dataclass
class SiteResult:
    database: str
    papers: int
    build_seconds: float
    vacuum_seconds: float | None = None
    pages: list = field(default_factory=list)  # PageResult
    # page cache "off"/"on": {"end": [each worker's memory], "largest": one worker's}
    memory: dict = field(default_factory=dict)
    edits: list = field(default_factory=list)  # seconds from save to live, per page polled
    server_errors: dict = field(default_factory=dict)  # page cache "off"/"on": error lines logged
    in_process: str = ""
    load_average: tuple = ()  # of the machine, when this site's measurements began
    cpu_check_ms: float = 0.0  # the fixed loop of cpu_check(), then


# Pure parts: reading the drivers' output, percentiles, budgets, tables.


def percentile(values, q):
    """The q-th percentile (0–100) of `values`, interpolated between the two nearest ranks."""
    if not values:
        return 0.0
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


WRK_MARKER = "BENCH-RESULT "


def wrk_script(paths):
    """A wrk Lua script that cycles through `paths`, each thread from its own offset, and
    prints its figures as one JSON line at the end."""
    quoted = ", ".join(json.dumps(path, ensure_ascii=True) for path in paths)
    return f"""\
local paths = {{{quoted}}}
local threads = 0

function setup(thread)
  thread:set("offset", threads * 7)
  threads = threads + 1
end

function init(args)
  counter = offset or 0
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[counter % #paths + 1])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{WRK_MARKER}{{"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, '
    .. '"max_us": %d, "connect": %d, "read": %d, "write": %d, "timeout": %d, "status": %d}}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.timeout, e.status))
end
"""


def parse_wrk(output):
    """The Measurement in wrk's output, from the line our script's done() prints."""
    for line in output.splitlines():
        if line.startswith(WRK_MARKER):
            figures = json.loads(line.removeprefix(WRK_MARKER))
            break
    else:
        raise ValueError(f"no {WRK_MARKER.strip()} line in wrk's output:\n{output}")
    return Measurement(
        requests=figures["requests"],
        seconds=figures["duration_us"] / 1e6,
        p50=figures["p50_us"] / 1000,
        p95=figures["p95_us"] / 1000,
        p99=figures["p99_us"] / 1000,
        max=figures["max_us"] / 1000,
        errors={name: figures[name] for name in ("connect", "read", "write", "timeout", "status")},
    )


def parse_smaps_rollup(text):
    """RSS, PSS and USS (private pages) in KiB from /proc/<pid>/smaps_rollup."""
    fields = {}
    for line in text.splitlines():
        name, _, rest = line.partition(":")
        parts = rest.split()
        if len(parts) == 2 and parts[1] == "kB":
            fields[name.strip()] = int(parts[0])
    return {
        "rss_kib": fields.get("Rss"),
        "pss_kib": fields.get("Pss"),
        "uss_kib": fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)
        if "Private_Clean" in fields
        else None,
    }


def uncached_verdict(kind, alone):
    """(the budget, as text; met?) for a page made fresh, from its lone-reader times;
    (None, None) for a kind without one."""
    if kind not in UNCACHED_BUDGETS:
        return None, None
    statistic, limit = UNCACHED_BUDGETS[kind]
    # No answer at all is no time within the budget.
    return f"{statistic} ≤ {limit} ms", alone.requests > 0 and getattr(alone, statistic) <= limit


def cached_verdict(kind, share):
    """(the budget, as text; met?) for a cached page's throughput as a share of the
    static file's."""
    if kind in ("static", STATIC_END):
        return None, None
    return f"≥ {CACHED_SHARE_BUDGET:.0%} of static", share >= CACHED_SHARE_BUDGET


def mark(met):
    return "" if met is None else ("met" if met else "MISSED")


def static_share(results, result):
    """A page's throughput under load as a share of the static file's (the mean of its
    runs), in the same run of the server."""
    static = [
        other.loaded.rps
        for other in results
        if other.kind in ("static", STATIC_END) and other.cached == result.cached
    ]
    if not static or not sum(static):
        return 0.0
    return result.loaded.rps / (sum(static) / len(static))


def ms(measurement, statistic, width=8):
    """A latency for a table: "—" when not a single answer came."""
    if not measurement.requests:
        return f"{'—':>{width}}"
    return f"{getattr(measurement, statistic):{width - 2}.1f}ms"


def site_table(site):
    """The table of one database at one size."""
    header = (
        f"{'page':<11} {'cache':<5} {'rps':>8} {'÷static':>7} {'p50':>8} {'p95':>8} {'p99':>8} "
        f"{'errors':>6} │ {'alone n':>7} {'p50':>8} {'p95':>8} {'p99':>8} │ budget"
    )
    lines = [header, "─" * len(header)]
    for result in sorted(site.pages, key=lambda r: (ORDER.index(r.kind), r.cached)):
        share = static_share(site.pages, result)
        loaded, alone = result.loaded, result.alone
        if result.cached:
            budget, met = cached_verdict(result.kind, share)
        else:
            budget, met = uncached_verdict(result.kind, alone)
        errors = loaded.error_count + alone.error_count
        verdict = f"{budget}: {mark(met)}" if budget else ""
        if errors:
            verdict = f"{verdict}; errors: MISSED".lstrip("; ")
        lines.append(
            f"{result.kind:<11} {'on' if result.cached else 'off':<5} {loaded.rps:8.1f} {share:7.2f} "
            f"{ms(loaded, 'p50')} {ms(loaded, 'p95')} {ms(loaded, 'p99')} {errors:>6} │ "
            f"{alone.requests:>7} {ms(alone, 'p50')} {ms(alone, 'p95')} {ms(alone, 'p99')} │ {verdict}"
        )
    return "\n".join(line.rstrip() for line in lines)


def growth_table(sites, database):
    """Uncached p50 (one reader) of each kind of page, across the sizes measured on one
    database, with the budget marked at the largest size."""
    measured = sorted((site for site in sites if site.database == database), key=lambda s: s.papers)
    if not measured:
        return ""
    sizes = [site.papers for site in measured]
    header = f"{'page':<11}" + "".join(f"{size:>11,}" for size in sizes) + "   budget at the largest size"
    lines = [header, "─" * len(header)]
    for kind in ORDER:
        if not any(r.kind == kind for site in measured for r in site.pages):
            continue
        row = []
        last = None
        for site in measured:
            result = next((r for r in site.pages if r.kind == kind and not r.cached), None)
            row.append(ms(result.alone, "p50", width=11) if result else f"{'—':>11}")
            last = result or last
        budget, met = uncached_verdict(kind, last.alone) if last else (None, None)
        lines.append(f"{kind:<11}" + "".join(row) + (f"   {budget}: {mark(met)}" if budget else ""))
    return "\n".join(lines)


def largest_worker(readings):
    """The reading of the worker holding the most memory of its own (USS, else RSS)."""
    return max(readings, key=lambda worker: worker.get("uss_kib") or worker.get("rss_kib") or 0, default=None)


def memory_table(site):
    """Each worker at the end, then the largest seen after any page's run: workers are
    replaced after GUNICORN_MAX_REQUESTS requests, so those at the end may be young."""
    lines = []
    for mode, memory in site.memory.items():
        labelled = [("at the end", worker) for worker in memory["end"]]
        labelled.append(("largest seen", memory["largest"]))
        for label, worker in labelled:
            if worker is None:
                continue
            figures = "  ".join(
                f"{name} {worker[key] / 1024:6.1f} MiB"
                for name, key in (("RSS", "rss_kib"), ("PSS", "pss_kib"), ("USS", "uss_kib"))
                if worker.get(key) is not None
            )
            after = f", after {worker['after']}" if label == "largest seen" else ""
            lines.append(
                f"  page cache {mode:<3}  {label:<12}  worker {worker['pid']:>7}, "
                f"up {worker['age_seconds']:5.0f} s{after}:  {figures}"
            )
    return "\n".join(lines)


def budget_summary(sites):
    """One line per budget: what was measured and whether it was met."""
    lines = []
    for database in dict.fromkeys(site.database for site in sites):
        largest = max((site for site in sites if site.database == database), key=lambda s: s.papers)
        scope = f"{database}, {largest.papers:,} notes"
        if largest.papers != BUDGET_SIZE:
            scope += f" (the budgets are set for {BUDGET_SIZE:,})"
        for result in sorted(largest.pages, key=lambda r: (r.cached, ORDER.index(r.kind))):
            if result.cached:
                share = static_share(largest.pages, result)
                budget, met = cached_verdict(result.kind, share)
                seen = f"{share:.0%} ({result.loaded.rps:,.0f} rps)"
            else:
                budget, met = uncached_verdict(result.kind, result.alone)
                seen = f"{getattr(result.alone, budget.split()[0]):.1f} ms" if budget else ""
            if budget:
                state = "cached" if result.cached else "uncached"
                lines.append(f"{mark(met):<6}  {scope}: {result.kind} {state} {budget}: {seen}")
        errors = sum(
            r.loaded.error_count + r.alone.error_count
            for s in sites
            for r in s.pages
            if s.database == database
        )
        lines.append(f"{mark(errors == 0):<6}  {database}: errors, every size: {errors}")
        if largest.edits:
            slowest = max(largest.edits)
            lines.append(
                f"{mark(slowest <= EDIT_BUDGET_SECONDS):<6}  {scope}: "
                f"edit → live ≤ {EDIT_BUDGET_SECONDS:.0f} s: "
                f"slowest {slowest * 1000:.0f} ms of {len(largest.edits)}"
            )
        built = next(
            (site for site in sites if site.database == database and site.papers == BUDGET_SIZE), None
        )
        if built:
            lines.append(
                f"{mark(built.build_seconds <= BUILD_BUDGET_SECONDS):<6}  {database}: load_demo --papers "
                f"{BUDGET_SIZE} ≤ {BUILD_BUDGET_SECONDS} s: {built.build_seconds:.1f} s"
            )
    return "\n".join(lines)


# Load drivers.


class WrkDriver:
    name = "wrk"

    def __init__(self, workdir):
        self.workdir = workdir

    def run(self, base_url, paths, *, connections, threads, duration, timeout):
        script = self.workdir / "paths.lua"
        script.write_text(wrk_script(paths))
        command = [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{duration}s",
            f"--timeout={timeout}s",
            f"-s{script}",
            base_url,
        ]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode:
            raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")
        return parse_wrk(result.stdout)


class PythonDriver:
    """One process per connection, each sending requests one after another on a kept-alive
    connection. It costs more CPU per request than wrk, on the machine under test."""

    name = "python (wrk not found)"

    def run(self, base_url, paths, *, connections, threads, duration, timeout):
        address = urlsplit(base_url)
        jobs = [
            (address.hostname, address.port, paths, index * 7, duration, timeout, 0, duration)
            for index in range(connections)
        ]
        with multiprocessing.get_context("fork").Pool(connections) as pool:
            outcomes = pool.map(_drive_one_connection, jobs)
        return _measurement(outcomes)


def drive_alone(base_url, paths, *, duration, timeout, min_requests, max_seconds):
    """One reader: a request at a time on one kept-alive connection, for `duration`
    seconds and at least `min_requests` requests (a slow page needs more than the
    duration to give a few figures), but never more than `max_seconds`."""
    address = urlsplit(base_url)
    job = (address.hostname, address.port, paths, 0, duration, timeout, min_requests, max_seconds)
    return _measurement([_drive_one_connection(job)])


def _measurement(outcomes):
    """One Measurement from the (latencies, errors, seconds) of connections driven at once."""
    latencies = [latency for outcome in outcomes for latency in outcome[0]]
    return Measurement(
        requests=len(latencies),
        seconds=max(outcome[2] for outcome in outcomes),
        p50=percentile(latencies, 50),
        p95=percentile(latencies, 95),
        p99=percentile(latencies, 99),
        max=max(latencies, default=0.0),
        errors={name: sum(outcome[1][name] for outcome in outcomes) for name in _ERROR_KINDS},
    )


_ERROR_KINDS = ("connect", "read", "write", "timeout", "status")


def _drive_one_connection(job):
    host, port, paths, offset, duration, timeout, min_requests, max_seconds = job
    latencies, errors = [], dict.fromkeys(_ERROR_KINDS, 0)
    connection = None
    index = offset
    begun = time.perf_counter()
    while True:
        elapsed = time.perf_counter() - begun
        if elapsed >= max_seconds or (elapsed >= duration and len(latencies) >= min_requests):
            break
        path = paths[index % len(paths)]
        index += 1
        try:
            if connection is None:
                connection = http.client.HTTPConnection(host, port, timeout=timeout)
                connection.connect()
            started = time.perf_counter()
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            latencies.append((time.perf_counter() - started) * 1000)
            if response.status >= 400:
                errors["status"] += 1
        except TimeoutError:
            errors["timeout"] += 1
            connection = _closed(connection)
        except ConnectionRefusedError:
            errors["connect"] += 1
            connection = _closed(connection)
            time.sleep(0.01)
        except (OSError, http.client.HTTPException):
            errors["read"] += 1
            connection = _closed(connection)
    _closed(connection)
    return latencies, errors, time.perf_counter() - begun


def _closed(connection):
    if connection is not None:
        connection.close()


# The site under test.


def child_env(**values):
    """The environment of the site's processes: ours, without the site's own variables
    (so that nothing set in this shell leaks in), plus `values`. GUNICORN_* pass through."""
    ours = ("DJANGO_", "DATABASE_URL", "CACHE_URL", "PAGE_CACHE_")
    env = {key: value for key, value in os.environ.items() if not key.startswith(ours)}
    env.update({key: str(value) for key, value in values.items() if value is not None})
    return env


def manage(env, *args):
    started = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)
    return time.perf_counter() - started


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url, timeout=30):
    """(status, body) of a GET."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - our own server
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


class Gunicorn:
    """gunicorn with the project's config, started and stopped by us."""

    def __init__(self, env, workdir, label):
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.env = {**env, "GUNICORN_BIND": f"127.0.0.1:{self.port}"}
        self.log_path = workdir / f"gunicorn-{label}.log"
        # Its own control socket: gunicorn's default is one path per user, which any
        # other gunicorn on the machine would share.
        self.control_socket = workdir / f"gunicorn-{label}.ctl"
        self.process = None

    def __enter__(self):
        log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "gunicorn.conf.py",
                "--control-socket",
                str(self.control_socket),
                "notesite.wsgi",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start:\n{self.log_tail()}")
            with contextlib.suppress(OSError):
                fetch(f"{self.base_url}/robots.txt", timeout=5)
                if len(self.worker_pids()) >= self.settings()["workers"]:
                    return self
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within 60 s:\n{self.log_tail()}")

    def __exit__(self, *exc_info):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def settings(self):
        """workers, threads and worker class, read from gunicorn.conf.py with our environment."""
        saved = dict(os.environ)
        try:
            os.environ.update(self.env)
            config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
        finally:
            os.environ.clear()
            os.environ.update(saved)
        return {
            "workers": config["workers"],
            "threads": config["threads"],
            "worker_class": config["worker_class"],
        }

    def worker_pids(self):
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError):
                # The parent's pid is the 4th field, after the name in parentheses.
                if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == self.process.pid:
                    pids.append(int(stat.parent.name))
        return sorted(pids)

    def wait_until_idle(self, timeout=60):
        """Wait until the workers stop using CPU: requests a driver left in flight when it
        stopped are done. gunicorn's own timeout (30 s) bounds how long that can take."""
        deadline = time.monotonic() + timeout
        before = self.cpu_ticks()
        while time.monotonic() < deadline:
            time.sleep(0.3)
            now = self.cpu_ticks()
            if 0 <= now - before <= 2:  # 20 ms of CPU in 300 ms, at 100 ticks a second
                return
            before = now

    def cpu_ticks(self):
        """CPU time used so far by the workers (user and system), in clock ticks."""
        total = 0
        for pid in self.worker_pids():
            with contextlib.suppress(OSError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])  # utime and stime
        return total

    def worker_memory(self):
        workers = []
        for pid in self.worker_pids():
            try:
                memory = parse_smaps_rollup(Path(f"/proc/{pid}/smaps_rollup").read_text())
            except OSError:
                status = Path(f"/proc/{pid}/status").read_text()
                rss = re.search(r"VmRSS:\s+(\d+) kB", status)
                memory = {"rss_kib": int(rss.group(1)) if rss else None}
            workers.append({"pid": pid, "age_seconds": process_age(pid), **memory})
        return workers

    def logged_errors(self):
        text = self.log_path.read_text(errors="replace")
        return sum(
            1
            for line in text.splitlines()
            if "[ERROR]" in line or "[CRITICAL]" in line or "Traceback" in line
        )

    def log_tail(self, lines=30):
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def process_age(pid):
    """Seconds since the process started. A worker is replaced after GUNICORN_MAX_REQUESTS
    requests: a young one has had little time to grow."""
    started_ticks = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19])
    uptime = float(Path("/proc/uptime").read_text().split()[0])
    return round(uptime - started_ticks / os.sysconf("SC_CLK_TCK"), 1)


class Postgres:
    """The throwaway PostgreSQL database: dropped and created afresh for each size."""

    def __init__(self, url):
        self.url = url
        self.name = urlsplit(url).path.lstrip("/")
        if not self.name.startswith("bench_"):
            raise SystemExit(
                "The PostgreSQL database is dropped and made afresh: "
                f"its name must start with bench_, not {self.name!r}."
            )
        self.maintenance_url = urlsplit(url)._replace(path="/postgres").geturl()

    def reachable(self):
        """(True, server version) or (False, why)."""
        import psycopg

        try:
            with psycopg.connect(self.maintenance_url, connect_timeout=3) as connection:
                return True, connection.execute("SHOW server_version").fetchone()[0]
        except psycopg.Error as error:
            return False, str(error).strip().splitlines()[0]

    def recreate(self):
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self._admin(f'CREATE DATABASE "{self.name}"')

    def drop(self):
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def vacuum_analyze(self):
        import psycopg

        started = time.perf_counter()
        with psycopg.connect(self.url, autocommit=True) as connection:
            connection.execute("VACUUM ANALYZE")
        return time.perf_counter() - started

    def _admin(self, statement):
        import psycopg

        with psycopg.connect(self.maintenance_url, autocommit=True) as connection:
            connection.execute(statement)


# The measurements.


def measure_site(database, papers, options, driver, workdir, postgres):
    """Build a site of `papers` notes on `database`, serve it, drive load at it."""
    folder = workdir / f"{database}-{papers}"
    folder.mkdir()
    if database == "sqlite":
        database_url = f"sqlite:///{folder / 'db.sqlite3'}"
    else:
        postgres.recreate()
        database_url = postgres.url
    env = child_env(
        DJANGO_DEBUG=0,
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        # Plain HTTP on the loopback, as behind a TLS proxy: no redirect to https.
        DJANGO_SECURE_SSL_REDIRECT=0,
        DATABASE_URL=database_url,
        DJANGO_STATIC_ROOT=folder / "static",
        CACHE_URL=options.cache_url,
        # The page cache's folder of files goes under the system's temporary directory:
        # one of our own, so that no other run on this machine shares it.
        TMPDIR=folder,
    )
    say(f"\n== {database}, {papers:,} notes")
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    build_seconds = manage(env, "load_demo", "--papers", str(papers))
    say(f"load_demo --papers {papers}: {build_seconds:.1f} s (the whole command)")
    site = SiteResult(
        database=database,
        papers=papers,
        build_seconds=build_seconds,
        load_average=os.getloadavg(),
        cpu_check_ms=cpu_check(),
    )
    if database == "postgresql":
        site.vacuum_seconds = postgres.vacuum_analyze()
        say(f"VACUUM ANALYZE: {site.vacuum_seconds:.1f} s")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    paths = site_paths(env, folder / "static", options.samples)
    kinds = [kind for kind in KINDS if kind in options.pages and kind in paths]

    for cached in (False, True):
        mode = "on" if cached else "off"
        with Gunicorn(
            {**env, "PAGE_CACHE_ENABLED": "1" if cached else "0"}, folder, f"cache-{mode}"
        ) as server:
            if not site.pages:
                say(
                    "gunicorn: {workers} workers × {threads} threads ({worker_class})".format(
                        **server.settings()
                    )
                )
            # Cached: every page made once, to fill the cache. Uncached: one page of each
            # kind, to fail early on a broken one; the loaded run warms the rest.
            warm_up(
                server.base_url, [path for kind in kinds for path in paths[kind][: None if cached else 1]]
            )
            readings = []
            for kind in [*kinds, STATIC_END]:
                kind_paths = paths["static" if kind == STATIC_END else kind]
                site.pages.append(measure_page(driver, server, kind, cached, kind_paths, options))
                readings += [{**worker, "after": kind} for worker in server.worker_memory()]
            site.memory[mode] = {"end": server.worker_memory(), "largest": largest_worker(readings)}
            if cached and options.edits:
                site.edits = measure_edits(server.base_url, env, options.edits)
            site.server_errors[mode] = server.logged_errors()
    if options.in_process:
        site.in_process = subprocess.run(
            [sys.executable, "bench/pages.py", "--samples", str(options.samples)],
            cwd=ROOT,
            env={**env, "DJANGO_ALLOWED_HOSTS": "testserver"},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    if database == "sqlite":
        shutil.rmtree(folder)
    return site


def site_paths(env, static_root, samples):
    """{kind of page: paths} of the site `env` points at (`bench/live_site.py urls`), and
    the static file under its hashed name, from the manifest in `static_root`."""
    paths = json.loads(
        subprocess.run(
            [sys.executable, "bench/live_site.py", "urls", "--samples", str(samples)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    paths["static"] = [f"/static/{manifest['paths']['favicon.svg']}"]
    return paths


def warm_up(base_url, paths):
    """Fetch each path once: it must answer 200."""
    for path in dict.fromkeys(paths):
        status, _ = fetch(base_url + path)
        if status != 200:
            raise RuntimeError(f"{path} answered {status} while warming up")


def measure_page(driver, server, kind, cached, paths, options):
    base_url = server.base_url
    server.wait_until_idle()
    # Loaded first: its connections reach every worker, so that the lone reader then finds
    # each page's rendered Markdown cached in whichever worker serves it, as on a site
    # that has been up for a while.
    loaded = driver.run(
        base_url,
        paths,
        connections=options.connections,
        threads=options.threads,
        duration=options.duration,
        timeout=options.timeout,
    )
    # Requests the driver left in flight when it stopped are still being served: the lone
    # reader starts once they are done.
    server.wait_until_idle()
    alone = drive_alone(
        base_url,
        paths,
        duration=options.alone_duration,
        timeout=options.timeout,
        min_requests=ALONE_MIN_REQUESTS,
        max_seconds=max(options.alone_duration, ALONE_MAX_SECONDS),
    )
    result = PageResult(kind=kind, cached=cached, paths=len(set(paths)), alone=alone, loaded=loaded)
    say(
        f"  {kind:<11} cache {'on ' if cached else 'off'}  alone p50 {ms(alone, 'p50', 9)}  "
        f"loaded {loaded.rps:8.1f} rps, p50 {ms(loaded, 'p50', 9)}, "
        f"errors {loaded.error_count + alone.error_count}"
    )
    return result


def measure_edits(base_url, env, edits, timeout=10.0):
    """Seconds from a save in another process to the new title on the note and on its
    venue×area page, both warm in the page cache before the save."""
    editor = subprocess.Popen(
        [sys.executable, "bench/live_site.py", "edit", "--edits", str(edits)],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    delays = []
    try:
        targets = [json.loads(editor.stdout.readline()) for _ in range(edits)]
        for target in targets:
            pages = [target["note"], target["list"]]
            for path in pages:
                fetch(base_url + path)
                fetch(base_url + path)  # now from the cache
            marker = target["marker"].encode()
            deadline = time.time() + timeout
            # One reader per page, each fetching it again and again from before the save.
            with ThreadPoolExecutor(len(pages)) as pool:
                watches = [pool.submit(poll_until, base_url + path, marker, deadline) for path in pages]
                editor.stdin.write("save\n")
                editor.stdin.flush()
                saved_at = json.loads(editor.stdout.readline())["saved_at"]
                seen = [watch.result() for watch in watches]
            for path, seen_at in zip(pages, seen, strict=True):
                delay = max(0.0, seen_at - saved_at)
                delays.append(delay)
                say(f"  edit → live: {path} {delay * 1000:.0f} ms")
    finally:
        editor.stdin.close()
        editor.wait(timeout=30)
    return delays


def cpu_check():
    """Milliseconds a fixed loop of Python takes here (the best of three): a yardstick of
    how much of a core this machine gives right now. Compare runs with it."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        sum(number * number for number in range(1_000_000))
        best = min(best, (time.perf_counter() - started) * 1000)
    return best


def poll_until(url, marker, deadline):
    """When a page carrying `marker` was first received; infinity if not by `deadline`."""
    while time.time() < deadline:
        if marker in fetch(url)[1]:
            return time.time()
    return float("inf")


def machine(postgres_version):
    release = Path("/etc/debian_version")
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": os.cpu_count(),
        "system": f"Debian {release.read_text().strip()}" if release.exists() else platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": postgres_version,
        "load_average": os.getloadavg(),
    }


def say(text):
    print(text, flush=True)


def parse_options(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000,100000", help="notes per site, comma-separated")
    parser.add_argument("--databases", default="sqlite,postgresql", help="sqlite, postgresql or both")
    parser.add_argument("--pages", default=",".join(KINDS), help="kinds of page to drive load at")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page, loaded")
    parser.add_argument("--alone-duration", type=int, default=5, help="seconds per page with one connection")
    parser.add_argument("--connections", type=int, default=8, help="connections kept open by the driver")
    parser.add_argument("--threads", type=int, default=2, help="the driver's threads (wrk -t)")
    parser.add_argument("--timeout", type=int, default=10, help="seconds before a request counts as failed")
    parser.add_argument("--samples", type=int, default=20, help="different paths per kind of page")
    parser.add_argument("--edits", type=int, default=3, help="notes edited to time edit → live")
    parser.add_argument("--driver", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL))
    parser.add_argument("--cache-url", default=None, help="CACHE_URL for the site; default: as in production")
    parser.add_argument("--in-process", action="store_true", help="also run bench/pages.py on each site")
    parser.add_argument(
        "--json", type=Path, default=None, help="where to keep the figures (default bench/out/)"
    )
    parser.add_argument("--report", type=Path, default=None, help="print the tables of a saved run, and stop")
    parser.add_argument(
        "--quick", action="store_true", help="a smoke run: 1,000 notes on SQLite, 1 s per page and reader"
    )
    options = parser.parse_args(argv)
    if options.quick:
        options.sizes, options.databases = "1000", "sqlite"
        options.duration, options.alone_duration, options.samples, options.edits = 1, 1, 5, 1
    options.sizes = [int(size.replace("_", "")) for size in options.sizes.split(",")]
    options.databases = [name.strip() for name in options.databases.split(",")]
    options.pages = [name.strip() for name in options.pages.split(",")]
    unknown = {*options.databases} - {"sqlite", "postgresql"} | {*options.pages} - {*KINDS}
    if unknown:
        parser.error(f"unknown: {', '.join(sorted(unknown))}")
    if "static" not in options.pages:
        options.pages.insert(0, "static")  # the reference for every ratio
    return options


def main(argv=None):
    options = parse_options(argv)
    if options.report:
        saved = json.loads(options.report.read_text())
        sites = sites_from_json(saved)
        for site in sites:
            report_site(site)
        report_all(sites, saved["machine"])
        return
    if options.driver == "python" or (options.driver == "auto" and not shutil.which("wrk")):
        driver = PythonDriver()
    else:
        driver = None  # made below, once the work folder exists
    postgres = Postgres(options.postgres_url) if "postgresql" in options.databases else None
    postgres_version = None
    if postgres:
        reachable, detail = postgres.reachable()
        if reachable:
            postgres_version = detail
        else:
            say(f"PostgreSQL is not reachable at {options.postgres_url} ({detail}): skipped.")
            options.databases.remove("postgresql")
    about = machine(postgres_version)
    say(
        f"{about['date']} · {about['cores']} cores · {about['system']} · Python {about['python']} · "
        f"SQLite {about['sqlite']}" + (f" · PostgreSQL {postgres_version}" if postgres_version else "")
    )
    say("load average at the start: " + " ".join(f"{value:.2f}" for value in about["load_average"]))
    out = options.json or ROOT / "bench" / "out" / f"load-{datetime.now(UTC):%Y%m%d-%H%M%S}.json"
    sites = []
    with tempfile.TemporaryDirectory(prefix="paper-notes-bench-") as workdir:
        workdir = Path(workdir)
        driver = driver or WrkDriver(workdir)
        say(
            f"load driver: {driver.name}; loaded: {options.connections} connections from {options.threads} "
            f"threads, {options.duration} s per page; "
            f"alone: 1 connection, at least {options.alone_duration} s "
            f"and {ALONE_MIN_REQUESTS} answers per page"
        )
        try:
            for database in options.databases:
                for papers in options.sizes:
                    site = measure_site(database, papers, options, driver, workdir, postgres)
                    sites.append(site)
                    report_site(site)
                    about["load_average_at_end"] = os.getloadavg()
                    save(out, about, driver, options, sites)  # a long run keeps what it measured
        finally:
            if postgres and "postgresql" in options.databases:
                postgres.drop()
    report_all(sites, about)
    if sites:
        say(f"figures kept in {out}; `python bench/run.py --report {out}` prints them again")


def save(out, about, driver, options, sites):
    out.parent.mkdir(parents=True, exist_ok=True)
    options_kept = {key: value for key, value in vars(options).items() if key not in ("json", "report")}
    figures = {
        "machine": about,
        "driver": driver.name,
        "options": options_kept,
        "sites": [asdict(s) for s in sites],
    }
    out.write_text(json.dumps(figures, indent=1, default=str))


def sites_from_json(saved):
    """The SiteResults of a run saved by save()."""
    sites = []
    for raw in saved["sites"]:
        pages = [
            PageResult(
                **{**page, "alone": Measurement(**page["alone"]), "loaded": Measurement(**page["loaded"])}
            )
            for page in raw["pages"]
        ]
        sites.append(SiteResult(**{**raw, "pages": pages, "load_average": tuple(raw["load_average"])}))
    return sites


def report_site(site):
    say(
        f"\n{site.database}, {site.papers:,} notes (load_demo {site.build_seconds:.1f} s; load average "
        + " ".join(f"{value:.2f}" for value in site.load_average)
        + f" when it began, CPU check {site.cpu_check_ms:.0f} ms)"
    )
    say(site_table(site))
    say("memory per worker after the load:")
    say(memory_table(site))
    if any(site.server_errors.values()):
        say(f"error lines in gunicorn's log: {site.server_errors}")
    if site.in_process:
        say("bench/pages.py on the same database (in-process, no HTTP):\n" + site.in_process)


def report_all(sites, about):
    if not sites:
        return
    for database in dict.fromkeys(site.database for site in sites):
        say(f"\nUncached p50, one reader, {database}: growth with the number of notes")
        say(growth_table(sites, database))
    say("\nBudgets")
    say(budget_summary(sites))
    say("load average at the end: " + " ".join(f"{value:.2f}" for value in about["load_average_at_end"]))


if __name__ == "__main__":
    main()
