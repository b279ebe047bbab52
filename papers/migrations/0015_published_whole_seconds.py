"""Publication times in whole seconds; PostgreSQL: titles' vectors cut to fit a B-tree.

Both prepare migration 0016, an index of the search rows newest first (by `recency`)
that holds each title's vector, for the search's tier of titles to walk on PostgreSQL.

`recency` is the second of publication, then the paper's id. With publication times
in whole seconds (papers.fields.WholeSecondsDateTimeField) that is exactly the order
of (published_at, id) that the search's other tiers walk, so every tier agrees on
which notes are the newest. Times saved before keep their fraction of a second until
cut here (in the history too, so that no edit seems to have changed them); their
`recency` is already their whole second. The column itself does not change.

An entry of a B-tree index holds at most 2,704 bytes, and a title of 500 characters
can make a larger vector (250 Chinese characters between spaces: about 3,000 bytes),
which would make its note impossible to save. So a title's vector now stops where it
would pass 2,000 bytes: such a title is found by its first words in the titles' tier,
and by the rest in the next tier (title and tags), whose vector is whole. Rows saved
before are made again here, in a transaction of their own: an index built in the same
transaction would also take the rows' old versions, too long for it.
"""

import importlib

from django.db import migrations

import papers.fields

PAPER_TABLES = ["papers_paper", "papers_historicalpaper"]
TRUNCATE = {
    "postgresql": [
        f"""UPDATE {table} SET published_at = date_trunc('second', published_at)
            WHERE published_at <> date_trunc('second', published_at)"""
        for table in PAPER_TABLES
    ],
    # Django keeps a time in SQLite as text: "YYYY-MM-DD HH:MM:SS" and ".ffffff" if any.
    "sqlite": [
        f"UPDATE {table} SET published_at = substr(published_at, 1, 19) WHERE length(published_at) > 19"
        for table in PAPER_TABLES
    ],
}

# Migration 0013's function, with the title's vector cut to fit migration 0016's index.
VECTORS_FUNCTION = """
CREATE OR REPLACE FUNCTION papers_papersearch_vectors() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    title tsvector := to_tsvector('english'::regconfig, NEW.title);
    tags tsvector := to_tsvector('english'::regconfig, NEW.tags);
    summary tsvector := to_tsvector('english'::regconfig, NEW.summary);
    body tsvector := to_tsvector('english'::regconfig, NEW.body);
    title_start text := NEW.title;
BEGIN
    NEW.title_vector := title;
    -- The title's first two thirds, at a space, until its vector fits.
    WHILE pg_column_size(NEW.title_vector) > 2000 LOOP
        title_start := regexp_replace(left(title_start, length(title_start) * 2 / 3), '\\s+\\S*$', '');
        NEW.title_vector := to_tsvector('english'::regconfig, title_start);
    END LOOP;
    NEW.title_tags_vector := title || tags;
    NEW.head_vector := setweight(title, 'A') || setweight(tags, 'B') || setweight(summary, 'C');
    NEW.vector := NEW.head_vector || setweight(body, 'D');
    NEW.phrase_pairs := papers_adjacent_pairs(NEW.vector);
    RETURN NEW;
END
$$"""
BEFORE = importlib.import_module("papers.migrations.0013_search_vectors_by_trigger")

POSTGRESQL_VECTORS = [
    VECTORS_FUNCTION,
    # Rows whose titles' vectors are too long, made again by the trigger. (Measured as
    # made, not as stored: a stored vector may be compressed.)
    """UPDATE papers_papersearch SET title = title
        WHERE pg_column_size(to_tsvector('english'::regconfig, title)) > 2000""",
]
POSTGRESQL_VECTORS_REVERSE = [BEFORE.VECTORS_FUNCTION.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)]


def run(statements_by_vendor):
    def operation(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return operation


def field():
    return papers.fields.WholeSecondsDateTimeField(
        blank=True, help_text="When the note goes public; a future time schedules it.", null=True
    )


class Migration(migrations.Migration):
    dependencies = [("papers", "0014_content_notifications")]

    operations = [
        # The same column: only Django's idea of the field changes. (Altered for real,
        # SQLite would copy the table.)
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(model_name="historicalpaper", name="published_at", field=field()),
                migrations.AlterField(model_name="paper", name="published_at", field=field()),
            ]
        ),
        migrations.RunPython(run(TRUNCATE), migrations.RunPython.noop),
        migrations.RunPython(
            run({"postgresql": POSTGRESQL_VECTORS}), run({"postgresql": POSTGRESQL_VECTORS_REVERSE})
        ),
    ]
