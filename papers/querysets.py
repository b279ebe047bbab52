"""Every read the public pages make, as QuerySet methods.

The one rule that decides what the public may see lives in `published_q`: a paper is
public when its status is "published" and its publication time has passed. Every
public count and list is computed from it, whether it is applied to papers directly
(`Paper.objects.published()`) or through a relation (`published_q("papers__")`).
"""

from functools import reduce
from operator import add

from django.db import connections, models
from django.db.models import Case, Count, F, FloatField, Func, OuterRef, Q, Subquery, Value, When, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce, Collate, NullIf, RowNumber
from django.utils import timezone

RATING_FIELDS = ("rating_novelty", "rating_experiments", "rating_writing", "rating_value")


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


class PaperCountsMixin:
    """`with_paper_counts()` and `listed()` for models that papers point at."""

    #: How to reach a paper from this model, as a lookup prefix.
    paper_path = "papers__"
    #: The order of `listed()`.
    listed_order = ("-paper_count", "name")

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

    def listed(self, **paper_filters):
        """Only those with at least one public paper matching `paper_filters`."""
        return self.with_paper_counts(**paper_filters).filter(paper_count__gt=0).order_by(*self.listed_order)


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

        Candidates share a topic with it or sit in its area, in any venue; they rank
        by shared topics, then same area, then newest. `paper.topics` should be
        prefetched, so that reading its topics costs no query.
        """
        topic_ids = [topic.pk for topic in paper.topics.all()]
        sharing = self.model.objects.filter(tagged_topics__tag_id__in=topic_ids).values("pk")
        return (
            self.published()
            .filter(Q(area_id=paper.area_id) | Q(pk__in=sharing))
            .exclude(pk=paper.pk)
            .annotate(
                shared_topics=Count("tagged_topics", filter=Q(tagged_topics__tag_id__in=topic_ids)),
                same_area=Case(When(area_id=paper.area_id, then=Value(1)), default=Value(0)),
            )
            .order_by("-shared_topics", "-same_area", "-published_at", "pk")
            .for_list()[:limit]
        )

    def before(self, paper):
        """The paper just before `paper` in title order."""
        earlier = Q(title_sort__lt=paper.title_sort) | Q(title_sort=paper.title_sort, pk__lt=paper.pk)
        return self.filter(earlier).order_by("-title_sort", "-pk").first()

    def after(self, paper):
        """The paper just after `paper` in title order."""
        later = Q(title_sort__gt=paper.title_sort) | Q(title_sort=paper.title_sort, pk__gt=paper.pk)
        return self.filter(later).order_by("title_sort", "pk").first()

    def first_per_area(self, per_area):
        """The first `per_area` papers of each area, by title, in one query."""
        return (
            self.annotate(
                area_rank=Window(
                    RowNumber(), partition_by=[F("area_id")], order_by=[F("title_sort"), F("pk")]
                )
            )
            .filter(area_rank__lte=per_area)
            .order_by("area_id", "area_rank")
        )


class TopicQuerySet(PaperCountsMixin, models.QuerySet):
    paper_path = "tagged_papers__content_object__"

    def top_for(self, *, limit, min_count, **paper_filters):
        """The topics most used by the public papers matching `paper_filters`, as a list.

        By count among those papers, descending; ties go to the topic with more public
        papers across the whole site, then to the name (code point order). Only topics
        used at least `min_count` times, at most `limit` of them. Two queries: the counts
        among those papers, then the site-wide counts of only the topics that can still
        take a place (counting every topic across the site would read every link).
        """
        papers = self.paper_path
        on_page = published_q(papers) & Q(
            **{f"{papers}{lookup}": value for lookup, value in paper_filters.items()}
        )
        # filter() before annotate(): the count is of the links to these papers only.
        counted = list(
            self.filter(on_page)
            .annotate(page_count=Count("tagged_papers"))
            .filter(page_count__gte=min_count)
            .order_by("-page_count")
        )
        if len(counted) > limit:
            last_place = counted[limit - 1].page_count
            counted = [topic for topic in counted if topic.page_count >= last_place]
        if not counted:
            return []
        site_counts = dict(
            self.filter(pk__in=[topic.pk for topic in counted])
            .with_paper_counts()
            .values_list("pk", "paper_count")
        )
        for topic in counted:
            topic.site_count = site_counts[topic.pk]
        counted.sort(key=lambda topic: (-topic.page_count, -topic.site_count, topic.name))
        return counted[:limit]
