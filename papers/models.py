"""Papers, the notes written about them, and the topics they are filed under."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager
from taggit.models import ItemBase, TagBase

from papers.fields import SortKeyField, WholeSecondsDateTimeField
from papers.querysets import RATING_FIELDS, PaperQuerySet, TopicQuerySet


class Topic(TagBase):
    """A theme that cuts across areas and venues (LLM, Alignment/RLHF, …)."""

    objects = TopicQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = "topic"
        verbose_name_plural = "topics"

    def get_absolute_url(self):
        return reverse("papers:topic", kwargs={"topic": self.slug})


class PaperTopicsSnapshot(models.Model):
    """What a paper's historical record keeps beyond its own columns: its topics.

    Topics live in another table (the taggit through model), so each record of a paper
    also notes the names of the topics it had then; the admin shows and restores them
    with the rest (see papers/history.py).
    """

    topic_names = models.TextField(blank=True, default="", help_text="One topic name a line.")

    class Meta:
        abstract = True

    @property
    def topic_list(self):
        return [name for name in self.topic_names.split("\n") if name]


class Paper(models.Model):
    class Presentation(models.TextChoices):
        NONE = "", "—"
        ORAL = "oral", "Oral"
        SPOTLIGHT = "spotlight", "Spotlight"
        HIGHLIGHT = "highlight", "Highlight"
        POSTER = "poster", "Poster"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        REVIEW = "review", "In review"
        PUBLISHED = "published", "Published"

    venue = models.ForeignKey("venues.Venue", on_delete=models.PROTECT, related_name="papers")
    area = models.ForeignKey("venues.Area", on_delete=models.PROTECT, related_name="papers")
    title = models.CharField(max_length=500)
    title_sort = SortKeyField(max_length=500, source="title")
    slug = models.SlugField(
        max_length=255,
        allow_unicode=True,
        help_text="The last part of the note's URL; unique within the venue.",
    )
    summary = models.TextField(blank=True, help_text="The one-paragraph TL;DR shown in lists. Markdown.")
    body = models.TextField(blank=True, help_text="The note itself. Markdown, with $…$ math.")
    authors = models.TextField(blank=True)
    arxiv_id = models.CharField("arXiv id", max_length=50, blank=True, help_text="e.g. 2501.01234")
    paper_url = models.URLField(max_length=500, blank=True)
    code_url = models.URLField(max_length=500, blank=True)
    keywords = models.TextField(blank=True, help_text="Comma-separated.")
    presentation = models.CharField(max_length=20, choices=Presentation.choices, blank=True)
    rating_novelty = models.PositiveSmallIntegerField(
        "novelty", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rating_experiments = models.PositiveSmallIntegerField(
        "experiments", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rating_writing = models.PositiveSmallIntegerField(
        "writing", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rating_value = models.PositiveSmallIntegerField(
        "value", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = WholeSecondsDateTimeField(
        null=True, blank=True, help_text="When the note goes public; a future time schedules it."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    topics = TaggableManager(through="papers.TaggedPaper", blank=True, verbose_name="topics")

    objects = PaperQuerySet.as_manager()
    # Every change, by whom and when. The sort key and the edit time follow from the
    # rest, so they would only add noise to each record's list of changes.
    history = HistoricalRecords(bases=[PaperTopicsSnapshot], excluded_fields=["title_sort", "updated_at"])

    class Meta:
        ordering = ["title_sort", "pk"]
        permissions = [("publish_paper", "Can publish, schedule and unpublish papers")]
        constraints = [
            models.UniqueConstraint(
                fields=["venue", "slug"],
                name="paper_slug_unique_per_venue",
                violation_error_message="A paper with this slug already exists in this venue.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "review", "published"]), name="paper_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(presentation__in=["", "oral", "spotlight", "highlight", "poster"]),
                name="paper_presentation_valid",
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__range": (1, 5)}),
                    name=f"paper_{name}_1_to_5",
                    violation_error_message="Ratings run from 1 to 5.",
                )
                for name in RATING_FIELDS
            ),
        ]
        # Partial indexes over public papers only, for the lookups the public pages make.
        # Lists in title order within a venue×area (and each area's first notes on a
        # venue page) and within a venue (a topic's notes, venue by venue; the list
        # filtered by venue) are read in order, not sorted; the publication time at the
        # end answers "has it passed?" from the index alone, counts included.
        indexes = [
            models.Index(
                fields=["venue", "area", "title_sort", "id", "published_at"],
                condition=Q(status="published"),
                name="paper_public_title_idx",
            ),
            models.Index(
                fields=["venue", "title_sort", "id", "published_at"],
                condition=Q(status="published"),
                name="paper_public_venue_title_idx",
            ),
            # Every public note in title order (the list with no filter chosen).
            models.Index(
                fields=["title_sort", "id", "published_at"],
                condition=Q(status="published"),
                name="paper_public_title_sort_idx",
            ),
            # An area across venues, newest first (feeds, related notes).
            models.Index(
                fields=["area", "published_at"],
                condition=Q(status="published"),
                name="paper_public_area_idx",
            ),
            models.Index(
                fields=["published_at"], condition=Q(status="published"), name="paper_public_date_idx"
            ),
            models.Index(fields=["title_sort"], name="paper_title_sort_idx"),
            models.Index(fields=["status", "updated_at"], name="paper_status_updated_idx"),
            # Covers what a search checks of each match (public? which venue and area?)
            # without reading the wide rows: tens of thousands of matches for a common word.
            models.Index(
                fields=["id", "status", "published_at", "venue", "area"], name="paper_search_filter_idx"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        # A list page asks each of its hundred notes for this twice (the link and the
        # page's structured data); each reverse() costs a tenth of a millisecond.
        kwargs = {"venue": self.venue.slug, "area": self.area.slug, "paper": self.slug}
        if getattr(self, "_url_for", None) != kwargs:
            self._url_for, self._url = kwargs, reverse("papers:detail", kwargs=kwargs)
        return self._url

    @property
    def is_public(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def ratings(self):
        """(label, value) for each rating given, in display order."""
        return [
            (self._meta.get_field(name).verbose_name.capitalize(), getattr(self, name))
            for name in RATING_FIELDS
            if getattr(self, name) is not None
        ]

    @property
    def keyword_list(self):
        return [word.strip() for word in self.keywords.split(",") if word.strip()]

    @property
    def arxiv_url(self):
        return f"https://arxiv.org/abs/{self.arxiv_id}" if self.arxiv_id else ""


class TaggedPaper(ItemBase):
    """The link between a paper and one of its topics."""

    content_object = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="tagged_topics")
    tag = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="tagged_papers")

    class Meta:
        verbose_name = "paper topic"
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="tagged_paper_unique"),
        ]
        # A topic's papers, newest added first, from the index alone (related notes).
        indexes = [models.Index(fields=["tag", "content_object"], name="tagged_paper_topic_idx")]


class PaperSearch(models.Model):
    """The searchable text of a paper, kept current by papers/search.py.

    Runs of Chinese, Japanese and Korean characters are spelt as their overlapping
    pairs (see papers/search_query.py). Each database indexes these columns its own way,
    set up by migrations for that database only (0005 to 0016): on SQLite FTS5 tables kept
    in sync by triggers, whose rowid is `recency`; on PostgreSQL tsvector columns filled by
    a trigger, with GIN indexes, and the titles' vectors in a B-tree by `recency`.
    papers/search.py queries them.
    """

    paper = models.OneToOneField(Paper, on_delete=models.CASCADE, primary_key=True, related_name="search")
    title = models.TextField()
    tags = models.TextField(help_text="Authors, keywords and topics.")
    summary = models.TextField()
    body = models.TextField()
    recency = models.BigIntegerField(
        help_text="Newest first: seconds of publication (0 without a date) × 10⁹ + paper id."
    )

    class Meta:
        verbose_name = "search text"

    def __str__(self):
        return self.title
