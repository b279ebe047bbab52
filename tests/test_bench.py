"""The load benchmark's own arithmetic (bench/run.py): reading wrk, percentiles, memory,
budgets and tables. No server is started and no load is driven here."""

import json
from dataclasses import asdict

import pytest
from django.db import connection

from bench import run

# What wrk printed, with the script bench/run.py writes, against a server where one path
# in three was missing.
WRK_OUTPUT = """\
Running 1s test @ http://127.0.0.1:18999
  2 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.19ms    4.41ms  27.98ms   89.11%
    Req/Sec   493.55    183.08   760.00     77.27%
  1082 requests in 1.10s, 316.75KB read
  Non-2xx or 3xx responses: 361
Requests/sec:    982.63
Transfer/sec:    287.66KB
BENCH-RESULT {"requests": 1082, "duration_us": 1101129, "p50_us": 1209, "p95_us": 13763, \
"p99_us": 21497, "max_us": 27976, "connect": 0, "read": 0, "write": 0, "timeout": 0, "status": 361}
"""

SMAPS_ROLLUP = """\
55d0c3a5e000-7ffd4b9f1000 ---p 00000000 00:00 0                          [rollup]
Rss:               74620 kB
Pss:               57612 kB
Pss_Anon:          50112 kB
Shared_Clean:      20004 kB
Shared_Dirty:        148 kB
Private_Clean:      1024 kB
Private_Dirty:     53444 kB
Swap:                  0 kB
"""


def measurement(p50=10.0, p95=20.0, requests=1000, seconds=10.0, **errors):
    return run.Measurement(
        requests=requests, seconds=seconds, p50=p50, p95=p95, p99=p95, max=p95, errors=errors
    )


def page(kind, cached, rps=100.0, alone_p50=10.0, alone_p95=20.0, **errors):
    return run.PageResult(
        kind=kind,
        cached=cached,
        paths=5,
        alone=measurement(p50=alone_p50, p95=alone_p95),
        loaded=measurement(requests=int(rps * 10), **errors),
    )


def test_wrk_figures_are_read_from_the_line_the_script_prints():
    figures = run.parse_wrk(WRK_OUTPUT)

    assert figures.requests == 1082
    assert figures.rps == pytest.approx(982.6, abs=0.1)
    assert (figures.p50, figures.p95, figures.p99, figures.max) == (1.209, 13.763, 21.497, 27.976)
    assert figures.errors["status"] == 361
    assert figures.error_count == 361


def test_wrk_output_without_figures_is_an_error_that_shows_it():
    with pytest.raises(ValueError, match="unable to connect"):
        run.parse_wrk("unable to connect to 127.0.0.1:8000 Connection refused\n")


def test_the_wrk_script_cycles_through_every_path_quoted_for_lua():
    script = run.wrk_script(["/", '/papers/?q="exact phrase"', "/ICML2025/llm_pretraining/"])

    assert 'local paths = {"/", "/papers/?q=\\"exact phrase\\"", "/ICML2025/llm_pretraining/"}' in script
    assert "paths[counter % #paths + 1]" in script
    assert run.WRK_MARKER in script


def test_percentiles_interpolate_between_ranks():
    values = list(range(100, 0, -1))  # 100 … 1, unsorted on purpose

    assert run.percentile(values, 50) == pytest.approx(50.5)
    assert run.percentile(values, 95) == pytest.approx(95.05)
    assert run.percentile(values, 99) == pytest.approx(99.01)
    assert run.percentile(values, 100) == 100
    assert run.percentile([7.5], 99) == 7.5
    assert run.percentile([], 50) == 0.0


def test_memory_of_a_worker_from_smaps_rollup():
    assert run.parse_smaps_rollup(SMAPS_ROLLUP) == {"rss_kib": 74620, "pss_kib": 57612, "uss_kib": 54468}


