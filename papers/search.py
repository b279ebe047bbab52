"""Full-text search over whole notes, on PostgreSQL and SQLite.

Each paper's searchable text is a PaperSearch row: its title; its authors, keywords and
topics; its summary; its body (CJK runs spelt as pairs, see papers/search_query.py).
`index_papers()` writes those rows: the bulk writers (import, bulk actions, demo data)
call it, and the receivers at the end keep single saves and topic changes current.

Each database searches its own index of those rows (migrations 0005 and 0010): SQLite
an FTS5 table, PostgreSQL tsvectors with GIN indexes. Both list title matches first,
then authors, keywords and topics, then the summary, then the body; newest first within
each, and at most SEARCH_MATCH_LIMIT of them (see "Searching" below).

Snippets are made here, in Python, from the note's text: the same on both databases,
CJK words included (neither ts_headline nor FTS5's snippet() knows CJK words, and the
index holds them spelt as pairs), and only for the page of results shown.
"""

import re
from collections import Counter
from contextlib import contextmanager

from django.conf import settings
from django.db import connection
from django.db.models.expressions import RawSQL
from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from papers import search_query
from papers.bulk import insert_rows
from papers.models import Paper, PaperSearch, TaggedPaper, Topic
from papers.search_query import Query, index_text, is_cjk

INDEX_BATCH = 500
SNIPPET_LENGTH = 240
FACET_SIZE = 12

# Markdown read as running text: links keep their text; markers, table rules and
# emphasis go.
MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
MARKDOWN_MARKERS = re.compile(
    r"(?m)^[ \t]{0,3}(?:#{1,6}|>+|[-*+]|\d+[.)])[ \t]+|^[ \t]*\|?[-:| \t]+\|?[ \t]*$"
)
MARKDOWN_EMPHASIS = re.compile(r"[*_~`|]+")
# Math as notes write it ($…$, $$…$$, \(…\), \[…\]; "5$ and $10" is money): a snippet
# shows it whole, for KaTeX to typeset, and never marks or cuts inside it.
MATH = re.compile(
    r"\$\$.+?\$\$|(?<![\\\d$])\$(?=[^\s$])[^$\n]*?(?<=[^\s\\])\$(?!\d)|\\\(.+?\\\)|\\\[.+?\\\]", re.S
)
MATH_PLACEHOLDER = re.compile(r"\x00(\d+)\x00")


# Indexing


def index_texts(paper, topic_names):
    """The text columns of a paper's PaperSearch row."""
    tags = " ".join([paper.authors, paper.keywords.replace(",", " "), *topic_names])
    return {
        "title": index_text(paper.title),
        "tags": index_text(tags),
        "summary": index_text(paper.summary),
        "body": index_text(paper.body),
    }


def index_papers(topics_by_paper):
    """Write the search rows of saved papers, given with their topic names ({paper: [names]}).

    Rows are deleted, then inserted, in recency order: on SQLite each fires the trigger
    that updates the FTS5 tables, whose rowid is the recency, and FTS5 writes out what
    it holds in memory whenever a rowid is not above the one before (in random order,
    after every row: a 5,000-note import took 1.6 times as long, a re-index twice).
    """
    papers = sorted(topics_by_paper, key=recency)
    for start in range(0, len(papers), INDEX_BATCH):
        batch = papers[start : start + INDEX_BATCH]
        rows = []
        for paper in batch:
            texts = index_texts(paper, topics_by_paper[paper])
            rows.append(PaperSearch(paper_id=paper.pk, recency=recency(paper), **texts))
        stale = PaperSearch.objects.filter(paper_id__in=[paper.pk for paper in batch])
        if connection.vendor == "sqlite":
            # Named by recency, which SQLite then looks up in order in its index.
            stale = PaperSearch.objects.filter(recency__in=stale.values("recency"))
        stale.delete()
        insert_rows(PaperSearch, rows)


def reindex(paper_ids):
    """Rewrite the search rows of the papers with these ids, as they are in the database."""
    paper_ids = sorted(set(paper_ids))
    for start in range(0, len(paper_ids), INDEX_BATCH):
        papers = Paper.objects.filter(pk__in=paper_ids[start : start + INDEX_BATCH]).prefetch_related(
            "topics"
        )
        index_papers({paper: [topic.name for topic in paper.topics.all()] for paper in papers})


