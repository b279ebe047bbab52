"""The filters of the /papers/ list."""

import django_filters
from django import forms
from django.db.models import F, Q

from papers.models import Paper, Topic
from venues.models import Area, Venue

TEXT_FIELDS = ("title", "summary", "keywords", "authors")
SORTS = {
    "title": ("title_sort", "pk"),
    "newest": ("-published_at", "title_sort", "pk"),
    "rating": (F("rating").desc(nulls_last=True), "title_sort", "pk"),
}


class PaperFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Text contains",
        method="filter_text",
        max_length=500,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "Words in title, summary, keywords, authors"}
        ),
    )
    # Venues, areas and topics are chosen by slug from choices read once per request
    # (see __init__), so validating and rendering them costs one query each.
    venue = django_filters.ChoiceFilter(label="Venue", field_name="venue__slug", empty_label="Any venue")
    area = django_filters.ChoiceFilter(label="Area", field_name="area__slug", empty_label="Any area")
    topic = django_filters.MultipleChoiceFilter(
        label="Topics (any of)", field_name="tagged_topics__tag__slug"
    )
    year = django_filters.NumberFilter(field_name="venue__year", min_value=1900, max_value=2100, label="Year")
    presentation = django_filters.ChoiceFilter(
        choices=[choice for choice in Paper.Presentation.choices if choice[0]],
        empty_label="Any presentation",
    )
    has_code = django_filters.BooleanFilter(
        label="Code",
        method="filter_has_code",
        widget=forms.Select(
            choices=[("", "With or without code"), ("true", "With code"), ("false", "Without code")]
        ),
    )
    rating = django_filters.ChoiceFilter(
        label="Average rating",
        choices=[(str(n), f"{n}★ or more") for n in range(1, 6)],
        method="filter_rating",
        empty_label="Any rating",
    )
    sort = django_filters.ChoiceFilter(
        label="Sort by",
        choices=[("title", "Title"), ("newest", "Newest"), ("rating", "Rating")],
        method="sort_by",
        empty_label=None,
    )

    class Meta:
        model = Paper
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, queryset in [
            ("venue", Venue.objects.all()),
            ("area", Area.objects.all()),
            ("topic", Topic.objects.all()),
        ]:
            self.filters[name].extra["choices"] = [(item.slug, str(item)) for item in queryset]

    def filter_text(self, queryset, name, value):
        for word in value.split()[:10]:
            queryset = queryset.filter(
                Q.create([(f"{field}__icontains", word) for field in TEXT_FIELDS], connector=Q.OR)
            )
        return queryset

    def filter_has_code(self, queryset, name, value):
        return queryset.exclude(code_url="") if value else queryset.filter(code_url="")

    def filter_rating(self, queryset, name, value):
        return queryset.filter(rating__gte=int(value))

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*SORTS[value])
