"""PostgreSQL: an index to walk the titles newest first.

A search lists the notes whose title holds it first (papers/search.py). On PostgreSQL
that tier walked the public papers newest first and looked each one's search row up to
test its title: about 6 µs a paper on this project's benchmark machine, and a word in
one title in twenty walks some 10,000 papers before it has a list of 500. This index
holds each search row's title vector in `recency` order (newest first; the order of
(published_at, id), see migration 0015), so the walk tests titles in the index itself:
the statement for such a word took 61.6 ms before and 14.3 ms after, measured side by
side. A rare word is still read from the GIN index.

Every title's vector fits an entry (migration 0015 cuts the longest). Built
CONCURRENTLY, outside a transaction: notes can be saved meanwhile, and the build reads
only the rows' current versions (a plain build also takes versions that a transaction
still open elsewhere might see, which for a title cut by 0015 would not fit). An
interrupted build leaves an invalid index, dropped when the migration runs again.
"""

from django.db import migrations

POSTGRESQL = [
    "DROP INDEX CONCURRENTLY IF EXISTS papers_papersearch_newest_title_idx",
    """CREATE INDEX CONCURRENTLY papers_papersearch_newest_title_idx ON papers_papersearch (recency DESC)
        INCLUDE (paper_id, title_vector)""",
]
POSTGRESQL_REVERSE = ["DROP INDEX CONCURRENTLY IF EXISTS papers_papersearch_newest_title_idx"]


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    atomic = False  # CONCURRENTLY cannot run in a transaction
    dependencies = [("papers", "0015_published_whole_seconds")]

    operations = [migrations.RunPython(run(POSTGRESQL), run(POSTGRESQL_REVERSE))]