@contextmanager
def full_text_filled_after():
    """SQLite: while a bulk load of an empty site runs inside, its search rows leave the
    FTS5 tables alone; after it, the tables are filled from them in one pass. Elsewhere,
    nothing (PostgreSQL's counterpart is `papers.services.indexes_built_after`).

    Kept current row by row, FTS5 writes what it holds whenever a batch's rowids (the
    notes' recency) fall below the last batch's, then merges what it wrote again and
    again; one pass reads the rows in rowid order and writes each term's list once.

    The triggers that keep the tables current are dropped and made again as they were
    (from SQLite's own schema), inside the caller's transaction, so a failure brings
    them back with the rest. Filling reads every search row, old ones included: meant
    for a site that starts empty, as the demo data's does.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
            [PaperSearch._meta.db_table],
        )
        triggers = cursor.fetchall()
        for name, _ in triggers:
            cursor.execute(f"DROP TRIGGER {connection.ops.quote_name(name)}")
    yield
    fill_full_text_tables()
    with connection.cursor() as cursor:
        for _, definition in triggers:
            cursor.execute(definition)


def fill_full_text_tables():
    """SQLite: fill the FTS5 tables afresh from every search row."""
    with connection.cursor() as cursor:
        for table in sorted({table for table, _ in FTS_TIERS + FTS_TIERS_EXCLUDING}):
            cursor.execute(f"INSERT INTO {table}({table}) VALUES ('rebuild')")  # noqa: S608 - our own table names


@receiver(post_save, sender=Paper)
def _index_saved_paper(sender, instance, raw=False, **kwargs):
    if not raw:
        reindex([instance.pk])


@receiver(m2m_changed, sender=TaggedPaper)
def _index_retopiced_paper(sender, instance, action, reverse, **kwargs):
    if not reverse and action in {"post_add", "post_remove", "post_clear"}:
        reindex([instance.pk])


@receiver(post_save, sender=Topic)
def _index_renamed_topic(sender, instance, created, raw=False, **kwargs):
    if not created and not raw:
        reindex(TaggedPaper.objects.filter(tag=instance).values_list("content_object_id", flat=True))


# Searching
#
# Results come in tiers: notes whose title holds the whole search, then notes whose
# title, authors, keywords and topics hold it, then with the summary too, then every
# other match (the body holds some of it); newest first within a tier. A search reads
# each tier newest first and stops after `limit` + 1 matches: a common word costs about
# what a rare one does, and the best `limit` matches are known. A tier is not read at
# all once the tiers before it hold more than `limit` notes.
#
# Why reading `limit` + 1 of each tier is enough: a tier's text includes the text of the
# tiers before it, so each tier includes their matches. When those number m ≤ limit,
# the newest `limit` + 1 matches of the tier hold at most m of them, so they hold the
# newest `limit` + 1 - m of its own: all the list can use.
#
# Each database reads a tier newest first its own way (migration 0010):
# - SQLite: FTS5 tables whose rowid is `recency` (publication second, then id), so
#   MATCH … ORDER BY rowid DESC walks a term's matches newest first and stops. Tiers 0–2
#   search a table of the title, tags and summary alone: a word common in bodies has
#   short lists there.
# - PostgreSQL: a GIN index on each tier's vector, and an index of public papers newest
#   first that also holds their venue and area. The planner either walks that index,
#   filters, and tests each paper's vector until it has enough (a common word), or
#   reads the few matches from the GIN index and sorts them (a rare one). Titles are
#   walked in an index of the search rows newest first that holds their vectors
#   (migration 0016): a title is tested there without reading its row.
#   A phrase is the exception, in the whole note's tier: the GIN index knows the words of
#   a note, not where they are, and the planner cannot tell how many notes hold the
#   words in that order, so it would guess. "existing training loop" is in nearly half
#   the notes, "1 gsm8k wer" in a quarter of a percent though each of its words is in
#   one note in ten. So that tier walks a bounded number of notes newest first, which is
#   enough when the phrase is common: first PHRASE_WALK[0] times the list, then, if
#   what it found promises enough there, PHRASE_WALK[1] times; otherwise it reads the
#   notes holding each pair of the phrase's neighbouring words from a GIN index of pairs
#   (migration 0011): about as many as hold the phrase, of which only the newest are
#   tested. The other tiers read a phrase that way from the start.

RECENCY_SCALE = 10**9  # paper ids stay below this
# SQLite: each tier's FTS5 table and column filter (None: all of the table's columns).
# Tiers 0–2 read the table of titles, tags and summaries, where a word common in bodies
# has a short list; with words excluded, every tier reads the whole note's table, so
# that NOT sees the body too.
FTS_TIERS = [
    ("papers_paper_head_fts", "title"),
    ("papers_paper_head_fts", "title tags"),
    ("papers_paper_head_fts", None),
    ("papers_paper_fts", None),
]
FTS_TIERS_EXCLUDING = [
    ("papers_paper_fts", "title"),
    ("papers_paper_fts", "title tags"),
    ("papers_paper_fts", "title tags summary"),
    ("papers_paper_fts", None),
]
# PostgreSQL: each tier's vector in papers_papersearch.
TIER_VECTORS = ["title_vector", "title_tags_vector", "head_vector", "vector"]
TIERS = range(len(TIER_VECTORS))
# PostgreSQL, a phrase in the whole note: the newest notes walked, in lists' lengths,
# first and at most. Walking a note costs about what reading one found by the pairs'
# index does (its row is read for its recency; only the newest are tested). A phrase in
# a share s of 100,000 notes needs `limit` / s walked, or 100,000 × s read through the
# pairs: the same at s ≈ 1/16 for a list of 500, when either reads 6,000 to 8,000. The
# short first walk spares the long one for a phrase it shows is rare.
PHRASE_WALK = (4, 16)


def recency(paper):
    """The paper's place in newest-first order, SQLite's FTS5 rowid: its publication
    second (0 without a date), then its id. Migration 0010 computes it in SQL too."""
    seconds = int(paper.published_at.timestamp()) if paper.published_at else 0
    return seconds * RECENCY_SCALE + paper.pk


def newest_public_recency():
    """No public paper's recency is higher: a scan newest first may start there, past notes
    scheduled for later (they would head every newest-first scan, only to be filtered out)."""
    return (int(timezone.now().timestamp()) + 1) * RECENCY_SCALE - 1


def hits_sql(query):
    """SQL and params selecting the ids of the papers whose text matches `query`, in no order."""
    if connection.vendor == "sqlite":
        sql = """SELECT s.paper_id FROM papers_paper_fts
            JOIN papers_papersearch s ON s.recency = papers_paper_fts.rowid
            WHERE papers_paper_fts MATCH %s"""
        return sql, [search_query.fts5_expression(query)]
    if connection.vendor == "postgresql":
        sql = "SELECT paper_id FROM papers_papersearch WHERE vector @@ to_tsquery('english'::regconfig, %s)"
        return sql, [search_query.tsquery_expression(query)]
    return "SELECT NULL WHERE FALSE", []


def matching(papers, query):
    """`papers` narrowed to those matching `query` (a search_query.Query); order unchanged."""
    if not query:
        return papers.none()
    # hits_sql() is fixed text; what the reader typed goes in as a parameter.
    return papers.filter(pk__in=RawSQL(*hits_sql(query)))  # noqa: S611


# The SQL below is fixed text and SQL Django wrote for a queryset; everything a reader
# typed goes in as parameters. Hence the S608 exemptions.

FILTERED_FIELDS = ["pk", "published_at", "venue_id", "area_id"]  # what `filtered` holds
# Newest first, on the `newest` column of tier_sql(): unique on SQLite (recency), ties
# by id on PostgreSQL (publication time).
NEWEST_FIRST = "newest DESC, id DESC"


def tier_sql(query, tier, *, limit):
    """SQL and params: (id, venue_id, area_id, newest) of the papers of `filtered` (a
    common table expression of FILTERED_FIELDS) matching `query` in tier `tier` (0–3),
    newest first, at most `limit` (an SQL expression)."""
    if connection.vendor == "sqlite":
        table, columns = (FTS_TIERS_EXCLUDING if query.excluded else FTS_TIERS)[tier]
        # FTS5 cannot be aliased in MATCH here (SQLite 3.40): the table is named.
        sql = f"""
            SELECT f.pk AS id, f.venue_id, f.area_id, {table}.rowid AS newest
            FROM {table}
            JOIN papers_papersearch s ON s.recency = {table}.rowid
            JOIN filtered f ON f.pk = s.paper_id
            WHERE {table} MATCH %s AND {table}.rowid <= %s
            ORDER BY {table}.rowid DESC
            LIMIT {limit}"""  # noqa: S608
        return sql, [search_query.fts5_expression(query, columns=columns), newest_public_recency()]
    if search_query.phrases(query):
        return phrase_tier_sql(query, tier, limit=limit)
    condition, params = tier_condition(query, tier)
    if tier == 0:
        return newest_title_matches(condition, limit=limit), [*params, newest_public_recency()]
    return newest_matches("filtered", "papers_papersearch", condition, limit=limit), params


def newest_title_matches(condition, *, limit):
    """PostgreSQL: SQL of tier_sql()'s rows in the titles' tier, read from the search rows
    newest first (by `recency`, the order of (published_at, id): see
    WholeSecondsDateTimeField), whose index holds each title's vector (migration 0016).
    The walk starts at the newest public recency, past the notes scheduled for later."""
    return f"""
        SELECT f.pk AS id, f.venue_id, f.area_id, f.published_at AS newest
        FROM papers_papersearch s
        JOIN filtered f ON f.pk = s.paper_id
        WHERE {condition} AND s.recency <= %s
        ORDER BY s.recency DESC
        LIMIT {limit}"""  # noqa: S608


def newest_matches(filtered, search_rows, condition, *, limit):
    """PostgreSQL: SQL of tier_sql()'s rows, from `filtered` papers joined to their
    `search_rows` where `condition` holds."""
    return f"""
        SELECT f.pk AS id, f.venue_id, f.area_id, f.published_at AS newest
        FROM {filtered} f
        JOIN {search_rows} s ON s.paper_id = f.pk
        WHERE {condition}
        ORDER BY f.published_at DESC, f.pk DESC
        LIMIT {limit}"""  # noqa: S608


def phrase_tier_sql(query, tier, *, limit):
    """PostgreSQL, tier_sql() of a search with phrases (see "Searching" above): the
    notes holding every pair of each phrase, tested newest first until enough match; and
    in the whole note's tier, first a bounded walk newest first, enough when the phrase
    is common. A phrase of single words between stop words has no pairs: the tier is
    then read as any other."""
    condition, condition_params = tier_condition(query, tier)
    phrases = search_query.phrases(query)
    pairs = " || ".join(["papers_adjacent_pairs(to_tsvector('english'::regconfig, %s))"] * len(phrases))
    found, found_params = f"phrase_pairs @> ({pairs})", list(phrases)
    if tier != TIERS[-1]:
        # And the phrases' words in the tier's text, from its own index: few notes hold a
        # phrase of their body in their title.
        found += f" AND {TIER_VECTORS[tier]} @@ to_tsquery('english'::regconfig, %s)"
        found_params.append(search_query.tsquery_expression(Query(query.groups), phrase=" & "))
    # The notes found, newest first by their search row's `recency` (the order of
    # NEWEST_FIRST), are then joined and tested one by one until `limit` match: a common
    # phrase's thousands of notes are each read once, for their recency, but only the
    # newest are joined and tested. OFFSET 0 keeps the planner from testing them all
    # through the vectors' indexes.
    paired = f"""
        SELECT f.pk AS id, f.venue_id, f.area_id, f.published_at AS newest
        FROM (
            SELECT paper_id, recency FROM papers_papersearch WHERE {found}
            ORDER BY recency DESC OFFSET 0
        ) found
        JOIN filtered f ON f.pk = found.paper_id
        CROSS JOIN LATERAL (
            SELECT 1 FROM papers_papersearch s WHERE s.paper_id = found.paper_id AND {condition} OFFSET 0
        ) tested
        ORDER BY found.recency DESC
        LIMIT {limit}"""  # noqa: S608
    unpaired = newest_matches("filtered", "papers_papersearch", condition, limit=limit)
    sql = f"""
        SELECT * FROM ({paired}) paired WHERE cardinality({pairs}) > 0
        UNION ALL
        SELECT * FROM ({unpaired}) unpaired WHERE cardinality({pairs}) = 0"""  # noqa: S608
    params = [*found_params, *condition_params, *phrases, *condition_params, *phrases]
    if tier != TIERS[-1]:
        return sql, params

    # Note by note, newest first: LATERAL … OFFSET 0 keeps the planner from reading the
    # phrase's words from the index instead, thousands of notes, to join them.
    def walk(skipped, lists):
        return f"""
        SELECT f.pk AS id, f.venue_id, f.area_id, f.published_at AS newest
        FROM (
            SELECT * FROM filtered ORDER BY published_at DESC, pk DESC
            OFFSET {limit * skipped} LIMIT {limit * lists}
        ) f,
        LATERAL (SELECT 1 FROM papers_papersearch s WHERE s.paper_id = f.pk AND {condition} OFFSET 0) found
        ORDER BY f.published_at DESC, f.pk DESC
        LIMIT {limit}"""  # noqa: S608

    short, long = PHRASE_WALK
    first = walk(0, short)
    # The long walk goes on where the short one ended, with what it found (all of it: it
    # found fewer than `limit`), instead of testing those notes again.
    most = f"""
        SELECT * FROM (SELECT * FROM first UNION ALL ({walk(short, long - short)})) most
        ORDER BY {NEWEST_FIRST} LIMIT {limit}"""  # noqa: S608
    # PostgreSQL runs a CTE, and a subquery of a condition, only when first asked for it.
    found_first, found_most = "(SELECT COUNT(*) FROM first)", "(SELECT COUNT(*) FROM most)"
    promising = f"{found_first} * {long} >= {limit} * {short}"
    sql = f"""
        SELECT * FROM (
            WITH first AS MATERIALIZED ({first}), most AS MATERIALIZED ({most})
            SELECT * FROM first WHERE {found_first} >= {limit}
            UNION ALL
            SELECT * FROM most WHERE {found_first} < {limit} AND {promising} AND {found_most} >= {limit}
            UNION ALL
            SELECT * FROM ({sql}) scan
            WHERE {found_first} < {limit} AND (NOT ({promising}) OR {found_most} < {limit})
        ) phrase_tier"""  # noqa: S608
    return sql, [*condition_params, *condition_params, *params]


def tier_condition(query, tier):
    """PostgreSQL: SQL and params testing a search row `s` for a match in tier `tier`."""
    wanted, excluded = search_query.tsquery_parts(query)
    condition, params = f"s.{TIER_VECTORS[tier]} @@ to_tsquery('english'::regconfig, %s)", [wanted]
    if excluded:
        condition += " AND NOT s.vector @@ to_tsquery('english'::regconfig, %s)"
        params.append(excluded)
    return condition, params


def _search_sql(papers, query, limit):
    """One statement for the best `limit` + 1 matches of the filtered queryset `papers`
    and the counts of the best `limit`, with its params.

    Its rows: (0, paper id, NULL, place in the list) for each match found, in no set order;
    (1, venue id, area id, count); (2, topic id, NULL, count).
    """
    limit = int(limit)
    filtered_sql, params = _sql(papers, FILTERED_FIELDS)
    ctes = [f"filtered AS NOT MATERIALIZED ({filtered_sql})"]
    head_table = None if query.excluded else FTS_TIERS[0][0]
    if connection.vendor == "sqlite" and head_table:
        # Tiers 0–2 read the same table. When no note's title, tags or summary holds the
        # search, one probe that finds nothing spares all three: each would read its
        # words' whole lists to find nothing (6 ms each for a phrase of common words).
        ctes.append(
            f"head_match AS MATERIALIZED (SELECT 1 FROM {head_table} "  # noqa: S608
            f"WHERE {head_table} MATCH %s AND rowid <= %s LIMIT 1)"
        )
        params += [search_query.fts5_expression(query), newest_public_recency()]
    for tier in TIERS:
        # Read only while the tiers before hold `limit` or fewer (see above).
        enough_before = [f"(SELECT COUNT(*) FROM tier{n}) <= {limit}" for n in range(tier)]  # noqa: S608
        if connection.vendor == "sqlite":
            if head_table and FTS_TIERS[tier][0] == head_table:
                enough_before.insert(0, "EXISTS (SELECT 1 FROM head_match)")
            # SQLite skips a scan whose LIMIT is 0; a condition in WHERE is tested row by row.
            size = (
                f"CASE WHEN {' AND '.join(enough_before)} THEN {limit + 1} ELSE 0 END"
                if enough_before
                else limit + 1
            )
            sql, tier_params = tier_sql(query, tier, limit=size)
        else:
            # PostgreSQL tests a condition on no column once, and skips the scan if false.
            sql, tier_params = tier_sql(query, tier, limit=limit + 1)
            if tier:
                sql = f"SELECT * FROM ({sql}) scan WHERE {' AND '.join(enough_before)}"  # noqa: S608
        ctes.append(f"tier{tier} AS MATERIALIZED ({sql})")
        params += tier_params
    found = " UNION ALL ".join(f"SELECT {tier} AS tier, * FROM tier{tier}" for tier in TIERS)  # noqa: S608
    sql = f"""
        WITH {", ".join(ctes)},
        best AS MATERIALIZED (
            SELECT id, venue_id, area_id,
                ROW_NUMBER() OVER (ORDER BY MIN(tier), {NEWEST_FIRST}) AS place
            FROM ({found}) found
            GROUP BY id, venue_id, area_id, newest
            ORDER BY place
            LIMIT {limit + 1}
        ),
        listed AS MATERIALIZED (SELECT * FROM best WHERE place <= {limit})
        SELECT 0, id, NULL, place FROM best
        UNION ALL
        SELECT 1, venue_id, area_id, COUNT(*) FROM listed GROUP BY venue_id, area_id
        UNION ALL
        SELECT 2, t.tag_id, NULL, COUNT(*)
        FROM listed l CROSS JOIN papers_taggedpaper t  -- in this order, on SQLite too
        WHERE t.content_object_id = l.id
        GROUP BY t.tag_id"""  # noqa: S608
    return sql, params


class SearchResults:
    """The best matches of a search among the papers of a filtered queryset, with their
    counts by venue, area and topic: a sequence a Paginator pages through.

    At most `settings.SEARCH_MATCH_LIMIT` matches are listed and counted: the best ones
    (see above). `more` tells whether others exist; narrowing the search (a venue, an
    area, a topic, another word) then lists them. One statement finds the matches and
    their counts, when the Paginator first asks how many there are; a page's papers are
    then one fetch, best first or in the order of the queryset when another is chosen.
    """

    def __init__(self, papers, query, *, venues, areas, topics, chosen_order=False):
        self.papers = papers  # filtered, for the list (select_related, annotations, order)
        self.query = query
        self.names = {"venue": venues, "area": areas, "topic": topics}  # objects by id
        self.chosen_order = chosen_order
        self.limit = settings.SEARCH_MATCH_LIMIT
        self.more = False
        self.facets = None
        self._ids = None  # the listed ids, best first

    def count(self):
        if self._ids is None:
            self._run()
        return len(self._ids)

    def __len__(self):
        return self.count()

    def __getitem__(self, window):
        if not isinstance(window, slice):
            raise TypeError("SearchResults pages by slices only")
        self.count()
        if self.chosen_order:
            return list(self.papers.filter(pk__in=self._ids)[window])
        ids = self._ids[window]
        by_id = self.papers.order_by().in_bulk(ids)
        return [by_id[pk] for pk in ids if pk in by_id]

    def _run(self):
        sql, params = _search_sql(self.papers, self.query, self.limit)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        found = sorted((row for row in rows if row[0] == 0), key=lambda row: row[3])
        self.more = len(found) > self.limit
        self._ids = [row[1] for row in found[: self.limit]]
        venues, areas = Counter(), Counter()
        for _, venue_id, area_id, count in (row for row in rows if row[0] == 1):
            venues[venue_id] += count
            areas[area_id] += count
        self.facets = {
            "venue": _named(venues, self.names["venue"]),
            "area": _named(areas, self.names["area"]),
            "topic": _named({row[1]: row[3] for row in rows if row[0] == 2}, self.names["topic"]),
        }


def _sql(papers, fields):
    """The SQL of `papers` (unordered, only `fields`) with its params, to use as a subquery."""
    sql, params = papers.order_by().values(*fields).query.sql_with_params()
    return sql, list(params)


def _named(counts, objects):
    """[{"slug", "name", "count"}], largest first, then by name; at most FACET_SIZE."""
    named = [
        {"slug": objects[pk].slug, "name": objects[pk].name, "count": count}
        for pk, count in counts.items()
        if pk in objects
    ]
    return sorted(named, key=lambda item: (-item["count"], item["name"]))[:FACET_SIZE]


# Snippets


def highlighter(query):
    """A regex that finds the words of `query` in plain text, or None."""
    patterns = []
    for term in query.terms:
        parts = []
        for index, word in enumerate(term.words):
            if is_cjk(word):
                parts.append(re.escape(word))
            else:
                # The start of the word and any ending: "models" finds "model", "modelling".
                stem = _stem(word)
                last = index == len(term.words) - 1
                tail = r"\w*" if (last and term.prefix) or stem != word else r"\w{0,3}"
                parts.append(rf"(?<!\w){re.escape(stem)}{tail}")
        patterns.append(r"\W+".join(parts))
    if not patterns:
        return None
    return re.compile("|".join(sorted(patterns, key=len, reverse=True)), re.IGNORECASE)


def _stem(word):
    for ending in ("ing", "ies", "es", "ed", "ly", "s"):
        if len(word) > len(ending) + 3 and word.endswith(ending):
            return word[: -len(ending)]
    return word


def plain_text(markdown_text):
    """Markdown as readable running text: markup, link targets and line breaks dropped,
    math kept as written (on one line)."""
    formulas = []

    def set_aside(math):
        formulas.append(" ".join(math.group().split()))
        return f"\x00{len(formulas) - 1}\x00"

    # A page of results reads forty texts: the cheap tests and str methods go first.
    has_math = "$" in markdown_text or "\\" in markdown_text
    text = MATH.sub(set_aside, markdown_text) if has_math else markdown_text
    text = MARKDOWN_LINK.sub(r"\1", text) if "](" in text else text
    text = MARKDOWN_MARKERS.sub(" ", text)
    text = " ".join(MARKDOWN_EMPHASIS.sub(" ", text).split())
    if not formulas:
        return text
    return MATH_PLACEHOLDER.sub(lambda placeholder: formulas[int(placeholder.group(1))], text)


def snippet(paper, finder):
    """HTML: the part of the paper's summary or body where `finder` matches first, with
    the matches marked; the start of the summary when only the title or tags match."""
    summary = plain_text(paper.summary)
    for text in (summary, plain_text(paper.body)):
        found = finder.search(text) if finder else None
        if found:
            start = max(0, found.start() - SNIPPET_LENGTH // 4)
            if start:
                space = text.find(" ", start)
                start = space + 1 if 0 <= space < found.start() else start
            return _marked(text, start, finder)
    return _marked(summary, 0, finder)


def _marked(text, start, finder):
    end = min(len(text), start + SNIPPET_LENGTH)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    formulas = list(MATH.finditer(text)) if "$" in text or "\\" in text else []
    for math in formulas:  # a formula is shown whole
        if math.start() < start < math.end():
            start = math.start()
        if math.start() < end < math.end():
            end = math.end()
    pieces, position = [], start
    for math in formulas:
        if start <= math.start() and math.end() <= end:
            pieces += [_marked_words(text[position : math.start()], finder), _math_html(math.group())]
            position = math.end()
    pieces.append(_marked_words(text[position:end], finder))
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(prefix + "".join(pieces) + suffix)  # noqa: S308 - every piece of text is escaped


def _marked_words(text, finder):
    """Escaped text with the matches of `finder` marked."""
    pieces, position = [], 0
    for match in finder.finditer(text) if finder else []:
        pieces += [escape(text[position : match.start()]), "<mark>", escape(match.group()), "</mark>"]
        position = match.end()
    pieces.append(escape(text[position:]))
    return "".join(pieces)


def _math_html(source):
    """Math for static/js/math.js to typeset, as papers/markdown.py writes inline math."""
    return f'<span class="math math-inline">{escape(source)}</span>'


def add_snippets(papers, query):
    """Give each paper of a page of results its `snippet`."""
    finder = highlighter(query)
    for paper in papers:
        paper.snippet = snippet(paper, finder)


def suggestions(text, *, limit=10):
    """Public papers whose titles match what is typed so far, newest first."""
    query = search_query.parse(text)
    if not query:
        return []
    public, params = _sql(Paper.objects.published(), FILTERED_FIELDS)
    title_sql, title_params = tier_sql(query, 0, limit=int(limit))
    with connection.cursor() as cursor:
        cursor.execute(f"WITH filtered AS NOT MATERIALIZED ({public}) {title_sql}", [*params, *title_params])
        ids = [row[0] for row in cursor.fetchall()]
    fields = ["title", "slug", "venue__slug", "venue__name", "area__slug"]
    papers = Paper.objects.select_related("venue", "area").only(*fields).in_bulk(ids)
    return [papers[pk] for pk in ids if pk in papers]
