"""The /papers/ list: each filter, sorting, and bad values."""

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from papers import filters
from tests.factories import AreaFactory, PaperFactory, VenueFactory
from tests.helpers import paper_titles
from venues.models import Venue

pytestmark = pytest.mark.django_db


@pytest.fixture
def papers():
    icml25 = VenueFactory(name="ICML2025", year=2025, position=1)
    iclr26 = VenueFactory(name="ICLR2026", year=2026, position=2)
    pretraining, vision = AreaFactory(slug="llm_pretraining"), AreaFactory(slug="vision")
    PaperFactory(
        venue=icml25,
        area=pretraining,
        title="Alpha scaling",
        slug="alpha",
        topics=["LLM"],
        presentation="oral",
        code_url="https://example.org/a",
        rating_novelty=5,
        rating_value=5,
        keywords="scaling laws",
        published_at="2025-03-01T00:00:00Z",
    )
    PaperFactory(
        venue=icml25,
        area=vision,
        title="Beta vision",
        slug="beta",
        topics=["Vision"],
        presentation="poster",
        rating_novelty=2,
        rating_value=3,
        authors="Ada Lovelace",
        published_at="2025-05-01T00:00:00Z",
    )
    PaperFactory(
        venue=iclr26,
        area=pretraining,
        title="Gamma agents",
        slug="gamma",
        topics=["LLM", "Agents"],
        code_url="https://example.org/g",
        summary="Tool use for agents.",
        published_at="2025-04-01T00:00:00Z",
    )
    PaperFactory(
        venue=iclr26, area=pretraining, title="Delta hidden", slug="delta", draft=True, topics=["LLM"]
    )


def titles(client, **params):
    response = client.get("/papers/", params)
    assert response.status_code == 200, response.content.decode()[:500]
    return paper_titles(response)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["Alpha scaling", "Beta vision", "Gamma agents"]),
        ({"venue": "ICML2025"}, ["Alpha scaling", "Beta vision"]),
        ({"area": "llm_pretraining"}, ["Alpha scaling", "Gamma agents"]),
        ({"topic": "llm"}, ["Alpha scaling", "Gamma agents"]),
        ({"topic": ["vision", "agents"]}, ["Beta vision", "Gamma agents"]),
        ({"topic": ["llm", "agents"]}, ["Alpha scaling", "Gamma agents"]),  # any of, each paper once
        ({"year": "2026"}, ["Gamma agents"]),
        ({"presentation": "oral"}, ["Alpha scaling"]),
        ({"has_code": "true"}, ["Alpha scaling", "Gamma agents"]),
        ({"has_code": "false"}, ["Beta vision"]),
        ({"rating": "4"}, ["Alpha scaling"]),
        ({"rating": "2"}, ["Alpha scaling", "Beta vision"]),
        ({"q": "SCALING"}, ["Alpha scaling"]),
        ({"q": "lovelace"}, ["Beta vision"]),
        ({"q": "tool agents"}, ["Gamma agents"]),
        ({"q": "tool vision"}, []),  # every word must match
        ({"q": "delta"}, []),  # drafts are never listed
        ({"venue": "ICML2025", "area": "llm_pretraining", "topic": "llm"}, ["Alpha scaling"]),
        ({"year": "2026", "topic": "llm"}, ["Gamma agents"]),
        ({"year": "2025", "area": "llm_pretraining", "sort": "newest"}, ["Alpha scaling"]),
        ({"venue": "ICML2025", "year": "2026"}, []),
        ({"topic": "llm", "has_code": "true"}, ["Alpha scaling", "Gamma agents"]),
        ({"sort": "newest"}, ["Beta vision", "Gamma agents", "Alpha scaling"]),
        ({"sort": "rating"}, ["Alpha scaling", "Beta vision", "Gamma agents"]),  # unrated last
        ({"sort": "title"}, ["Alpha scaling", "Beta vision", "Gamma agents"]),
    ],
)
def test_filters_and_sorting(client, papers, params, expected):
    response = client.get("/papers/", params)

    assert response.status_code == 200
    assert paper_titles(response) == expected
    # Counted from the site's counts or in SQL, depending on the filters.
    assert response.context["page"].paginator.count == len(expected)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"venue": "NOPE2025"}, "Select a valid choice"),
        ({"topic": "no-such-topic"}, "Select a valid choice"),
        ({"year": "twenty"}, "Enter a number"),
        ({"year": "99999999999999999999"}, "less than or equal to 2100"),
        ({"rating": "9"}, "Select a valid choice"),
        ({"presentation": "keynote"}, "Select a valid choice"),
        ({"sort": "random"}, "Select a valid choice"),
        ({"q": "x" * 600}, "at most 500 characters"),
        ({"q": "nul\x00byte"}, "Null characters are not allowed"),
        ({"venue": "bad\x00slug"}, "Select a valid choice"),
    ],
)
def test_bad_values_show_the_forms_error_on_a_normal_page(client, papers, params, message):
    response = client.get("/papers/", params)
    html = response.content.decode()

    assert response.status_code == 400
    assert "Some filters could not be used and were ignored" in html
    assert message in html
    assert '<main id="main"' in html


