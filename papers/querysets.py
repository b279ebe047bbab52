"""Every read the public pages make, as QuerySet methods.

The one rule that decides what the public may see lives in `published_q`: a paper is
public when its status is "published" and its publication time has passed. Every
public count and list is computed from it, whether it is applied to papers directly
(`Paper.objects.published()`) or through a relation (`published_q("papers__")`).
"""

from functools import reduce
from operator import add

from django.db import connections, models
from django.db.models import Case, Count, Exists, F, FloatField, Func, OuterRef, Q, Subquery, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce, Collate, NullIf
from django.utils import timezone

RATING_FIELDS = ("rating_novelty", "rating_experiments", "rating_writing", "rating_value")

# Related notes are chosen among at most this many papers per topic of the note.
RELATED_CANDIDATES = 300


# "published" written into the SQL, not passed as a parameter: the partial indexes of
# public papers (WHERE status = 'published') can then answer a query from the index
# alone. SQLite cannot tell that a bound parameter matches an index's condition, and
# reads every row to check it (at 100,000 notes: 160 ms against 12 ms for one count).
PUBLISHED = RawSQL("'published'", [], output_field=models.CharField())


def published_q(prefix=""):
    """The condition for a public paper, reached through `prefix` (e.g. "papers__")."""
    return Q(**{f"{prefix}status": PUBLISHED, f"{prefix}published_at__lte": timezone.now()})


def code_point_order(queryset, field):
    """Order by `field` character by character on every database.

    SQLite compares code points already; PostgreSQL follows the database's locale
    unless told to use the "C" collation.
    """
    if connections[queryset.db].vendor == "postgresql":
        return Collate(F(field), "C").asc()
    return F(field).asc()


def union_all(querysets, *, limit=None):
    """The rows of each of `querysets` (one column each; the first `limit` of each, if
    given), for `pk__in=`: one query however many there are.

    Django's union() will not take sliced querysets on SQLite, and an OR of `pk__in`
    subqueries makes PostgreSQL test every row of the outer table against each of them.
    Each part is wrapped in its own subquery, as a LIMIT inside UNION ALL needs.
    """
    parts, params = [], []
    for index, queryset in enumerate(querysets):
        if limit is not None:
            queryset = queryset[:limit]
        sql, part_params = queryset.query.sql_with_params()
        parts.append(f"SELECT * FROM ({sql}) AS part_{index}")  # noqa: S608 - SQL Django wrote
        params.extend(part_params)
    return RawSQL(" UNION ALL ".join(parts), params)  # noqa: S611 - values go in as parameters


class PaperCountsMixin:
    """`with_paper_counts()` for models that papers point at: the admin's lists show
    them. Public pages take their counts from papers/site_counts.py."""

    #: How to reach a paper from this model, as a lookup prefix.
    paper_path = "papers__"
    #: How a paper reaches this model, as a lookup from Paper; when set, each row's
    #: count is a subquery (see with_paper_counts).
    paper_link = None

    def with_paper_counts(self, **paper_filters):
        """Annotate `paper_count`: public papers, narrowed by `paper_filters` lookups.

        With `paper_link` (venues, areas: a few dozen rows, each with thousands of
        papers), a count for each row in a subquery, answered from the partial indexes
        of public papers; a join with COUNT(… FILTER …) reads every paper's row instead
        (at 100,000 notes, the venues: 9 ms against 130 ms on SQLite). Otherwise the join.
        """
        if self.paper_link is None:
            condition = published_q(self.paper_path) & Q(
                **{f"{self.paper_path}{lookup}": value for lookup, value in paper_filters.items()}
            )
            return self.annotate(paper_count=Count(self.paper_path.removesuffix("__"), filter=condition))

        from papers.models import Paper  # the models import this module

        papers = Paper.objects.filter(published_q(), **{self.paper_link: OuterRef("pk")}, **paper_filters)
        # COUNT() as a plain function: no GROUP BY in the subquery, which lets the
        # database answer it from the index alone.
        count = papers.order_by().annotate(count=Func(F("pk"), function="COUNT")).values("count")
        return self.annotate(paper_count=Subquery(count, output_field=models.IntegerField()))

    def with_paper_totals(self):
        """Annotate `paper_count` (public papers) and `paper_total` (papers in any state)."""
        return self.with_paper_counts().annotate(paper_total=Count(self.paper_path.removesuffix("__")))


