"""Every public page: status, content a reader sees, and a fixed number of queries."""

import pytest
from django.template import Context, Template
from django.urls import resolve, reverse

from papers.models import Paper
from tests.factories import AreaFactory, PaperFactory, TopicFactory, VenueFactory
from tests.helpers import heading, lines, paper_titles

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    icml = VenueFactory(name="ICML2025", emoji="🧪", position=1)
    cvpr = VenueFactory(name="CVPR2026", emoji="📷", position=2)
    pretraining = AreaFactory(name="Pretraining", slug="llm_pretraining", emoji="📚")
    vision = AreaFactory(name="Vision", slug="vision", emoji="👁️")
    paper = PaperFactory(
        venue=icml,
        area=pretraining,
        title="Sparse widgets for tiny transformers",
        slug="sparse-widgets",
        summary="Widgets cost $\\mathcal{O}(n)$ and *help*.",
        body="## Method\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
        authors="A. Author, B. Author",
        arxiv_id="2501.01234",
        code_url="https://example.org/code",
        rating_novelty=4,
        topics=["LLM"],
    )
    PaperFactory(venue=cvpr, area=pretraining, slug="cv-1", topics=["LLM"])
    PaperFactory(venue=cvpr, area=vision, slug="cv-2")
    PaperFactory(
        venue=icml, area=pretraining, slug="hidden", title="Hidden draft", draft=True, topics=["Draft only"]
    )
    PaperFactory(venue=icml, area=AreaFactory(slug="drafts_only"), slug="hidden-2", draft=True)
    return {"icml": icml, "cvpr": cvpr, "pretraining": pretraining, "vision": vision, "paper": paper}


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/ICML2025/",
        "/ICML2025/llm_pretraining/",
        "/ICML2025/llm_pretraining/sparse-widgets/",
        "/areas/llm_pretraining/",
        "/topics/llm/",
        "/papers/",
    ],
)
def test_public_pages_answer(client, site, url):
    response = client.get(url)

    assert response.status_code == 200
    assert b'<main id="main"' in response.content


@pytest.mark.parametrize(
    "url",
    [
        "/NOPE2025/",
        "/NOPE2025/llm_pretraining/",
        "/ICML2025/nope/",
        "/ICML2025/vision/",  # both exist, but no public notes together
        "/ICML2025/llm_pretraining/nope/",
        "/ICML2025/llm_pretraining/hidden/",  # a draft
        "/areas/nope/",
        "/topics/nope/",
        "/topics/draft-only/",  # a topic used only on drafts
        "/areas/drafts_only/",  # an area with only drafts
        "/ICML2025/llm_pretraining/bad%00slug/",
        "/topics/bad%00slug/",
    ],
)
def test_unknown_or_hidden_is_a_404_in_the_sites_look(client, site, url):
    response = client.get(url)

    assert response.status_code == 404
    assert heading(response) == "Page not found"
    assert b"<title>Page not found \xc2\xb7 Paper Notes</title>" in response.content
    assert b'<meta name="robots" content="noindex">' in response.content
    assert b'rel="canonical"' not in response.content


def test_urls_round_trip():
    cases = {
        ("venues:home", ()): "/",
        ("venues:venue", ("ICML2025",)): "/ICML2025/",
        ("venues:venue-area", ("ICML2025", "llm_pretraining")): "/ICML2025/llm_pretraining/",
        ("venues:area", ("llm_pretraining",)): "/areas/llm_pretraining/",
        ("papers:detail", ("ICML2025", "llm_pretraining", "φ-net")): "/ICML2025/llm_pretraining/%CF%86-net/",
        ("papers:topic", ("llm",)): "/topics/llm/",
        ("papers:list", ()): "/papers/",
    }
    for (name, args), url in cases.items():
        assert reverse(name, args=args) == url
        assert resolve(url).view_name == name


def test_home_shows_totals_venues_and_areas(client, site):
    response = client.get("/")
    html = response.content.decode()

    assert "3 paper notes from 2 venues in 2 areas." in html
    assert html.index("🧪 ICML2025") < html.index("📷 CVPR2026")  # venue position order
    assert 'href="/areas/llm_pretraining/"' in html