def test_page_budgets_read_the_lone_readers_times():
    assert run.uncached_verdict("venue×area", measurement(p50=25.0)) == ("p50 ≤ 25 ms", True)
    assert run.uncached_verdict("venue×area", measurement(p50=25.1)) == ("p50 ≤ 25 ms", False)
    assert run.uncached_verdict("note", measurement(p50=49.9)) == ("p50 ≤ 50 ms", True)
    # Search is held to its p95.
    assert run.uncached_verdict("search", measurement(p50=10.0, p95=51.0)) == ("p95 ≤ 50 ms", False)
    assert run.uncached_verdict("static", measurement()) == (None, None)


def test_a_cached_page_is_compared_with_the_static_file_of_the_same_run():
    pages = [
        page("static", cached=True, rps=2000),
        page("home", cached=True, rps=1100),
        page(run.STATIC_END, cached=True, rps=2400),
        page("static", cached=False, rps=9000),  # the other server: ignored
    ]
    share = run.static_share(pages, pages[1])

    assert share == pytest.approx(0.5)  # 1,100 of the mean, 2,200
    assert run.cached_verdict("home", share) == ("≥ 50% of static", True)
    assert run.cached_verdict("home", 0.49) == ("≥ 50% of static", False)
    assert run.cached_verdict(run.STATIC_END, 1.0) == (None, None)


def test_the_table_of_a_site_marks_each_budget_and_any_error():
    site = run.SiteResult(database="sqlite", papers=100_000, build_seconds=90.0)
    site.pages = [
        page("static", cached=False, rps=3000),
        page("venue×area", cached=False, rps=40, alone_p50=31.0),
        page("static", cached=True, rps=3000),
        page("venue×area", cached=True, rps=1800, timeout=2),
    ]

    rows = {tuple(line.split()[:2]): line for line in run.site_table(site).splitlines()[2:]}

    assert rows["venue×area", "off"].endswith("p50 ≤ 25 ms: MISSED")
    assert " 31.0ms " in rows["venue×area", "off"]
    assert rows["venue×area", "on"].endswith("≥ 50% of static: met; errors: MISSED")
    assert " 0.60 " in rows["venue×area", "on"]


def test_growth_of_uncached_times_across_sizes_with_the_budget_at_the_largest():
    sites = []
    for papers, p50 in ((1_000, 12.0), (10_000, 19.5), (100_000, 61.0)):
        site = run.SiteResult(database="postgresql", papers=papers, build_seconds=1.0)
        site.pages = [page("note", cached=False, alone_p50=p50), page("note", cached=True)]
        sites.append(site)

    table = run.growth_table(sites, "postgresql").splitlines()

    assert table[0].split()[:4] == ["page", "1,000", "10,000", "100,000"]
    assert table[2].split() == ["note", "12.0ms", "19.5ms", "61.0ms", "p50", "≤", "50", "ms:", "MISSED"]
    assert len(table) == 3  # only the kinds measured
    assert run.growth_table(sites, "sqlite") == ""


def test_the_summary_holds_edits_errors_and_the_build_time():
    site = run.SiteResult(database="sqlite", papers=100_000, build_seconds=131.0)
    site.pages = [page("static", cached=True, rps=1000), page("note", cached=True, rps=400, read=1)]
    site.edits = [0.21, 0.84]

    summary = run.budget_summary([site]).splitlines()

    assert "MISSED  sqlite, 100,000 notes: note cached ≥ 50% of static: 40% (400 rps)" in summary
    assert "MISSED  sqlite: errors, every size: 1" in summary
    assert "met     sqlite, 100,000 notes: edit → live ≤ 1 s: slowest 840 ms of 2" in summary
    assert "MISSED  sqlite: load_demo --papers 100000 ≤ 120 s: 131.0 s" in summary


def test_quick_is_a_small_run_on_sqlite_and_the_static_file_is_always_driven():
    quick = run.parse_options(["--quick"])
    chosen = run.parse_options(
        ["--sizes", "1_000,10000", "--pages", "note,search", "--databases", "postgresql"]
    )

    assert (quick.sizes, quick.databases, quick.duration) == ([1000], ["sqlite"], 1)
    assert chosen.sizes == [1000, 10000]
    assert chosen.pages == ["static", "note", "search"]
    with pytest.raises(SystemExit):
        run.parse_options(["--pages", "nowhere"])


