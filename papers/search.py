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

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Count, F
from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver
from django.utils.html import escape
from django.utils.safestring import mark_safe

from papers import search_query
from papers.models import Paper, PaperSearch, TaggedPaper, Topic
from papers.search_query import index_text, is_cjk
from venues.models import Area, Venue

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


def matching(papers, query, *, title_only=False):
    """`papers` narrowed to those matching `query` (a search_query.Query), annotated with
    `search_rank` (higher is better) and ordered best first, then newest."""
    if not query:
        return papers.none()
    if connection.vendor == "sqlite":
        expression = search_query.fts5_expression(query, column="title" if title_only else None)
        # FTS5's rank is bm25 with the column weights set in migration 0005: lower is better.
        return (
            papers.filter(fts_entry__document__match=expression)
            .annotate(search_rank=-F("fts_entry__rank"))
            .order_by("-search_rank", "-published_at", "pk")
        )
    if connection.vendor == "postgresql":
        raw = search_query.tsquery_expression(query, weights="A" if title_only else "")
        tsquery = SearchQuery(raw, search_type="raw", config="english")
        return (
            papers.filter(tsv_entry__vector=tsquery)
            .annotate(search_rank=SearchRank(F("tsv_entry__vector"), tsquery, weights=RANK_WEIGHTS))
            .order_by("-search_rank", "-published_at", "pk")
        )
    return papers.none()


def facets(papers):
    """Counts by venue, area and topic of `papers` (a matched queryset), largest first."""
    matched = papers.order_by().values("pk")

    def counts(model, link):
        return list(
            model.objects.filter(**{f"{link}__in": matched})
            .values("slug", "name")
            .annotate(count=Count(link))
            .order_by("-count", "name")[:FACET_SIZE]
        )

    return {
        "venue": counts(Venue, "papers"),
        "area": counts(Area, "papers"),
        "topic": counts(Topic, "tagged_papers__content_object"),
    }


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
    return list(papers.only("title", "slug", "venue__slug", "venue__name", "area__slug")[:limit])
