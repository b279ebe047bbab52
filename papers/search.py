"""Full-text search over whole notes, on PostgreSQL and SQLite.

Each paper's searchable text is a PaperSearch row: its title; its authors, keywords and
topics; its summary; its body (CJK runs spelt as pairs, see papers/search_query.py).
`index_papers()` writes those rows: the bulk writers (import, bulk actions, demo data)
call it, and the receivers at the end keep single saves and topic changes current.

Each database searches its own index of those rows (migration 0005): SQLite an FTS5
table ranked by bm25, PostgreSQL a weighted tsvector with a GIN index ranked by
ts_rank. Both rank title matches highest, then authors, keywords and topics, then the
summary, then the body; ties go to the newest note.

Snippets are made here, in Python, from the note's text: the same on both databases,
CJK words included (neither ts_headline nor FTS5's snippet() knows CJK words, and the
index holds them spelt as pairs), and only for the page of results shown.
"""

import re
from collections import Counter

from django.db import connection
from django.db.models.expressions import RawSQL
from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver
from django.utils.html import escape
from django.utils.safestring import mark_safe

from papers import search_query
from papers.models import Paper, PaperSearch, TaggedPaper, Topic
from papers.search_query import index_text, is_cjk

INDEX_BATCH = 500
# ts_rank weights for D (body), C (summary), B (authors, keywords, topics), A (title).
RANK_WEIGHTS = [0.1, 0.2, 0.4, 1.0]
SNIPPET_LENGTH = 240
FACET_SIZE = 12

# Markdown read as running text: links keep their text; markers, table rules and
# emphasis go.
MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
MARKDOWN_MARKERS = re.compile(
    r"(?m)^[ \t]{0,3}(?:#{1,6}|>+|[-*+]|\d+[.)])[ \t]+|^[ \t]*\|?[-:| \t]+\|?[ \t]*$"
)
MARKDOWN_EMPHASIS = re.compile(r"[*_~`|]+|\s+")


# Indexing


def index_texts(paper, topic_names):
    """The columns of a paper's PaperSearch row."""
    tags = " ".join([paper.authors, paper.keywords.replace(",", " "), *topic_names])
    return {
        "title": index_text(paper.title),
        "tags": index_text(tags),
        "summary": index_text(paper.summary),
        "body": index_text(paper.body),
    }


def index_papers(topics_by_paper):
    """Write the search rows of saved papers, given with their topic names ({paper: [names]})."""
    papers = list(topics_by_paper)
    for start in range(0, len(papers), INDEX_BATCH):
        batch = papers[start : start + INDEX_BATCH]
        rows = [
            PaperSearch(paper_id=paper.pk, **index_texts(paper, topics_by_paper[paper])) for paper in batch
        ]
        # Delete, then insert: on SQLite each fires the trigger that updates the FTS table.
        PaperSearch.objects.filter(paper_id__in=[paper.pk for paper in batch]).delete()
        PaperSearch.objects.bulk_create(rows)


def reindex(paper_ids):
    """Rewrite the search rows of the papers with these ids, as they are in the database."""
    paper_ids = sorted(set(paper_ids))
    for start in range(0, len(paper_ids), INDEX_BATCH):
        papers = Paper.objects.filter(pk__in=paper_ids[start : start + INDEX_BATCH]).prefetch_related(
            "topics"
        )
        index_papers({paper: [topic.name for topic in paper.topics.all()] for paper in papers})


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
# A search runs in two steps: the index gives the ids of the matching papers (cheap: no
# ranking), and the filtered queryset of the list narrows them. Ranking is by matches in
# the title, the authors, keywords and topics, and the summary; notes that match only in
# their bodies follow, newest first. Ranking the bodies too would cost a score for every
# match (a common word matches most notes) for an order readers cannot tell apart.


def hits_sql(query, *, title_only=False):
    """SQL and params selecting the ids of the papers whose text matches `query`."""
    if connection.vendor == "sqlite":
        expression = search_query.fts5_expression(query, column="title" if title_only else None)
        return "SELECT rowid FROM papers_paper_fts WHERE papers_paper_fts MATCH %s", [expression]
    if connection.vendor == "postgresql":
        tsquery = search_query.tsquery_expression(query)
        # Titles alone have their own GIN index (migration 0008).
        document = "to_tsvector('english'::regconfig, title)" if title_only else "vector"
        where = f"{document} @@ to_tsquery('english'::regconfig, %s)"
        return f"SELECT paper_id FROM papers_papersearch WHERE {where}", [tsquery]  # noqa: S608
    return "SELECT NULL WHERE FALSE", []


