"""PostgreSQL: a small tsvector to rank by, and narrow rows for the search table.

Ranking reads a vector for every match. The full vector (with the body) is large and
stored out of line, so it would be fetched and decompressed for each of tens of
thousands of matches; `rank_vector` holds only the title (A), authors, keywords and
topics (B) and summary (C), and stays in the row. The text columns and the full vector
move out of line, so a scan of matches reads few pages. SQLite ranks within its FTS5
table (see papers/search.py) and needs none of this.
"""

from django.db import migrations

POSTGRESQL = [
    """ALTER TABLE papers_papersearch ADD COLUMN rank_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, title), 'A')
        || setweight(to_tsvector('english'::regconfig, tags), 'B')
        || setweight(to_tsvector('english'::regconfig, summary), 'C')
    ) STORED""",
    """ALTER TABLE papers_papersearch
        ALTER COLUMN title SET STORAGE EXTERNAL,
        ALTER COLUMN tags SET STORAGE EXTERNAL,
        ALTER COLUMN summary SET STORAGE EXTERNAL,
        ALTER COLUMN body SET STORAGE EXTERNAL,
        ALTER COLUMN vector SET STORAGE EXTERNAL,
        ALTER COLUMN rank_vector SET STORAGE MAIN""",
    "ALTER TABLE papers_papersearch SET (toast_tuple_target = 128)",
]
POSTGRESQL_REVERSE = [
    "ALTER TABLE papers_papersearch RESET (toast_tuple_target)",
    "ALTER TABLE papers_papersearch DROP COLUMN IF EXISTS rank_vector",
]


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("papers", "0006_search_filter_index")]

    operations = [migrations.RunPython(run(POSTGRESQL), run(POSTGRESQL_REVERSE))]