def test_only_a_bench_database_is_ever_dropped():
    with pytest.raises(SystemExit, match="must start with bench_"):
        run.Postgres("postgres://postgres@127.0.0.1:5432/notes")

    assert run.Postgres("postgres://postgres@127.0.0.1:5432/bench_run").maintenance_url.endswith("/postgres")


def test_a_page_that_never_answered_misses_its_budget_and_shows_no_time():
    silent = measurement(p50=0.0, p95=0.0, requests=0, timeout=3)

    assert run.uncached_verdict("note", silent) == ("p50 ≤ 50 ms", False)
    assert run.ms(silent, "p50").strip() == "—"
    assert run.ms(measurement(p50=3.25), "p50") == "   3.2ms"


def test_memory_shows_each_worker_at_the_end_and_the_largest_seen():
    young = {"pid": 12, "age_seconds": 2.0, "rss_kib": 45_000, "pss_kib": 15_000, "uss_kib": 4_000}
    grown = {"pid": 11, "age_seconds": 40.0, "rss_kib": 76_800, "pss_kib": 60_000, "uss_kib": 56_320}
    site = run.SiteResult(database="sqlite", papers=1000, build_seconds=1.0)
    site.memory = {"on": {"end": [young], "largest": run.largest_worker([young, {**grown, "after": "note"}])}}

    lines = run.memory_table(site).splitlines()

    assert lines[0].split()[-3:] == ["USS", "3.9", "MiB"]
    assert "largest seen  worker      11, up    40 s, after note:" in lines[1]
    assert lines[1].split()[-9:] == ["RSS", "75.0", "MiB", "PSS", "58.6", "MiB", "USS", "55.0", "MiB"]


def test_a_saved_run_reads_back_as_it_was_measured():
    site = run.SiteResult(
        database="postgresql", papers=10_000, build_seconds=12.5, load_average=(1.0, 2.0, 3.0)
    )
    site.pages = [page("static", cached=False, rps=2000), page("note", cached=False, alone_p50=19.0, read=2)]
    site.edits = [0.12, 0.3]

    saved = json.loads(json.dumps({"sites": [asdict(site)]}))

    assert run.sites_from_json(saved) == [site]


@pytest.mark.django_db
def test_the_load_benchmark_times_each_part_of_a_build_and_puts_everything_back():
    from bench import load_demo
    from papers import demo
    from papers.models import Paper

    originals = {part: getattr(owner, name) for part, (owner, name) in load_demo.PARTS.items()}

    seconds, whole = load_demo.timed_build(40)

    assert Paper.objects.count() > 40  # and the drafts, notes in review and scheduled ones
    assert set(seconds) == {*load_demo.PARTS, "papers"}
    # Only SQLite fills full-text tables at the end.
    sqlite_only = {"full-text tables (SQLite)"} if connection.vendor != "sqlite" else set()
    assert all(spent > 0 for part, spent in seconds.items() if part not in sqlite_only)
    assert all(seconds[part] == 0 for part in sqlite_only)
    assert sum(seconds.values()) < whole
    assert {part: getattr(owner, name) for part, (owner, name) in load_demo.PARTS.items()} == originals
    assert demo.NoteWriter.paper is originals["write the notes (Python)"]


def test_the_connections_each_worker_holds_are_read_from_ss():
    from bench.connections import connections_per_worker

    # `ss -tnpH state established '( sport = :8911 )'`: two workers, one holding three.
    output = (
        '0      0      127.0.0.1:8911 127.0.0.1:49572 users:(("gunicorn",pid=9749,fd=12))\n'
        '0      0      127.0.0.1:8911 127.0.0.1:49574 users:(("gunicorn",pid=9749,fd=13))\n'
        '0      0      127.0.0.1:8911 127.0.0.1:49576 users:(("gunicorn",pid=9750,fd=11))\n'
        '0      0      127.0.0.1:8911 127.0.0.1:49578 users:(("gunicorn",pid=9749,fd=14))\n'
    )

    assert connections_per_worker(output) == {9749: 3, 9750: 1}
    assert connections_per_worker("") == {}
