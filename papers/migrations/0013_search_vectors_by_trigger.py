"""PostgreSQL: each note's text is parsed once, not five times, and its pairs of words
are kept as numbers.

Each vector of papers_papersearch was a generated column with its own expression, and a
generated column cannot read another one: the title was parsed five times, the tags
four, the summary three and the body twice. A trigger now parses each text once and
builds every vector from those. And the pairs of neighbouring words (migration 0011)
are kept as 32-bit hashes of the pairs (`hashtext`), not as text: a GIN index of
numbers is smaller and compares faster than one of strings compared by collation.

Two pairs with one hash would only make a note a candidate for a phrase it does not
hold; each candidate is tested against its vector anyway (papers/search.py).

Measured on 5,000 notes at 100,000: the vectors and pairs took 0.61 ms a note, 0.44 now;
adding a note's pairs to their index 0.38 ms, 0.28 now. `load_demo --papers 100000`
spends about half its time here.

The columns keep their values: they stop being generated (DROP EXPRESSION, PostgreSQL
13 and later). The pairs are made again: about half a minute at 100,000 notes.
"""

from django.db import migrations

PAIRS_FUNCTION = """
CREATE FUNCTION papers_adjacent_pairs(vector tsvector) RETURNS integer[]
IMMUTABLE STRICT PARALLEL SAFE LANGUAGE sql AS $$
    WITH words AS MATERIALIZED (SELECT lexeme, unnest(positions) AS position FROM unnest(vector))
    SELECT COALESCE(array_agg(DISTINCT pair), '{}') FROM (
        SELECT hashtext(a.lexeme || ' ' || b.lexeme) AS pair
        FROM words a JOIN words b ON b.position = a.position + 1
        UNION ALL
        SELECT hashtext(a.lexeme || ' _ ' || b.lexeme)
        FROM words a JOIN words b ON b.position = a.position + 2
    ) pairs
$$"""

# The same vectors as the expressions of migrations 0005, 0007, 0010 and 0011.
VECTORS_FUNCTION = """
CREATE FUNCTION papers_papersearch_vectors() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    title tsvector := to_tsvector('english'::regconfig, NEW.title);
    tags tsvector := to_tsvector('english'::regconfig, NEW.tags);
    summary tsvector := to_tsvector('english'::regconfig, NEW.summary);
    body tsvector := to_tsvector('english'::regconfig, NEW.body);
BEGIN
    NEW.title_vector := title;
    NEW.title_tags_vector := title || tags;
    NEW.head_vector := setweight(title, 'A') || setweight(tags, 'B') || setweight(summary, 'C');
    NEW.vector := NEW.head_vector || setweight(body, 'D');
    NEW.phrase_pairs := papers_adjacent_pairs(NEW.vector);
    RETURN NEW;
END
$$"""

VECTORS = ["vector", "head_vector", "title_vector", "title_tags_vector"]

POSTGRESQL = [
    "ALTER TABLE papers_papersearch DROP COLUMN phrase_pairs",
    "DROP FUNCTION papers_adjacent_pairs(tsvector)",
    PAIRS_FUNCTION,
    "ALTER TABLE papers_papersearch "
    + ", ".join(f"ALTER COLUMN {column} DROP EXPRESSION" for column in VECTORS)
    + ", ADD COLUMN phrase_pairs integer[]",
    VECTORS_FUNCTION,
    """CREATE TRIGGER papers_papersearch_vectors
        BEFORE INSERT OR UPDATE OF title, tags, summary, body ON papers_papersearch
        FOR EACH ROW EXECUTE FUNCTION papers_papersearch_vectors()""",
    "UPDATE papers_papersearch SET phrase_pairs = papers_adjacent_pairs(vector)",
    "CREATE INDEX papers_papersearch_phrase_pairs_idx ON papers_papersearch USING gin (phrase_pairs)",
]

# Back to generated columns, as migrations 0005 to 0011 left them.
TEXT_PAIRS_FUNCTION = """
CREATE FUNCTION papers_adjacent_pairs(vector tsvector) RETURNS text[]
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


def parsed(column):
    return f"to_tsvector('english'::regconfig, {column})"


HEAD = f"setweight({parsed('title')}, 'A') || setweight({parsed('tags')}, 'B') || setweight({parsed('summary')}, 'C')"
GENERATED = {
    "vector": f"{HEAD} || setweight({parsed('body')}, 'D')",
    "head_vector": HEAD,
    "title_vector": parsed("title"),
    "title_tags_vector": f"{parsed('title')} || {parsed('tags')}",
}
NOTE = " || ".join(parsed(column) for column in ["title", "tags", "summary", "body"])

POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS papers_papersearch_vectors ON papers_papersearch",
    "DROP FUNCTION IF EXISTS papers_papersearch_vectors()",
    "ALTER TABLE papers_papersearch " + ", ".join(f"DROP COLUMN {column}" for column in [*GENERATED, "phrase_pairs"]),
    "DROP FUNCTION papers_adjacent_pairs(tsvector)",
    TEXT_PAIRS_FUNCTION,
    "ALTER TABLE papers_papersearch "
    + ", ".join(f"ADD COLUMN {column} tsvector GENERATED ALWAYS AS ({sql}) STORED" for column, sql in GENERATED.items())
    + f", ADD COLUMN phrase_pairs text[] GENERATED ALWAYS AS (papers_adjacent_pairs({NOTE})) STORED",
    "ALTER TABLE papers_papersearch "
    + ", ".join(f"ALTER COLUMN {column} SET STORAGE MAIN" for column in GENERATED),
    *(
        f"CREATE INDEX papers_papersearch_{column}_idx ON papers_papersearch USING gin ({column})"
        for column in [*GENERATED, "phrase_pairs"]
    ),
]


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("papers", "0012_search_prefixes_of_four")]

    operations = [migrations.RunPython(run(POSTGRESQL), run(POSTGRESQL_REVERSE))]
