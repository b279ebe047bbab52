"""Search in tiers, newest first: indexes that give each tier's matches newest first.

A search lists the notes whose title holds it, then those whose title, authors,
keywords and topics hold it, then with the summary too, then the rest; newest first
within each tier (papers/search.py). Each tier is read newest first and no further than
needed, so each database needs an index it can read in that order:

- SQLite: the FTS5 table is rebuilt with `recency` (publication second, then paper id;
  papers.search.recency) as its rowid, so that MATCH … ORDER BY rowid DESC walks a
  term's matches newest first and stops at the LIMIT; column filters pick the tiers.
  A second FTS5 table holds only the title, tags and summary, for the first three
  tiers: a word common in bodies has long lists in the first table, short ones here.
  No rank is set: bm25 is no longer read.
- PostgreSQL: a tsvector of each tier's text with its own GIN index: the title (in
  place of migration 0008's expression index, whose vector a plan walking papers would
  recompute row by row), title and tags (new), title, tags and summary (the former
  rank_vector, renamed head_vector), the whole note (vector). Every vector moves into
  its row (STORAGE MAIN): testing a paper then reads one page, not TOAST chunks. And an
  index of public papers newest first holding their venue and area, to walk.

`recency` is filled on both databases, so that the rows mean the same everywhere;
PostgreSQL orders by the papers' own publication time. Both rebuilds read every note:
about a minute or two at 100,000 notes.
"""

from django.db import migrations, models

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS papers_papersearch_au",
    "DROP TRIGGER IF EXISTS papers_papersearch_ad",
    "DROP TRIGGER IF EXISTS papers_papersearch_ai",
    "DROP TABLE IF EXISTS papers_paper_head_fts",
    "DROP TABLE IF EXISTS papers_paper_fts",
    "DROP INDEX IF EXISTS papers_papersearch_recency_idx",
]


def sqlite_index(rowid, tables):
    """FTS5 tables over PaperSearch with `rowid` as their rowid ({name: columns}), the
    triggers that keep them current, and their filling."""
    statements, inserts, deletes = [], [], []
    for table, columns in tables.items():
        names = ", ".join(columns)
        statements.append(
            f"""CREATE VIRTUAL TABLE {table} USING fts5(
                {names},
                content='papers_papersearch', content_rowid='{rowid}',
                tokenize='porter unicode61 remove_diacritics 2', prefix='2 3')"""
        )
        new = ", ".join(f"new.{column}" for column in columns)
        old = ", ".join(f"old.{column}" for column in columns)
        inserts.append(f"INSERT INTO {table}(rowid, {names}) VALUES (new.{rowid}, {new});")
        deletes.append(f"INSERT INTO {table}({table}, rowid, {names}) VALUES ('delete', old.{rowid}, {old});")
    inserted, deleted = "\n".join(inserts), "\n".join(deletes)
    statements += [
        f"CREATE TRIGGER papers_papersearch_ai AFTER INSERT ON papers_papersearch BEGIN {inserted} END",
        f"CREATE TRIGGER papers_papersearch_ad AFTER DELETE ON papers_papersearch BEGIN {deleted} END",
        f"CREATE TRIGGER papers_papersearch_au AFTER UPDATE ON papers_papersearch BEGIN {deleted} {inserted} END",
    ]
    statements += [f"INSERT INTO {table}({table}) VALUES ('rebuild')" for table in tables]
    return statements


NOTE = ["title", "tags", "summary", "body"]
SQLITE = [
    # Each FTS5 row is found from its rowid: this index gives the paper without reading the row.
    "CREATE INDEX papers_papersearch_recency_idx ON papers_papersearch (recency, paper_id)",
    *sqlite_index("recency", {"papers_paper_fts": NOTE, "papers_paper_head_fts": NOTE[:3]}),
]
SQLITE_REVERSE = [*SQLITE_DROP, *sqlite_index("paper_id", {"papers_paper_fts": NOTE})]