def matching(papers, query, *, title_only=False):
    """`papers` narrowed to those matching `query` (a search_query.Query); order unchanged."""
    if not query:
        return papers.none()
    # hits_sql() is fixed text; what the reader typed goes in as a parameter.
    return papers.filter(pk__in=RawSQL(*hits_sql(query, title_only=title_only)))  # noqa: S611


# The SQL below is fixed text and SQL Django wrote for a queryset; everything a reader
# typed goes in as parameters. Hence the S608 exemptions.


def _search_sql(papers, query):
    """One statement for a page of results and the counts, with its params (the window's
    size and start go last).

    The matching papers of the filtered queryset `papers` are found once (MATERIALIZED),
    then read three ways. Its rows: (0, paper id, NULL, score, published_at, NULL) for
    the papers of the window, in no set order; (1, venue id, area id, NULL, NULL, count);
    (2, topic id, NULL, NULL, NULL, count).
    """
    columns = ["pk", "published_at", "venue_id", "area_id"]  # selected as these names
    if connection.vendor == "sqlite":
        # The papers whose ids the FTS index gives, checked against the filters through
        # the covering index; ranked by FTS5's rank (bm25 with the column weights of
        # migration 0005, lower is better) over the title, tags and summary only.
        found_sql, found_params = _sql(matching(papers, query), columns)
        ctes = f"""
            head AS MATERIALIZED (
                SELECT rowid AS id, -rank AS score FROM papers_paper_fts WHERE papers_paper_fts MATCH %s
            ),
            matched AS MATERIALIZED (
                SELECT f.pk AS id, f.published_at, f.venue_id, f.area_id, h.score
                FROM ({found_sql}) f
                LEFT JOIN head h ON h.id = f.pk
            )"""  # noqa: S608
        params = [search_query.fts5_expression(query, column="title tags summary"), *found_params]
    else:
        # The matches come from the GIN index first (MATERIALIZED): joined freely, the
        # planner may test the vector of every paper a filter leaves, one by one.
        filtered_sql, filtered_params = _sql(papers, columns)
        tsquery = search_query.tsquery_expression(query)
        ctes = f"""
            hits AS MATERIALIZED (
                SELECT paper_id,
                    NULLIF(ts_rank(%s::real[], rank_vector, to_tsquery('english'::regconfig, %s)), 0) AS score
                FROM papers_papersearch
                WHERE vector @@ to_tsquery('english'::regconfig, %s)
            ),
            matched AS MATERIALIZED (
                SELECT f.pk AS id, f.published_at, f.venue_id, f.area_id, h.score
                FROM hits h JOIN ({filtered_sql}) f ON f.pk = h.paper_id
            )"""  # noqa: S608
        params = [RANK_WEIGHTS, tsquery, tsquery, *filtered_params]
    sql = f"""
        WITH {ctes}
        SELECT * FROM (
            SELECT 0, id, CAST(NULL AS BIGINT), score, published_at, CAST(NULL AS BIGINT) FROM matched
            ORDER BY score IS NULL, score DESC, published_at DESC, id DESC
            LIMIT %s OFFSET %s
        ) page
        UNION ALL
        SELECT 1, venue_id, area_id, NULL, NULL, COUNT(*) FROM matched GROUP BY venue_id, area_id
        UNION ALL
        SELECT 2, t.tag_id, NULL, NULL, NULL, COUNT(*)
        FROM matched m CROSS JOIN papers_taggedpaper t
        WHERE t.content_object_id = m.id
        GROUP BY t.tag_id"""  # noqa: S608
    return sql, params


