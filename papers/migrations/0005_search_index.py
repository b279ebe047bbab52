"""The full-text index of PaperSearch, each database its own way, and its first filling.

SQLite: an FTS5 table with PaperSearch as its external content, kept in sync by
triggers, ranked by bm25 with the columns weighted title 10, tags 4, summary 2, body 1.
PostgreSQL: a stored generated tsvector column, weighted A (title) to D (body), with a
GIN index. Any other database gets no index (search then finds nothing).
"""

from django.db import migrations

SQLITE = [
    """CREATE VIRTUAL TABLE papers_paper_fts USING fts5(
        title, tags, summary, body,
        content='papers_papersearch', content_rowid='paper_id',
        tokenize='porter unicode61 remove_diacritics 2', prefix='2 3')""",
    """CREATE TRIGGER papers_papersearch_ai AFTER INSERT ON papers_papersearch BEGIN
        INSERT INTO papers_paper_fts(rowid, title, tags, summary, body)
        VALUES (new.paper_id, new.title, new.tags, new.summary, new.body);
    END""",
    """CREATE TRIGGER papers_papersearch_ad AFTER DELETE ON papers_papersearch BEGIN
        INSERT INTO papers_paper_fts(papers_paper_fts, rowid, title, tags, summary, body)
        VALUES ('delete', old.paper_id, old.title, old.tags, old.summary, old.body);
    END""",
    """CREATE TRIGGER papers_papersearch_au AFTER UPDATE ON papers_papersearch BEGIN
        INSERT INTO papers_paper_fts(papers_paper_fts, rowid, title, tags, summary, body)
        VALUES ('delete', old.paper_id, old.title, old.tags, old.summary, old.body);
        INSERT INTO papers_paper_fts(rowid, title, tags, summary, body)
        VALUES (new.paper_id, new.title, new.tags, new.summary, new.body);
    END""",
    "INSERT INTO papers_paper_fts(papers_paper_fts, rank) VALUES ('rank', 'bm25(10.0, 4.0, 2.0, 1.0)')",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS papers_papersearch_au",
    "DROP TRIGGER IF EXISTS papers_papersearch_ad",
    "DROP TRIGGER IF EXISTS papers_papersearch_ai",
    "DROP TABLE IF EXISTS papers_paper_fts",
]
POSTGRESQL = [
    """ALTER TABLE papers_papersearch ADD COLUMN vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, title), 'A')
        || setweight(to_tsvector('english'::regconfig, tags), 'B')
        || setweight(to_tsvector('english'::regconfig, summary), 'C')
        || setweight(to_tsvector('english'::regconfig, body), 'D')
    ) STORED""",
    "CREATE INDEX papers_papersearch_vector_idx ON papers_papersearch USING gin (vector)",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS papers_papersearch_vector_idx",
    "ALTER TABLE papers_papersearch DROP COLUMN IF EXISTS vector",
]


def run(statements):
    def operation(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return operation


def fill(apps, schema_editor):
    from papers.search import INDEX_BATCH, index_texts

    Paper = apps.get_model("papers", "Paper")
    PaperSearch = apps.get_model("papers", "PaperSearch")
    TaggedPaper = apps.get_model("papers", "TaggedPaper")
    last_pk = 0
    while batch := list(Paper.objects.filter(pk__gt=last_pk).order_by("pk")[:INDEX_BATCH]):
        last_pk = batch[-1].pk
        topics = {}
        links = TaggedPaper.objects.filter(content_object__in=batch).order_by("pk")
        for paper_id, name in links.values_list("content_object_id", "tag__name"):
            topics.setdefault(paper_id, []).append(name)
        PaperSearch.objects.bulk_create(
            PaperSearch(paper_id=paper.pk, **index_texts(paper, topics.get(paper.pk, []))) for paper in batch
        )


class Migration(migrations.Migration):
    dependencies = [("papers", "0004_search")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
