"""PostgreSQL: a GIN index of the titles alone, for title suggestions as readers type.

A title-only search of the weighted vector ('word':*A) cannot use its GIN index to
pick titles (weights are checked row by row, each vector fetched and decompressed):
about 200 ms for a prefix at 100,000 notes. SQLite's FTS5 table filters by column
itself.
"""

from django.db import migrations

INDEX = "papers_papersearch_title_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {INDEX} ON papers_papersearch USING gin (to_tsvector('english'::regconfig, title))"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("papers", "0007_search_rank_vector")]

    operations = [migrations.RunPython(create, drop)]
