"""Publication times in whole seconds, and PostgreSQL: an index to walk titles newest first.

A search lists the notes whose title holds it first (papers/search.py). On PostgreSQL
that tier walked the public papers newest first and looked each one's search row up to
test its title: about 6 µs a paper, and a word in one title in twenty walks some
10,000 papers before it has a list of 500. The index below holds each search row's
title vector in `recency` order (newest first), so the walk tests titles in the index
itself, about a tenth of that; a rare word is still read from the GIN index.

`recency` is the second of publication, then the paper's id. With publication times
in whole seconds (papers.fields.WholeSecondsDateTimeField) that is exactly the order
of (published_at, id) that the other tiers walk, so every tier agrees on which notes
are the newest. Times saved before keep their fraction of a second until cut here;
their `recency` is already their whole second. The column itself does not change.
"""

from django.db import migrations

import papers.fields

TRUNCATE = {
    "postgresql": [
        """UPDATE papers_paper SET published_at = date_trunc('second', published_at)
            WHERE published_at <> date_trunc('second', published_at)""",
    ],
    # Django keeps a time in SQLite as text: "YYYY-MM-DD HH:MM:SS" and ".ffffff" if any.
    "sqlite": [
        "UPDATE papers_paper SET published_at = substr(published_at, 1, 19) WHERE length(published_at) > 19",
    ],
}
POSTGRESQL_INDEX = [
    """CREATE INDEX papers_papersearch_newest_title_idx ON papers_papersearch (recency DESC)
        INCLUDE (paper_id, title_vector)""",
]
POSTGRESQL_INDEX_REVERSE = ["DROP INDEX IF EXISTS papers_papersearch_newest_title_idx"]


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
        migrations.RunPython(run({"postgresql": POSTGRESQL_INDEX}), run({"postgresql": POSTGRESQL_INDEX_REVERSE})),
    ]