def test_venue_page_lists_areas_by_count_with_first_notes(client, site, settings):
    settings.VENUE_PAGE_NOTES_PER_AREA = 2
    for i in range(3):
        PaperFactory(venue=site["icml"], area=site["vision"], title=f"Vision note {i}", slug=f"v{i}")

    response = client.get("/ICML2025/")
    html = response.content.decode()

    assert html.index("Vision") < html.index("Pretraining")  # 3 notes before 1
    assert paper_titles(response) == [
        "Vision note 0",
        "Vision note 1",
        "Sparse widgets for tiny transformers",
    ]
    assert "Browse all 3 Vision notes" in html
    assert "Hidden draft" not in html


def test_venue_with_nothing_public_says_so(client):
    VenueFactory(name="EMPTY2025")

    response = client.get("/EMPTY2025/")

    assert response.status_code == 200
    assert "No notes from EMPTY2025 are published yet." in response.content.decode()


def test_area_page_spans_venues(client, site):
    response = client.get("/areas/llm_pretraining/")

    assert heading(response) == "📚 Pretraining"
    assert lines(response)[:2] == [
        "2 paper notes across all venues",
        "📌 By venue: 🧪 ICML2025 (1) · 📷 CVPR2026 (1)",
    ]


def test_topic_page_lists_its_public_papers(client, site):
    PaperFactory(venue=site["icml"], area=site["vision"], draft=True, topics=["LLM"], slug="d2")

    response = client.get("/topics/llm/")

    assert heading(response) == "🏷️ LLM"
    assert lines(response)[0] == "2 paper notes across all venues"
    assert len(paper_titles(response)) == 2


def test_note_page_shows_the_note(client, site):
    response = client.get("/ICML2025/llm_pretraining/sparse-widgets/")
    html = response.content.decode()

    assert heading(response) == "Sparse widgets for tiny transformers"
    assert "A. Author, B. Author" in html
    assert 'href="https://arxiv.org/abs/2501.01234" rel="noopener"' in html
    assert 'href="https://example.org/code" rel="noopener"' in html
    assert 'href="/topics/llm/"' in html
    assert "<table>" in html
    assert "4 out of 5" in html
    # Summary: inline Markdown, math left as written for the typesetter.
    assert '<span class="math math-inline">$\\mathcal{O}(n)$</span> and <em>help</em>' in html


def test_note_moved_to_another_area_redirects(client, site):
    response = client.get("/ICML2025/vision/sparse-widgets/")

    assert response.status_code == 301
    assert response["Location"] == "/ICML2025/llm_pretraining/sparse-widgets/"


def test_non_ascii_paper_slug(client, site):
    PaperFactory(venue=site["icml"], area=site["pretraining"], slug="φ-attention-öl", title="Phi")

    assert (
        client.get(
            reverse("papers:detail", args=["ICML2025", "llm_pretraining", "φ-attention-öl"])
        ).status_code
        == 200
    )


def test_titles_and_fields_are_escaped(client, site):
    PaperFactory(
        venue=site["icml"],
        area=site["pretraining"],
        slug="xss",
        title="<script>alert(1)</script>",
        summary="<img src=x onerror=alert(1)> [link](javascript:alert(1))",
        authors="<b>bold</b>",
    )

    list_html = client.get("/ICML2025/llm_pretraining/").content.decode()
    note_html = client.get("/ICML2025/llm_pretraining/xss/").content.decode()

    for html in (list_html, note_html):
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert 'href="javascript:' not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in note_html


class TestPagination:
    @pytest.fixture
    def many(self, settings):
        settings.PAPERS_PER_PAGE = 5
        venue, area = VenueFactory(name="V2025"), AreaFactory(slug="a")
        PaperFactory.create_batch(12, venue=venue, area=area)

    @pytest.mark.parametrize(
        ("page", "first_index"),
        [("", 1), ("1", 1), ("2", 6), ("3", 11), ("abc", 1), ("0", 1), ("-4", 1), ("999", 11), ("2.5", 1)],
    )
    def test_bad_or_out_of_range_pages_fall_back(self, client, many, page, first_index):
        response = client.get("/V2025/a/", {"page": page})

        assert response.status_code == 200
        assert response.context["page"].start_index() == first_index
        assert lines(response)[0] == "🧪 V2025 · 12 paper notes"

    def test_links_centre_on_the_current_page(self, client, settings):
        settings.PAPERS_PER_PAGE = 1
        venue, area = VenueFactory(name="W2025"), AreaFactory(slug="w")
        PaperFactory.create_batch(30, venue=venue, area=area)

        html = client.get("/W2025/w/", {"page": "15"}).content.decode()

        assert '<span aria-current="page">15</span>' in html
        assert 'href="?page=14"' in html and 'href="?page=16"' in html

    def test_links_keep_the_filters(self, client, many):
        html = client.get("/papers/", {"venue": "V2025", "page": "2"}).content.decode()

        assert 'href="?venue=V2025&amp;page=3"' in html
        assert 'href="?venue=V2025&amp;page=1"' in html

    def test_a_hundred_per_page_by_default(self, client, settings):
        settings.PAPERS_PER_PAGE = 100
        venue, area = VenueFactory(name="BIG2025"), AreaFactory(slug="big")
        Paper.objects.bulk_create(
            Paper(
                venue=venue,
                area=area,
                title=f"Paper {i:03}",
                slug=f"p{i}",
                status="published",
                published_at="2025-01-01T00:00:00Z",
            )
            for i in range(130)
        )

        first, second = client.get("/BIG2025/big/"), client.get("/BIG2025/big/?page=2")

        assert len(paper_titles(first)) == 100
        assert paper_titles(second) == [f"Paper {i:03}" for i in range(100, 130)]
        assert lines(first)[0] == "🧪 BIG2025 · 130 paper notes"


