"""Benchmark `import_notes` on a generated static-site tree.

    python bench/import_notes.py [--notes 25000] [--database-url URL]

Builds a demo site of N notes in a scratch SQLite database, exports it with
`export_notes` into a tree of the static site's format, then imports that tree into
an empty database (scratch SQLite by default, or --database-url, whose tables are
flushed first) and imports it again unchanged. Prints the wall time and peak memory
of each import. The budget is 25,000 notes in at most 60 s on SQLite.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, database_url, quiet=True):
    """Run manage.py in its own process; returns (seconds, peak RSS in MB, stdout)."""
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "bench-only"}
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    output = process.stdout.read().decode()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{output}")
    return seconds, usage.ru_maxrss / 1024, output.strip().splitlines()[-1] if output.strip() else ""


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--notes", type=int, default=25_000)
    parser.add_argument(
        "--database-url", help="Import into this database (flushed first) instead of scratch SQLite."
    )
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="import-bench-") as scratch:
        scratch = Path(scratch)
        source = f"sqlite:///{scratch / 'source.sqlite3'}"
        target = options.database_url or f"sqlite:///{scratch / 'target.sqlite3'}"
        tree = scratch / "docs"

        print(f"Building a demo site of {options.notes:,} notes and exporting it …", flush=True)
        manage("migrate", "-v0", database_url=source)
        manage("load_demo", "--papers", str(options.notes), database_url=source)
        seconds, _, line = manage("export_notes", str(tree), database_url=source)
        files = sum(1 for _ in tree.rglob("*.md"))
        size = sum(p.stat().st_size for p in tree.rglob("*.md")) / 1024 / 1024
        print(f"  export: {seconds:.1f} s — {line}")
        print(f"  tree: {files:,} Markdown files, {size:.0f} MB")

        manage("migrate", "-v0", database_url=target)
        manage("flush", "--noinput", database_url=target)
        vendor = "PostgreSQL" if target.startswith("postgres") else "SQLite"
        for run in ("first import (empty database)", "second import (unchanged tree)"):
            seconds, peak, line = manage("import_notes", str(tree), database_url=target)
            print(f"  {run} on {vendor}: {seconds:.1f} s, peak memory {peak:.0f} MB — {line}")


if __name__ == "__main__":
    main()
