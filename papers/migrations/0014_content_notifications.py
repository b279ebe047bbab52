"""PostgreSQL: every new historical record notifies the channel `paper_notes_content`.

Any change to a venue, an area, a paper or a topic adds a historical record (see
papers/history.py), so this tells each process of the site that the content changed,
when the change commits (notifications of a transaction that rolls back are never
sent). notesite/content_listener.py listens, so that a cached page costs no query
while nothing changes. One notification per statement, not per row: an import of
thousands of notes sends a few, and PostgreSQL folds those of one transaction into one.
"""

from django.db import migrations

CHANNEL = "paper_notes_content"
HISTORIES = [
    "papers_historicalpaper",
    "papers_historicaltopic",
    "venues_historicalvenue",
    "venues_historicalarea",
]

POSTGRESQL = [
    f"""CREATE FUNCTION papers_notify_content_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('{CHANNEL}', '');
    RETURN NULL;
END
$$""",
    *(
        f"""CREATE TRIGGER {table}_notify AFTER INSERT ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION papers_notify_content_changed()"""
        for table in HISTORIES
    ),
]

POSTGRESQL_REVERSE = [
    *(f"DROP TRIGGER IF EXISTS {table}_notify ON {table}" for table in HISTORIES),
    "DROP FUNCTION IF EXISTS papers_notify_content_changed()",
]


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [
        ("papers", "0013_search_vectors_by_trigger"),
        ("venues", "0002_historicalarea_historicalvenue"),
    ]

    operations = [migrations.RunPython(run(POSTGRESQL), run(POSTGRESQL_REVERSE))]