def build_site(papers):
    """`papers` public notes over 3 venues, 3 areas and 5 topics, plus hidden ones."""
    venues = [VenueFactory(name=f"Q{2020 + i}") for i in range(3)]
    areas = [AreaFactory(slug=f"q{i}") for i in range(3)]
    topics = [TopicFactory(name=f"Q topic {i}") for i in range(5)]
    created = Paper.objects.bulk_create(
        Paper(
            venue=venues[i % 3],
            area=areas[i % 3 if i % 5 else 0],
            title=f"Query paper {i}",
            slug=f"qp{i}",
            status="published",
            published_at="2025-01-01T00:00:00Z",
            code_url="https://example.org" if i % 2 else "",
            rating_value=1 + i % 5,
        )
        for i in range(papers)
    )
    for i, paper in enumerate(created):
        paper.topics.add(*topics[: 1 + i % 5])
    PaperFactory(venue=venues[0], area=areas[0], draft=True, slug="qdraft")


# Each public page, with the number of queries it must cost at any size: the first
# view after a change (where a page shows the site's counts: the publication times read
# again with the content version, and the counts counted again, three queries more),
# then the next view.
PAGES = [
    ("/", 7, 4),  # the content version (2), the counts (2), venues, areas, topics
    ("/Q2020/", 7, 4),
    ("/Q2020/q0/", 9, 6),  # venue, area, version (2), counts (2), page, same area elsewhere, top topics
    ("/Q2020/q0/qp0/", 5, 5),  # the note, its topics, related notes, previous, next
    ("/areas/q0/", 8, 5),
    ("/topics/q-topic-0/", 7, 4),
    ("/papers/", 8, 5),  # the form's choices (3), the version (2), the counts (2), the page
    (
        "/papers/?q=paper&venue=Q2020&area=q0&topic=q-topic-0&topic=q-topic-1&year=2025&has_code=true&rating=2"
        "&sort=rating&page=2",
        5,  # the form's choices (3), the search with its counts (1), the page in that order (1)
        5,
    ),
    ("/papers/?q=paper&venue=Q2020", 5, 5),  # best first: the search with its counts, the page's papers
    ("/papers/?venue=Q2020&area=q0&topic=q-topic-0&year=2025&has_code=true&rating=2&sort=rating", 5, 5),
    # Counted from the site's counts: the form's choices (3), the version (2), the counts (2), the page.
    ("/papers/?venue=Q2020&area=q0&topic=q-topic-0&year=2025&sort=newest", 8, 5),
]


@pytest.mark.parametrize("size", [10, 200])
@pytest.mark.parametrize(("url", "first_view", "next_view"), PAGES)
def test_query_count_is_fixed(client, django_assert_num_queries, settings, size, url, first_view, next_view):
    settings.PAPERS_PER_PAGE = 7
    build_site(size)

    with django_assert_num_queries(first_view):
        response = client.get(url)
    with django_assert_num_queries(next_view):
        client.get(url)

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("value", "shown"), [(0, "0"), (999, "999"), (25000, "25,000"), (1234567, "1,234,567"), ("12", "12")]
)
def test_counts_are_shown_with_thousands_separators(value, shown):
    template = Template("{% load notes %}{{ value|thousands }}")

    assert template.render(Context({"value": value})) == shown
