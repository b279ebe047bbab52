"""The filters of the /papers/ list."""

import functools

import django_filters
from django import forms
from django.db.models import F
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from papers import search, search_query
from papers.models import Paper, Topic
from venues.models import Area, Venue

NOT_CHOSEN = (None, "", [])
SORTS = {
    "title": ("title_sort", "pk"),
    "newest": ("-published_at", "title_sort", "pk"),
    "rating": (F("rating").desc(nulls_last=True), "title_sort", "pk"),
}


class OptionsInPython:
    """A select whose options are written in Python rather than through a template
    each, the same HTML as Django's own (flat choices only), and kept for the next
    request with the same choices and values chosen. The list's form has about 150
    options: as templates they cost about 10 ms a page, half of what a search's results
    page takes to render; written in Python, 2–3 ms; kept, a fraction of one."""

    def render(self, name, value, attrs=None, renderer=None):
        choices = tuple((str("" if option is None else option), str(label)) for option, label in self.choices)
        chosen = tuple(str(item) for item in self.format_value(value))
        options = _options_html(choices, chosen, self.allow_multiple_selected)
        attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            attrs["multiple"] = True
        return format_html('<select name="{}"{}>{}\n</select>', name, flatatt(attrs), options)


@functools.lru_cache(maxsize=1024)
def _options_html(choices, chosen, multiple):
    """The options of a select, as ChoiceWidget.optgroups() marks them: one chosen, or
    each chosen when the select takes several."""
    pieces, marked = [], False
    for value, label in choices:
        selected = value in chosen and (multiple or not marked)
        marked = marked or selected
        pieces.append(
            format_html(
                '\n  <option value="{}"{}>{}</option>\n', value, " selected" if selected else "", label
            )
        )
    return mark_safe("".join(pieces))  # noqa: S308 - each piece is escaped by format_html


class Select(OptionsInPython, forms.Select):
    pass


class SelectMultiple(OptionsInPython, forms.SelectMultiple):
    pass


class SearchTextField(forms.CharField):
    """The search box: any text is read (see papers/search_query.py), but a search of
    only excluded words is refused with a message, since it cannot match anything."""

    def clean(self, value):
        value = super().clean(value)
        query = search_query.parse(value)
        if query.excluded and not query:
            raise forms.ValidationError(search_query.ONLY_EXCLUDED)
        return value


class SearchFilter(django_filters.CharFilter):
    field_class = SearchTextField


class PaperFilter(django_filters.FilterSet):
    q = SearchFilter(
        label="Search",
        method="filter_text",
        max_length=search_query.MAX_QUERY_LENGTH,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": 'Words, "a phrase", OR, -exclude', "autocomplete": "off"}
        ),
    )
    # Venues, areas and topics are chosen by slug from choices read once per request
    # (see __init__), so validating and rendering them costs one query each.
    venue = django_filters.ChoiceFilter(
        label="Venue", field_name="venue__slug", empty_label="Any venue", widget=Select
    )
    area = django_filters.ChoiceFilter(
        label="Area", field_name="area__slug", empty_label="Any area", widget=Select
    )
    topic = django_filters.MultipleChoiceFilter(
        label="Topics (any of)", method="filter_topics", widget=SelectMultiple
    )
    year = django_filters.NumberFilter(field_name="venue__year", min_value=1900, max_value=2100, label="Year")
    presentation = django_filters.ChoiceFilter(
        choices=[choice for choice in Paper.Presentation.choices if choice[0]],
        empty_label="Any presentation",
        widget=Select,
    )
    has_code = django_filters.BooleanFilter(
        label="Code",
        method="filter_has_code",
        widget=Select(
            choices=[("", "With or without code"), ("true", "With code"), ("false", "Without code")]
        ),
    )
    rating = django_filters.ChoiceFilter(
        label="Average rating",
        choices=[(str(n), f"{n}★ or more") for n in range(1, 6)],
        method="filter_rating",
        empty_label="Any rating",
        widget=Select,
    )
    sort = django_filters.ChoiceFilter(
        label="Sort by",
        choices=[("relevance", "Best match"), ("title", "Title"), ("newest", "Newest"), ("rating", "Rating")],
        method="sort_by",
        empty_label=None,
        widget=Select,
    )

    class Meta:
        model = Paper
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.objects = {}  # by id, to name a search's counts without another query
        for name, queryset in [
            ("venue", Venue.objects.all()),
            ("area", Area.objects.all()),
            ("topic", Topic.objects.all()),
        ]:
            self.objects[name] = {item.pk: item for item in queryset}
            self.filters[name].extra["choices"] = [
                (item.slug, str(item)) for item in self.objects[name].values()
            ]

    # Filters whose lists the site's counts can count (papers/site_counts.py).
    COUNTED_BY_SITE = {"venue", "area", "topic", "year", "sort"}

    def counted_by_site(self, counts):
        """How many papers the list holds, from the site's `counts` (read only if used),
        when only a venue, an area, one topic and a year narrow it (no query then); else
        None. A filtered count in SQL reads every paper of a venue or a year: tens of
        thousands."""
        chosen = {name: value for name, value in self.form.cleaned_data.items() if value not in NOT_CHOSEN}
        if self.errors or not set(chosen) <= self.COUNTED_BY_SITE or len(chosen.get("topic", [])) > 1:
            return None
        slugs = {name: {item.slug: item for item in self.objects[name].values()} for name in self.objects}
        venues = [
            venue
            for venue in self.objects["venue"].values()
            if chosen.get("venue", venue.slug) == venue.slug and chosen.get("year", venue.year) == venue.year
        ]
        area = slugs["area"][chosen["area"]] if "area" in chosen else None
        topic = slugs["topic"][chosen["topic"][0]] if "topic" in chosen else None
        return sum(counts.papers(venue=venue, area=area, topic=topic) for venue in venues)

    def filter_text(self, queryset, name, value):
        return queryset  # searched by results(), which ranks and counts the matches

    @property
    def search_query(self):
        """The parsed search, when the search box holds a valid one; else None."""
        if "q" in self.form.errors:
            return None
        return search_query.parse(self.form.cleaned_data.get("q")) or None

    def results(self):
        """What to page through: with a search, its best matches (best first unless
        another order is chosen), which also count themselves by venue, area and topic
        (see papers/search.py)."""
        query = self.search_query
        if query is None:
            # Nothing to match: "Best match" would stand for titles. The field still takes
            # it, as a search just emptied leaves it in the address.
            sort = self.form.fields["sort"]
            sort.widget.choices = [choice for choice in sort.choices if choice[0] != "relevance"]
            return self.qs
        objects = self.objects
        return search.SearchResults(
            self.qs.defer(None),  # the bodies too, for the snippets
            query,
            venues=objects["venue"],
            areas=objects["area"],
            topics=objects["topic"],
            chosen_order=self.form.cleaned_data.get("sort") not in (None, "", "relevance"),
        )

    def filter_topics(self, queryset, name, value):
        return queryset.on_any_topic(value) if value else queryset

    def filter_has_code(self, queryset, name, value):
        return queryset.exclude(code_url="") if value else queryset.filter(code_url="")

    def filter_rating(self, queryset, name, value):
        return queryset.filter(rating__gte=int(value))

    def sort_by(self, queryset, name, value):
        if value == "relevance":
            return queryset  # the search's own order, or titles when there is no search
        return queryset.order_by(*SORTS[value])
