"""SQLite: index the prefixes of four letters too, for the word being typed.

A search's last word is matched as a prefix ("comp" finds "compute", "compare" …). FTS5
answers a prefix of a length it indexes from one list; any other prefix from every
word that starts with it, merged in memory. Until now it indexed prefixes of two and
three letters, so four letters of a common word ("rule comp") merged hundreds of lists
on each search: 18 ms to read 5,000 matches at 100,000 notes, against 2.8 ms with
prefixes of four indexed. The tables take about 15% longer to fill.

The FTS5 option cannot be changed in place: both tables are made again (the triggers of
migration 0010 stay, they name the tables) and refilled from papers_papersearch: about
half a minute at 100,000 notes. PostgreSQL needs nothing.
"""

from django.db import migrations

TABLES = {
    "papers_paper_fts": ["title", "tags", "summary", "body"],
    "papers_paper_head_fts": ["title", "tags", "summary"],
}


def tables_with_prefixes(prefixes):
    statements = []
    for table, columns in TABLES.items():
        statements += [
            f"DROP TABLE IF EXISTS {table}",
            f"""CREATE VIRTUAL TABLE {table} USING fts5(
                {", ".join(columns)},
                content='papers_papersearch', content_rowid='recency',
                tokenize='porter unicode61 remove_diacritics 2', prefix='{prefixes}')""",
            f"INSERT INTO {table}({table}) VALUES ('rebuild')",  # noqa: S608 - our own table names
        ]
    return statements


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("papers", "0011_search_phrase_pairs")]

    operations = [migrations.RunPython(run(tables_with_prefixes("2 3 4")), run(tables_with_prefixes("2 3")))]
