"""PostgreSQL: an index of each note's neighbouring words, for phrases.

A GIN index on a tsvector knows which notes hold a word, not where: for a phrase it
returns every note holding all its words, each then read to test their order. When the
words are common and the phrase is not ("1 gsm8k wer": each word in one note in ten,
the phrase in one in four hundred), that is thousands of notes read for a few dozen.

`phrase_pairs` holds each pair of words of the note one apart ("step 2") and two apart
("open _ studi", a word or a stop word between), as the whole note's vector places them,
with a GIN index. A phrase's own pairs must all be in a note that holds it: the index
then returns about as many notes as hold the phrase (papers/search.py,
phrase_tier_sql). The column is kept out of the row (TOAST), so that a search reading
notes one by one does not read it.

SQLite needs nothing: FTS5 keeps each word's positions in its index. Filling the column
reads every note: about a minute at 100,000 notes.
"""

from django.db import migrations

# The words of a tsvector by position; pairs one apart, then two apart.
PAIRS_FUNCTION = """
CREATE OR REPLACE FUNCTION papers_adjacent_pairs(vector tsvector) RETURNS text[]
IMMUTABLE STRICT PARALLEL SAFE LANGUAGE sql AS $$
    WITH words AS MATERIALIZED (SELECT lexeme, unnest(positions) AS position FROM unnest(vector))
    SELECT COALESCE(array_agg(DISTINCT pair), '{}') FROM (
        SELECT a.lexeme || ' ' || b.lexeme AS pair
        FROM words a JOIN words b ON b.position = a.position + 1
        UNION ALL
        SELECT a.lexeme || ' _ ' || b.lexeme
        FROM words a JOIN words b ON b.position = a.position + 2
    ) pairs
$$"""

# The positions of papers_papersearch.vector (its weights aside): a generated column
# cannot read another one.
NOTE_VECTOR = " || ".join(
    f"to_tsvector('english'::regconfig, {column})" for column in ["title", "tags", "summary", "body"]
)

POSTGRESQL = [
    PAIRS_FUNCTION,
    f"""ALTER TABLE papers_papersearch ADD COLUMN phrase_pairs text[]
        GENERATED ALWAYS AS (papers_adjacent_pairs({NOTE_VECTOR})) STORED""",
    "CREATE INDEX papers_papersearch_phrase_pairs_idx ON papers_papersearch USING gin (phrase_pairs)",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS papers_papersearch_phrase_pairs_idx",
    "ALTER TABLE papers_papersearch DROP COLUMN IF EXISTS phrase_pairs",
    "DROP FUNCTION IF EXISTS papers_adjacent_pairs(tsvector)",
]


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("papers", "0010_search_tiers")]

    operations = [migrations.RunPython(run(POSTGRESQL), run(POSTGRESQL_REVERSE))]