def test_valid_filters_still_apply_beside_a_bad_one(client, papers):
    response = client.get("/papers/", {"venue": "ICML2025", "year": "nope"})

    assert response.status_code == 400
    assert paper_titles(response) == ["Alpha scaling", "Beta vision"]


def test_form_keeps_the_chosen_values(client, papers):
    html = client.get("/papers/", {"venue": "ICLR2026", "q": "agents"}).content.decode()

    assert '<option value="ICLR2026" selected>' in html
    assert 'value="agents"' in html


@pytest.mark.parametrize("params", [{}, {"sort": "relevance"}, {"q": "  "}, {"q": "  ", "sort": "relevance"}])
def test_without_a_search_the_sort_offers_no_best_match_and_lists_titles(client, papers, params):
    response = client.get("/papers/", params)
    html = response.content.decode()

    assert response.status_code == 200
    assert "Best match" not in html
    assert '<option value="title">Title</option>' in html
    assert paper_titles(response) == ["Alpha scaling", "Beta vision", "Gamma agents"]


def test_a_search_offers_its_best_match_first(client, papers):
    html = client.get("/papers/", {"q": "scaling"}).content.decode()

    # Chosen by default: the first option.
    assert html.index('<option value="relevance">Best match</option>') < html.index('<option value="title">')


def test_kept_select_options_follow_the_choices_and_the_chosen_values(client, papers):
    html = client.get("/papers/", {"topic": ["llm", "agents"]}).content.decode()
    assert '<select name="topic"' in html and " multiple>" in html
    assert '<option value="llm" selected>' in html and '<option value="agents" selected>' in html
    assert '<option value="vision">' in html

    venue = Venue.objects.get(name="ICLR2026")
    venue.name = "ICLR2026b"
    venue.save()
    html = client.get("/papers/", {"topic": "vision"}).content.decode()

    assert ">ICLR2026b</option>" in html  # a renamed venue is new choices, not the kept HTML
    assert '<option value="llm">' in html and '<option value="vision" selected>' in html


@pytest.mark.parametrize(
    ("widget", "django_widget", "value"),
    [
        (filters.Select, forms.Select, "b"),
        (filters.Select, forms.Select, None),
        (filters.SelectMultiple, forms.SelectMultiple, ["a", "c"]),
    ],
)
def test_the_filters_selects_write_the_same_html_as_djangos(widget, django_widget, value):
    choices = [("", "Any <venue>"), ("a", "A & B"), ("b", 'Say "hi"'), ("c", "C")]

    def html(kind):
        return kind(choices=choices, attrs={"class": "x"}).render("venue", value, attrs={"id": "id_venue"})

    assert html(widget) == html(django_widget)


@pytest.mark.parametrize(
    ("params", "counted_in_sql"),
    [
        ({"venue": "ICML2025", "area": "llm_pretraining", "sort": "newest"}, False),
        ({"topic": "llm", "year": "2026"}, False),
        ({"topic": ["llm", "agents"]}, True),  # a paper with both is counted once
        ({"venue": "ICML2025", "has_code": "true"}, True),
    ],
)
def test_the_site_counts_count_lists_narrowed_by_venue_area_topic_and_year(
    client, papers, params, counted_in_sql
):
    client.get("/papers/")  # the site's counts, counted once for this version of the content
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/papers/", params)

    assert response.status_code == 200
    assert any("COUNT(" in query["sql"] for query in queries) == counted_in_sql
