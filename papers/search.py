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
        tsquery = search_query.tsquery_expression(query, weights="A" if title_only else "")
        return (
            "SELECT paper_id FROM papers_papersearch WHERE vector @@ to_tsquery('english'::regconfig, %s)",
            [tsquery],
        )
    return "SELECT NULL WHERE FALSE", []


def matching(papers, query, *, title_only=False):
    """`papers` narrowed to those matching `query` (a search_query.Query); order unchanged."""
    if not query:
        return papers.none()
    # hits_sql() is fixed text; what the reader typed goes in as a parameter.
    return papers.filter(pk__in=RawSQL(*hits_sql(query, title_only=title_only)))  # noqa: S611


# The SQL below is fixed text and SQL Django wrote for a queryset; everything a reader
# typed goes in as parameters. Hence the S608 exemptions.


def _ranked_sql(filtered_sql, query):
    """SQL selecting the ids of the filtered papers that match, best first, for one window."""
    hits, hit_params = hits_sql(query)
    if connection.vendor == "sqlite":
        # FTS5's rank is bm25 with the column weights of migration 0005 (lower is better),
        # here over the title, tags and summary only.
        head = search_query.fts5_expression(query, column="title tags summary")
        sql = f"""
            WITH filtered(id, published_at) AS ({filtered_sql}),
            head AS (SELECT rowid AS id, rank AS score FROM papers_paper_fts WHERE papers_paper_fts MATCH %s)
            SELECT f.id FROM ({hits}) hits
            JOIN filtered f ON f.id = hits.rowid
            LEFT JOIN head h ON h.id = f.id
            ORDER BY h.score IS NULL, h.score, f.published_at DESC, f.id DESC
            LIMIT %s OFFSET %s"""  # noqa: S608
        return sql, ["filtered", head, *hit_params]
    sql = f"""
        WITH filtered(id, published_at) AS ({filtered_sql})
        SELECT f.id FROM papers_papersearch s
        JOIN filtered f ON f.id = s.paper_id
        WHERE s.vector @@ to_tsquery('english'::regconfig, %s)
        ORDER BY ts_rank(%s::real[], s.rank_vector, to_tsquery('english'::regconfig, %s)) DESC,
            f.published_at DESC, f.id DESC
        LIMIT %s OFFSET %s"""  # noqa: S608
    return sql, ["filtered", *hit_params, RANK_WEIGHTS, *hit_params]


class SearchResults:
    """The papers of a filtered queryset that match a search, best first, as a sequence a
    Paginator pages through: each page is one ranked query and one fetch of its papers."""

    def __init__(self, papers, query, *, count):
        self.papers = papers  # filtered, for the list (select_related, annotations)
        self.query = query
        self._count = count

    def count(self):
        return self._count

    def __len__(self):
        return self._count

    def __getitem__(self, window):
        if not isinstance(window, slice):
            raise TypeError("SearchResults pages by slices only")
        start, stop = window.start or 0, window.stop if window.stop is not None else self._count
        if stop <= start or not self.query:
            return []
        filtered_sql, filtered_params = _filtered(self.papers, "pk", "published_at")
        sql, params = _ranked_sql(filtered_sql, self.query)
        params = [*_expand(params, filtered_params), stop - start, start]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            ids = [row[0] for row in cursor.fetchall()]
        by_id = self.papers.order_by().in_bulk(ids)
        return [by_id[pk] for pk in ids if pk in by_id]


def search(papers, query, *, venues, areas, topics):
    """(SearchResults, facets) of `query` within the filtered queryset `papers`.

    The counts by venue and by area come from one grouped query, whose sum is also the
    number of results; the counts by topic from another. `venues`, `areas` and `topics`
    are the objects already read for the filter form, by id: they name the counts.
    """
    filtered_sql, filtered_params = _filtered(papers, "pk", "venue_id", "area_id")
    hits, hit_params = hits_sql(query)
    matched = f"""
        WITH filtered(id, venue_id, area_id) AS ({filtered_sql})
        SELECT {{columns}} FROM ({hits}) hits
        JOIN filtered f ON f.id = hits.{_hit_id()}
        {{join}} GROUP BY {{group}}"""  # noqa: S608
    params = filtered_params + hit_params
    with connection.cursor() as cursor:
        cursor.execute(
            matched.format(columns="f.venue_id, f.area_id, COUNT(*)", join="", group="f.venue_id, f.area_id"),
            params,
        )
        by_place = cursor.fetchall()
        cursor.execute(
            matched.format(
                columns="t.tag_id, COUNT(*)",
                join="JOIN papers_taggedpaper t ON t.content_object_id = f.id",
                group="t.tag_id",
            ),
            params,
        )
        by_topic = cursor.fetchall()
    venue_counts, area_counts = Counter(), Counter()
    for venue_id, area_id, count in by_place:
        venue_counts[venue_id] += count
        area_counts[area_id] += count
    total = sum(venue_counts.values())
    found = {
        "venue": _named(venue_counts, venues),
        "area": _named(area_counts, areas),
        "topic": _named(dict(by_topic), topics),
    }
    return SearchResults(papers, query, count=total), found


def _hit_id():
    return "rowid" if connection.vendor == "sqlite" else "paper_id"


def _filtered(papers, *fields):
    """The SQL of `papers` (unordered, only `fields`), with its params, to use in a WITH."""
    sql, params = papers.order_by().values(*fields).query.sql_with_params()
    return sql, list(params)


def _expand(params, filtered_params):
    """Put the filtered queryset's params where the placeholder "filtered" stands."""
    index = params.index("filtered")
    return [*params[:index], *filtered_params, *params[index + 1 :]]


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
    """Public papers whose titles match what is typed so far, best first."""
    query = search_query.parse(text)
    if not query:
        return []
    papers = matching(Paper.objects.published().select_related("venue", "area"), query, title_only=True)
    fields = ["title", "slug", "venue__slug", "venue__name", "area__slug"]
    return list(papers.only(*fields).order_by("-published_at", "-pk")[:limit])
