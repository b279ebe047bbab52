"""How the load driver's connections spread over the gunicorn workers, run by run.

    python bench/connections.py [--papers 10000] [--rounds 4] [--seconds 4]
    GUNICORN_KEEPALIVE_REQUESTS=0 python bench/connections.py   # connections never closed

Builds a SQLite site of `--papers` notes in a temporary folder, serves it as
`bench/run.py` does (gunicorn with gunicorn.conf.py, production settings, the page cache
on), and alternates wrk runs of 8 connections at each kind of cached page and at the
static file, `--rounds` times. For each run it prints the requests per second, how many
of the driver's connections each worker held 1.5 s into it (or halfway; read with
`ss`), and the CPU seconds each worker used (a worker replaced during the run, after
GUNICORN_MAX_REQUESTS, is left out; its successor counts from its start). Then the runs
below half the static file's mean, and the means. Needs wrk and ss (iproute2).

A connection stays with the worker that accepted it. When one worker took all 8, the
run measures one process on one core (docs/performance.md, "The cached-page dip").
"""

import argparse
import collections
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import (
    KINDS,
    Gunicorn,
    child_env,
    cpu_check,
    manage,
    parse_wrk,
    site_paths,
    warm_up,
    wrk_script,
)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=4, help="seconds of each wrk run")
    options = parser.parse_args()
    tools = {tool: shutil.which(tool) for tool in ("wrk", "ss")}
    if not all(tools.values()):
        sys.exit("needs wrk and ss: apt-get install wrk iproute2")
    with tempfile.TemporaryDirectory(prefix="bench-connections-") as folder:
        folder = Path(folder)
        env = child_env(
            DJANGO_DEBUG=0,
            DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
            DJANGO_ALLOWED_HOSTS="127.0.0.1",
            DJANGO_SECURE_SSL_REDIRECT=0,
            DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
            DJANGO_STATIC_ROOT=folder / "static",
            PAGE_CACHE_ENABLED=1,
            TMPDIR=folder,
        )
        manage(env, "migrate", "--noinput", "--verbosity", "0")
        manage(env, "load_demo", "--papers", str(options.papers))
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        paths = site_paths(env, folder / "static", samples=20)
        with Gunicorn(env, folder, "connections") as server:
            warm_up(server.base_url, [path for kind in KINDS if kind in paths for path in paths[kind]])
            setting = os.environ.get("GUNICORN_KEEPALIVE_REQUESTS", "(default)")
            print(
                f"{options.papers:,} notes on SQLite; GUNICORN_KEEPALIVE_REQUESTS={setting}; "
                f"CPU check {cpu_check():.0f} ms"
            )
            print(f"{'round':<6} {'kind':<11} {'rps':>6}  connections per worker  CPU s per worker")
            pages = [page for page in KINDS if page != "static" and page in paths]
            runs = []
            for number in range(1, options.rounds + 1):
                for kind in [kind for page in pages for kind in (page, "static")]:
                    rps, held, cpu = drive(tools, server, paths[kind], folder, options.seconds)
                    print(f"{number:<6} {kind:<11} {rps:6.0f}  {held!s:<22}  {cpu}", flush=True)
                    runs.append((number, kind, rps, held, cpu))
    static_mean = statistics.mean(rps for _, kind, rps, _, _ in runs if kind == "static")
    page_mean = statistics.mean(rps for _, kind, rps, _, _ in runs if kind != "static")
    low = [run for run in runs if run[2] < static_mean / 2]
    print(f"\nmeans: cached pages {page_mean:,.0f} rps, static file {static_mean:,.0f} rps")
    print(f"runs below half the static file's mean: {len(low)} of {len(runs)}")
    for number, kind, rps, held, cpu in low:
        print(f"  round {number} {kind}: {rps:,.0f} rps, connections {held}, CPU s {cpu}")


def drive(tools, server, paths, folder, seconds):
    """One wrk run: (requests per second, connections held by each worker, CPU seconds
    each worker used), the workers busiest first."""
    script = folder / "paths.lua"
    script.write_text(wrk_script(paths))
    server.wait_until_idle()
    before = worker_cpu(server.worker_pids())
    wrk = subprocess.Popen(
        [tools["wrk"], "-t2", "-c8", f"-d{seconds}s", f"-s{script}", server.base_url],
        stdout=subprocess.PIPE,
        text=True,
    )
    time.sleep(min(1.5, seconds / 2))  # while wrk runs, however short the run
    held = connections_per_worker(
        subprocess.run(
            [tools["ss"], "-tnpH", "state", "established", f"( sport = :{server.port} )"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
    )
    measurement = parse_wrk(wrk.communicate()[0])
    after = worker_cpu(server.worker_pids())
    # A worker replaced during the run (GUNICORN_MAX_REQUESTS) is gone by now, its CPU
    # time with it; its successor counts from its start.
    cpu = sorted((round(after[pid] - before.get(pid, 0), 2) for pid in after), reverse=True)
    return measurement.rps, sorted(held.values(), reverse=True), cpu


def connections_per_worker(ss_output):
    """{pid: connections} from `ss -tnpH` lines of the server's established connections."""
    return collections.Counter(int(pid) for pid in re.findall(r"pid=(\d+)", ss_output))


def worker_cpu(pids):
    """{pid: CPU seconds used so far} of the workers still running."""
    seconds = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return seconds


if __name__ == "__main__":
    main()