class PaperQuerySet(models.QuerySet):
    def published(self):
        """What the public may see."""
        return self.filter(published_q())

    def visible_to(self, user):
        """What `user` may open: staff who can view papers see every note (to preview
        drafts and scheduled notes at their public URL); everyone else, the public ones."""
        if user.is_staff and user.has_perm("papers.view_paper"):
            return self.all()
        return self.published()

    def on_topic(self, topic):
        """Papers with `topic`, tested paper by paper: a page of them in title order is
        read from the title index and stops at the page's end, where a join would read
        every link of a popular topic (a third of the site) and sort them all."""
        links = self.model.topics.through.objects.filter(content_object=OuterRef("pk"), tag=topic)
        return self.filter(Exists(links))

    def on_any_topic(self, slugs):
        """Papers with any of the topics of these slugs, each once: tested paper by paper,
        as on_topic(), with no DISTINCT over whole rows to undo a join's repeats."""
        links = self.model.topics.through.objects.filter(content_object=OuterRef("pk"), tag__slug__in=slugs)
        return self.filter(Exists(links))

    def for_list(self):
        """What a list of papers shows: venue and area, no body."""
        return self.select_related("venue", "area").defer("body")

    def in_title_order(self):
        """Case-insensitive title order, the same on every database (see SortKeyField)."""
        return self.order_by("title_sort", "pk")

    def in_venue_order(self):
        """Grouped by venue in the venues' order, then by title."""
        return self.order_by("venue__position", "venue__name", "title_sort", "pk")

    def with_rating(self):
        """Annotate `rating`: the mean of the ratings given, or None when there are none."""
        total = reduce(add, [Coalesce(F(name), Value(0)) for name in RATING_FIELDS])
        given = reduce(
            add,
            [
                Case(When(**{f"{name}__isnull": False}, then=Value(1)), default=Value(0))
                for name in RATING_FIELDS
            ],
        )
        return self.annotate(rating=Cast(total, FloatField()) / Cast(NullIf(given, Value(0)), FloatField()))

    def related_to(self, paper, limit=5):
        """Up to `limit` public papers most like `paper`, in one query.

        They rank by shared topics, then same area, then newest, in any venue. Only
        the RELATED_CANDIDATES most recently added papers of each of its topics, and the
        newest of its area, are ranked: a topic like "LLM" may be on a third of the
        site, and counting shared topics over all of those (every time a note is shown)
        costs more than the rest of the page. Rare topics, the telling ones, are read
        whole. `paper.topics` should be prefetched, so reading them costs no query.
        """
        topic_ids = [topic.pk for topic in paper.topics.all()]
        links = self.model.topics.through.objects
        candidates = union_all(
            [
                *(
                    links.filter(tag_id=topic_id).order_by("-content_object_id").values("content_object_id")
                    for topic_id in topic_ids
                ),
                self.model.objects.published()
                .filter(area_id=paper.area_id)
                .order_by("-published_at")
                .values("pk"),
            ],
            limit=RELATED_CANDIDATES,
        )
        # A count for each candidate in a subquery, not a join grouped by every column.
        shared = (
            links.filter(content_object=OuterRef("pk"), tag_id__in=topic_ids)
            .order_by()
            .annotate(count=Func(F("pk"), function="COUNT"))
            .values("count")
        )
        ranking = {
            "shared_topics": Subquery(shared, output_field=models.IntegerField()),
            "same_area": Case(When(area_id=paper.area_id, then=Value(1)), default=Value(0)),
        }
        order = ("-shared_topics", "-same_area", "-published_at", "pk")
        # Ranked from the narrow index of each candidate; only the chosen few rows are read whole.
        chosen = (
            self.published()
            .filter(pk__in=candidates)
            .exclude(pk=paper.pk)
            .annotate(**ranking)
            .order_by(*order)
            .values("pk")[:limit]
        )
        return self.filter(pk__in=chosen).annotate(**ranking).order_by(*order).for_list()

    def before(self, paper):
        """The paper just before `paper` in title order."""
        earlier = Q(title_sort__lt=paper.title_sort) | Q(title_sort=paper.title_sort, pk__lt=paper.pk)
        return self.filter(earlier).order_by("-title_sort", "-pk").first()

    def after(self, paper):
        """The paper just after `paper` in title order."""
        later = Q(title_sort__gt=paper.title_sort) | Q(title_sort=paper.title_sort, pk__gt=paper.pk)
        return self.filter(later).order_by("title_sort", "pk").first()

    def first_per_area(self, area_ids, per_area):
        """The first `per_area` papers of each of these areas, by title, in one query:
        each area's first few read from the index in title order, not every paper of
        every area ranked."""
        if not area_ids:
            return self.none()
        firsts = union_all(
            [self.filter(area_id=area_id).in_title_order().values("pk") for area_id in area_ids],
            limit=per_area,
        )
        return self.filter(pk__in=firsts).order_by("area_id", "title_sort", "pk")


class TopicQuerySet(PaperCountsMixin, models.QuerySet):
    paper_path = "tagged_papers__content_object__"