# The rank of migration 0005, for going back to it.
BM25_RANK = "INSERT INTO papers_paper_fts(papers_paper_fts, rank) VALUES ('rank', 'bm25(10.0, 4.0, 2.0, 1.0)')"

# Seconds of publication (0 without a date) times a billion, plus the paper's id: the
# same number papers.search.recency() gives.
FILL = {
    "sqlite": """UPDATE papers_papersearch SET recency = (
        SELECT COALESCE(CAST(strftime('%s', p.published_at) AS INTEGER), 0) * 1000000000 + p.id
        FROM papers_paper p WHERE p.id = papers_papersearch.paper_id)""",
    "postgresql": """UPDATE papers_papersearch s SET recency =
        COALESCE(FLOOR(EXTRACT(EPOCH FROM p.published_at))::bigint, 0) * 1000000000 + p.id
        FROM papers_paper p WHERE p.id = s.paper_id""",
}

POSTGRESQL = [
    "DROP INDEX IF EXISTS papers_papersearch_title_idx",
    "ALTER TABLE papers_papersearch RENAME COLUMN rank_vector TO head_vector",
    # One rewrite of the table adds the columns and brings every vector into its row.
    """ALTER TABLE papers_papersearch
        ADD COLUMN title_vector tsvector GENERATED ALWAYS AS (
            to_tsvector('english'::regconfig, title)
        ) STORED,
        ADD COLUMN title_tags_vector tsvector GENERATED ALWAYS AS (
            to_tsvector('english'::regconfig, title) || to_tsvector('english'::regconfig, tags)
        ) STORED,
        ALTER COLUMN title_vector SET STORAGE MAIN,
        ALTER COLUMN title_tags_vector SET STORAGE MAIN,
        ALTER COLUMN vector SET STORAGE MAIN""",
    "CREATE INDEX papers_papersearch_title_vector_idx ON papers_papersearch USING gin (title_vector)",
    "CREATE INDEX papers_papersearch_title_tags_vector_idx ON papers_papersearch USING gin (title_tags_vector)",
    "CREATE INDEX papers_papersearch_head_vector_idx ON papers_papersearch USING gin (head_vector)",
    # Public papers newest first, with what the search's filters most often test: read
    # in this order, a search for a common word stops after a few hundred papers.
    """CREATE INDEX paper_public_newest_idx ON papers_paper (published_at DESC, id DESC)
        INCLUDE (venue_id, area_id) WHERE status = 'published'""",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS paper_public_newest_idx",
    "DROP INDEX IF EXISTS papers_papersearch_head_vector_idx",
    "DROP INDEX IF EXISTS papers_papersearch_title_tags_vector_idx",
    "DROP INDEX IF EXISTS papers_papersearch_title_vector_idx",
    """ALTER TABLE papers_papersearch
        DROP COLUMN IF EXISTS title_tags_vector,
        DROP COLUMN IF EXISTS title_vector,
        ALTER COLUMN vector SET STORAGE EXTERNAL""",
    "ALTER TABLE papers_papersearch RENAME COLUMN head_vector TO rank_vector",
    "CREATE INDEX papers_papersearch_title_idx ON papers_papersearch USING gin (to_tsvector('english'::regconfig, title))",
]


def run(statements_by_vendor):
    def operation(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("papers", "0009_public_list_indexes")]

    operations = [
        # SQLite adds the column by copying the table, which would drop its triggers.
        migrations.RunPython(run({"sqlite": SQLITE_DROP}), run({"sqlite": [*SQLITE_REVERSE, BM25_RANK]})),
        migrations.AddField(
            model_name="papersearch",
            name="recency",
            field=models.BigIntegerField(
                default=0,
                help_text="Newest first: seconds of publication (0 without a date) × 10⁹ + paper id.",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(run({vendor: [sql] for vendor, sql in FILL.items()}), migrations.RunPython.noop),
        migrations.RunPython(
            run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            run({"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_REVERSE}),
        ),
    ]