class SearchResults:
    """The papers of a filtered queryset that match a search, best first, with their
    counts by venue, area and topic: a sequence a Paginator pages through.

    One statement gives a page and the counts (`_search_sql`); it is run for the page
    the reader asked for, when the Paginator first asks how many results there are,
    and again only if that page does not exist. A page's papers are then one fetch.
    """

    def __init__(self, papers, query, *, window, venues, areas, topics, ordered=None):
        self.papers = papers  # filtered, for the list (select_related, annotations)
        self.query = query
        self.window = window  # (start, stop) of the page asked for
        self.names = {"venue": venues, "area": areas, "topic": topics}  # objects by id
        self.ordered = ordered  # the matches in another order than best first, if chosen
        self._windows = []  # (start, stop, ids) of each window run
        self._count = None
        self.facets = None

    def count(self):
        if self._count is None:
            self._run(*self.window)
        return self._count

    def __len__(self):
        return self.count()

    def __getitem__(self, window):
        if not isinstance(window, slice):
            raise TypeError("SearchResults pages by slices only")
        if self.ordered is not None:
            return list(self.ordered[window])
        start, stop = window.start or 0, window.stop
        ids = self._ids(start, stop)
        by_id = self.papers.order_by().in_bulk(ids)
        return [by_id[pk] for pk in ids if pk in by_id]

    def _ids(self, start, stop):
        for run_start, run_stop, ids in self._windows:
            if run_start <= start and stop <= run_stop:
                return ids[start - run_start : stop - run_start]
        self._run(start, stop)
        return self._windows[-1][2]

    def _run(self, start, stop):
        sql, params = _search_sql(self.papers, self.query)
        size = stop - start if stop is not None else 2**62
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, size, start])
            rows = cursor.fetchall()
        # The page's order, as in the SQL: score (none last), then newest, then id.
        page = sorted((row for row in rows if row[0] == 0), key=lambda row: (row[4], row[1]), reverse=True)
        page.sort(key=lambda row: (row[3] is None, -(row[3] or 0)))
        self._windows.append((start, stop, [row[1] for row in page]))
        if self._count is None:
            venues, areas = Counter(), Counter()
            for _, venue_id, area_id, _, _, count in (row for row in rows if row[0] == 1):
                venues[venue_id] += count
                areas[area_id] += count
            topics = {row[1]: row[5] for row in rows if row[0] == 2}
            self._count = sum(venues.values())
            self.facets = {
                "venue": _named(venues, self.names["venue"]),
                "area": _named(areas, self.names["area"]),
                "topic": _named(topics, self.names["topic"]),
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
    """Markdown as readable running text: markup, link targets and line breaks dropped."""
    text = MARKDOWN_LINK.sub(r"\1", markdown_text)
    text = MARKDOWN_MARKERS.sub(" ", text)
    return MARKDOWN_EMPHASIS.sub(" ", text).strip()


def snippet(paper, finder):
    """HTML: the part of the paper's summary or body where `finder` matches first, with
    the matches marked; the start of the summary when only the title or tags match."""
    for source in (paper.summary, paper.body):
        text = plain_text(source)
        found = finder.search(text) if finder else None
        if found:
            start = max(0, found.start() - SNIPPET_LENGTH // 4)
            if start:
                space = text.find(" ", start)
                start = space + 1 if 0 <= space < found.start() else start
            return _marked(text, start, finder)
    return _marked(plain_text(paper.summary), 0, finder)


def _marked(text, start, finder):
    end = min(len(text), start + SNIPPET_LENGTH)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    window = text[start:end]
    pieces, position = [], 0
    for match in finder.finditer(window) if finder else []:
        pieces += [escape(window[position : match.start()]), "<mark>", escape(match.group()), "</mark>"]
        position = match.end()
    pieces.append(escape(window[position:]))
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(prefix + "".join(pieces) + suffix)  # noqa: S308 - every piece of text is escaped


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
    # The matching titles first, then the newest public ones among them: left to itself,
    # a planner may walk every public paper newest first and test each title.
    hits, hit_params = hits_sql(query, title_only=True)
    public, public_params = _sql(Paper.objects.published(), ["pk", "published_at"])
    sql = f"""
        WITH hits(id) AS MATERIALIZED ({hits})
        SELECT f.pk FROM ({public}) f JOIN hits h ON h.id = f.pk
        ORDER BY f.published_at DESC, f.pk DESC LIMIT %s"""  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*hit_params, *public_params, limit])
        ids = [row[0] for row in cursor.fetchall()]
    fields = ["title", "slug", "venue__slug", "venue__name", "area__slug"]
    papers = Paper.objects.select_related("venue", "area").only(*fields).in_bulk(ids)
    return [papers[pk] for pk in ids if pk in papers]
