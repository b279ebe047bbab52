"""Atom feeds, the sitemap and robots.txt: what feed readers and search engines read."""

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.urls import resolve, reverse
from django.utils import timezone

from papers.models import Paper
from papers.sitemaps import NoteSitemap
from tests.factories import AreaFactory, PaperFactory, TopicFactory, VenueFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
HOST = "http://testserver"


def local(url):
    """The path and query of an absolute URL, for the test client; the host must be ours."""
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == HOST
    return parts.path + (f"?{parts.query}" if parts.query else "")


def parse_xml(response):
    # Our own responses, in a test: nothing untrusted.
    return ET.fromstring(response.content)  # noqa: S314


def moment(text):
    return datetime.fromisoformat(text)


def touch(paper, updated_at):
    """Set `updated_at`, which auto_now would otherwise overwrite on save."""
    Paper.objects.filter(pk=paper.pk).update(updated_at=updated_at)
    paper.updated_at = updated_at
    return paper


def read_feed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    root = parse_xml(response)
    assert root.tag == f"{ATOM}feed"
    entries = []
    for entry in root.findall(f"{ATOM}entry"):
        summary = entry.find(f"{ATOM}summary")
        entries.append(
            SimpleNamespace(
                title=entry.findtext(f"{ATOM}title"),
                link=entry.find(f"{ATOM}link[@rel='alternate']").get("href"),
                id=entry.findtext(f"{ATOM}id"),
                published=moment(entry.findtext(f"{ATOM}published")),
                updated=moment(entry.findtext(f"{ATOM}updated")),
                authors=[name.text for name in entry.findall(f"{ATOM}author/{ATOM}name")],
                categories=[category.get("term") for category in entry.findall(f"{ATOM}category")],
                summary=None if summary is None else summary.text,
                summary_type=None if summary is None else summary.get("type"),
            )
        )
    return SimpleNamespace(
        title=root.findtext(f"{ATOM}title"),
        updated=moment(root.findtext(f"{ATOM}updated")),
        alternate=root.find(f"{ATOM}link[@rel='alternate']").get("href"),
        self_link=root.find(f"{ATOM}link[@rel='self']").get("href"),
        id=root.findtext(f"{ATOM}id"),
        authors=[name.text for name in root.findall(f"{ATOM}author/{ATOM}name")],
        entries=entries,
        titles=[entry.title for entry in entries],
    )


def read_sitemap(client, url, tag):
    """{absolute URL: lastmod text or None} of a sitemap (`tag` "url") or an index ("sitemap")."""
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    root = parse_xml(response)
    return {
        item.findtext(f"{SITEMAP}loc"): item.findtext(f"{SITEMAP}lastmod")
        for item in root.iter(f"{SITEMAP}{tag}")
    }


def read_whole_sitemap(client):
    """Every page the sitemap lists, {absolute URL: lastmod}, following the index."""
    pages = {}
    for section in read_sitemap(client, "/sitemap.xml", "sitemap"):
        pages |= read_sitemap(client, local(section), "url")
    return pages


def day(when):
    """A `<lastmod>` of a sitemap section: the date alone, in the site's time zone."""
    return timezone.localdate(when).isoformat()


def absolute(*paths):
    return {f"{HOST}{path}" for path in paths}


@pytest.fixture
def site():
    """Three public notes, and hidden ones: a draft, a note in review, a scheduled note.

    Every hidden note is edited after the public ones, so that counting one anywhere
    would show in a date. HIDDEN2024, Robotics and Secret have hidden notes only, and
    ICML2025×Vision holds only a draft.
    """
    base = timezone.now().replace(microsecond=0) - timedelta(days=30)
    icml = VenueFactory(name="ICML2025", position=1)
    cvpr = VenueFactory(name="CVPR2026", position=2)
    hidden_venue = VenueFactory(name="HIDDEN2024", position=3)
    pretraining = AreaFactory(name="Pretraining", slug="llm_pretraining")
    vision = AreaFactory(name="Vision", slug="vision")
    robotics = AreaFactory(name="Robotics", slug="robotics")
    oldest = PaperFactory(
        venue=icml,
        area=pretraining,
        title="Sparse widgets & tiny transformers",
        slug="sparse-widgets",
        summary="Widgets cost $O(n)$ and **help**.\n<b>bold</b> <img src=x onerror=alert(1)>",
        authors="A. Author, B. Author",
        published_at=base + timedelta(days=1),
        topics=["LLM", "Über"],
    )
    middle = PaperFactory(
        venue=cvpr,
        area=pretraining,
        title="Pretraining at scale",
        slug="φ-scale",
        authors="C. Author",
        published_at=base + timedelta(days=3),
        topics=["LLM"],
    )
    newest = PaperFactory(
        venue=cvpr,
        area=vision,
        title="Seeing widgets",
        slug="seeing-widgets",
        summary="",
        published_at=base + timedelta(days=5),
        topics=["Alignment/RLHF"],
    )
    touch(oldest, base + timedelta(days=12))  # edited last of the public notes
    touch(middle, base + timedelta(days=4))
    touch(newest, base + timedelta(days=6))
    draft = PaperFactory(
        venue=icml, area=pretraining, slug="draft", title="Draft note", draft=True, topics=["LLM", "Secret"]
    )
    draft_elsewhere = PaperFactory(venue=icml, area=vision, slug="draft-2", title="Draft vision", draft=True)
    in_review = PaperFactory(
        venue=hidden_venue,
        area=robotics,
        slug="review",
        title="Note in review",
        in_review=True,
        topics=["Secret"],
    )
    scheduled = PaperFactory(
        venue=hidden_venue,
        area=robotics,
        slug="later",
        title="Scheduled note",
        scheduled=True,
        topics=["Secret"],
    )
    return SimpleNamespace(
        base=base,
        public=[oldest, middle, newest],
        oldest=oldest,
        middle=middle,
        newest=newest,
        hidden=[draft, draft_elsewhere, in_review, scheduled],
    )


HIDDEN_TITLES = {"Draft note", "Draft vision", "Note in review", "Scheduled note"}


class TestFeeds:
    def test_site_feed_lists_public_notes_newest_first(self, client, site):
        feed = read_feed(client, "/feeds/notes.atom")

        assert feed.title == "Paper Notes"
        assert feed.titles == ["Seeing widgets", "Pretraining at scale", "Sparse widgets & tiny transformers"]
        assert not HIDDEN_TITLES & set(feed.titles)
        # The feed changed when its most recently edited note did, not when the newest appeared.
        assert feed.updated == site.oldest.updated_at
        assert feed.alternate == f"{HOST}/"
        assert feed.self_link == f"{HOST}/feeds/notes.atom"
        assert feed.authors == ["Paper Notes"]

    def test_an_entry_carries_the_note(self, client, site):
        entry = read_feed(client, "/feeds/notes.atom").entries[-1]

        assert entry.title == "Sparse widgets & tiny transformers"
        assert entry.link == f"{HOST}/ICML2025/llm_pretraining/sparse-widgets/"
        assert entry.id == entry.link
        assert entry.published == site.oldest.published_at
        assert entry.updated == site.oldest.updated_at
        assert entry.authors == ["A. Author, B. Author"]
        assert entry.categories == ["LLM", "Über"]
        # Plain text: Markdown markers kept, HTML shown as text, never as markup.
        assert entry.summary_type == "text"
        assert entry.summary == site.oldest.summary

    def test_an_entry_without_authors_or_summary_leaves_them_out(self, client, site):
        entry = read_feed(client, "/feeds/notes.atom").entries[0]

        assert entry.title == "Seeing widgets"
        assert entry.authors == []  # the feed's own author stands in
        assert entry.summary is None
        assert entry.categories == ["Alignment/RLHF"]

    def test_every_link_opens_its_note(self, client, site):
        for url in [
            "/feeds/notes.atom",
            "/feeds/venues/CVPR2026.atom",
            "/feeds/areas/llm_pretraining.atom",
            "/feeds/topics/llm.atom",
        ]:
            for entry in read_feed(client, url).entries:
                response = client.get(local(entry.link))
                assert response.status_code == 200
                assert response.context["paper"].title == entry.title

    @pytest.mark.parametrize(
        ("url", "title", "alternate", "titles"),
        [
            (
                "/feeds/venues/ICML2025.atom",
                "Paper Notes — ICML2025",
                "/ICML2025/",
                ["Sparse widgets & tiny transformers"],
            ),
            (
                "/feeds/venues/CVPR2026.atom",
                "Paper Notes — CVPR2026",
                "/CVPR2026/",
                ["Seeing widgets", "Pretraining at scale"],
            ),
            (
                "/feeds/areas/llm_pretraining.atom",
                "Paper Notes — Pretraining",
                "/areas/llm_pretraining/",
                ["Pretraining at scale", "Sparse widgets & tiny transformers"],
            ),
            ("/feeds/areas/vision.atom", "Paper Notes — Vision", "/areas/vision/", ["Seeing widgets"]),
            (
                "/feeds/topics/llm.atom",
                "Paper Notes — LLM",
                "/topics/llm/",
                ["Pretraining at scale", "Sparse widgets & tiny transformers"],
            ),
            (
                "/feeds/topics/%C3%BCber.atom",
                "Paper Notes — Über",
                "/topics/%C3%BCber/",
                ["Sparse widgets & tiny transformers"],
            ),
            # A venue is public even before its first note: an empty feed. (Areas and
            # topics that only hidden notes use are not public at all: see below.)
            ("/feeds/venues/HIDDEN2024.atom", "Paper Notes — HIDDEN2024", "/HIDDEN2024/", []),
        ],
    )
    def test_a_narrowed_feed_holds_only_its_public_notes(self, client, site, url, title, alternate, titles):
        feed = read_feed(client, url)

        assert feed.title == title
        assert feed.alternate == f"{HOST}{alternate}"
        assert feed.self_link == f"{HOST}{url}"
        assert feed.titles == titles

    @pytest.mark.parametrize(
        "url",
        [
            "/feeds/venues/NOPE2025.atom",
            "/feeds/areas/nope.atom",
            "/feeds/topics/nope.atom",
            "/feeds/areas/robotics.atom",  # only hidden notes use it
            "/feeds/topics/secret.atom",  # only hidden notes use it
            "/feeds/topics/bad%00slug.atom",
            "/feeds/topics/bad%1Fslug.atom",
            "/feeds/venues/ICML2025.rss",
            "/feeds/notes.rss",
        ],
    )
    def test_unknown_feeds_are_404(self, client, site, url):
        # (A path without a slash may first be redirected to one with it, like any page.)
        assert client.get(url, follow=True).status_code == 404

    def test_fifty_newest_notes_at_most(self, client):
        venue, area = VenueFactory(name="BIG2025"), AreaFactory(slug="big")
        start = timezone.now() - timedelta(days=100)
        Paper.objects.bulk_create(
            Paper(
                venue=venue,
                area=area,
                title=f"Paper {i:02}",
                slug=f"p{i}",
                status="published",
                published_at=start + timedelta(days=i),
            )
            for i in range(55)
        )

        feed = read_feed(client, "/feeds/notes.atom")

        assert feed.titles == [f"Paper {i:02}" for i in range(54, 4, -1)]

    def test_a_scheduled_note_is_updated_when_it_goes_live(self, client, site):
        # Saved (scheduled) a week before it went public: for readers it changed when it appeared.
        live = PaperFactory(
            venue=site.oldest.venue,
            area=site.oldest.area,
            slug="was-scheduled",
            published_at=timezone.now() - timedelta(hours=1),
        )
        touch(live, timezone.now() - timedelta(days=7))

        feed = read_feed(client, "/feeds/notes.atom")

        assert feed.entries[0].link == f"{HOST}{live.get_absolute_url()}"
        assert feed.entries[0].updated == live.published_at
        assert feed.updated == live.published_at

    def test_characters_xml_cannot_carry_are_dropped(self, client, site):
        PaperFactory(
            venue=site.oldest.venue,
            area=site.oldest.area,
            slug="stray",
            title="Stray\x0bform\x0cfeed",
            summary="One\x01two\x1fthree",  # (PostgreSQL cannot even store a NUL)
            authors="A.\x08Author",
            published_at=timezone.now(),
        )

        entry = read_feed(client, "/feeds/notes.atom").entries[0]

        assert (entry.title, entry.summary, entry.authors) == (
            "Stray form feed",
            "One two three",
            ["A. Author"],
        )

    def test_urls_round_trip(self):
        cases = {
            ("feeds:notes", ()): "/feeds/notes.atom",
            ("feeds:venue", ("ICML2025",)): "/feeds/venues/ICML2025.atom",
            ("feeds:area", ("llm_pretraining",)): "/feeds/areas/llm_pretraining.atom",
            ("feeds:topic", ("über",)): "/feeds/topics/%C3%BCber.atom",
            ("feeds:topic", ("alignmentrlhf",)): "/feeds/topics/alignmentrlhf.atom",
        }
        for (name, args), url in cases.items():
            assert reverse(name, args=args) == url
            assert resolve(url).view_name == name
        assert resolve("/feeds/topics/über.atom").kwargs == {"topic": "über"}


class TestSitemap:
    def test_index_lists_every_section(self, client, site):
        sections = read_sitemap(client, "/sitemap.xml", "sitemap")

        assert set(sections) == absolute(
            "/sitemap-static.xml",
            "/sitemap-venues.xml",
            "/sitemap-areas.xml",
            "/sitemap-venue-areas.xml",
            "/sitemap-topics.xml",
            "/sitemap-notes.xml",
        )
        newest_edit = site.oldest.updated_at
        for url, lastmod in sections.items():
            assert client.get(local(url)).status_code == 200
            # Each section lists the most recently edited note, or its venue, area, topic…
            assert moment(lastmod) == newest_edit

    def test_lists_exactly_the_public_pages(self, client, site):
        pages = read_whole_sitemap(client)

        assert set(pages) == absolute(
            "/",
            "/papers/",
            "/ICML2025/",
            "/CVPR2026/",
            "/areas/llm_pretraining/",
            "/areas/vision/",
            "/ICML2025/llm_pretraining/",
            "/CVPR2026/llm_pretraining/",
            "/CVPR2026/vision/",
            "/topics/llm/",
            "/topics/%C3%BCber/",
            "/topics/alignmentrlhf/",
            "/ICML2025/llm_pretraining/sparse-widgets/",
            "/CVPR2026/llm_pretraining/%CF%86-scale/",
            "/CVPR2026/vision/seeing-widgets/",
        )
        for url in pages:
            assert client.get(local(url)).status_code == 200, url

    @pytest.mark.parametrize(
        ("section", "paths"),
        [
            ("static", ["/", "/papers/"]),
            ("venues", ["/ICML2025/", "/CVPR2026/"]),
            ("areas", ["/areas/llm_pretraining/", "/areas/vision/"]),
            (
                "venue-areas",
                ["/ICML2025/llm_pretraining/", "/CVPR2026/llm_pretraining/", "/CVPR2026/vision/"],
            ),
            ("topics", ["/topics/alignmentrlhf/", "/topics/llm/", "/topics/%C3%BCber/"]),
        ],
    )
    def test_each_section_holds_its_pages(self, client, site, section, paths):
        assert set(read_sitemap(client, f"/sitemap-{section}.xml", "url")) == absolute(*paths)

    def test_hidden_notes_and_what_only_they_use_are_left_out(self, client, site):
        listed = "\n".join(read_whole_sitemap(client))

        for paper in site.hidden:
            assert paper.get_absolute_url() not in listed
        for path in ["/HIDDEN2024/", "/areas/robotics/", "/ICML2025/vision/", "/topics/secret/"]:
            assert f"{HOST}{path}" not in listed

    def test_lastmod_is_the_last_change_of_the_public_notes(self, client, site):
        pages = read_whole_sitemap(client)
        oldest, middle, newest = (paper.updated_at for paper in site.public)

        assert pages == {
            f"{HOST}/": day(oldest),
            f"{HOST}/papers/": day(oldest),
            f"{HOST}/ICML2025/": day(oldest),
            f"{HOST}/CVPR2026/": day(newest),
            f"{HOST}/areas/llm_pretraining/": day(oldest),
            f"{HOST}/areas/vision/": day(newest),
            f"{HOST}/ICML2025/llm_pretraining/": day(oldest),
            f"{HOST}/CVPR2026/llm_pretraining/": day(middle),
            f"{HOST}/CVPR2026/vision/": day(newest),
            f"{HOST}/topics/llm/": day(oldest),
            f"{HOST}/topics/%C3%BCber/": day(oldest),
            f"{HOST}/topics/alignmentrlhf/": day(newest),
            f"{HOST}/ICML2025/llm_pretraining/sparse-widgets/": day(oldest),
            f"{HOST}/CVPR2026/llm_pretraining/%CF%86-scale/": day(middle),
            f"{HOST}/CVPR2026/vision/seeing-widgets/": day(newest),
        }

    def test_a_scheduled_note_counts_from_when_it_went_live(self, client, site):
        live = PaperFactory(
            venue=site.middle.venue,
            area=site.middle.area,
            slug="was-scheduled",
            published_at=timezone.now() - timedelta(hours=1),
        )
        touch(live, site.base)  # saved long before it went public

        pages = read_whole_sitemap(client)

        for path in ["/CVPR2026/", "/CVPR2026/llm_pretraining/", live.get_absolute_url()]:
            assert pages[f"{HOST}{path}"] == day(live.published_at)

    def test_notes_are_paged(self, client, site, monkeypatch):
        monkeypatch.setattr(NoteSitemap, "limit", 2)

        sections = read_sitemap(client, "/sitemap.xml", "sitemap")
        first = read_sitemap(client, "/sitemap-notes.xml", "url")
        second = read_sitemap(client, "/sitemap-notes.xml?p=2", "url")

        assert {f"{HOST}/sitemap-notes.xml", f"{HOST}/sitemap-notes.xml?p=2"} <= set(sections)
        assert f"{HOST}/sitemap-notes.xml?p=3" not in sections
        assert len(first) == 2
        assert len(second) == 1
        assert set(first) | set(second) == {f"{HOST}{paper.get_absolute_url()}" for paper in site.public}
        assert client.get("/sitemap-notes.xml?p=3").status_code == 404
        assert client.get("/sitemap-notes.xml?p=x").status_code == 404

    def test_an_empty_site_has_an_index_and_empty_sections(self, client):
        PaperFactory(draft=True)

        assert read_whole_sitemap(client) == {f"{HOST}/": None, f"{HOST}/papers/": None}

    def test_unknown_section_is_404(self, client, site):
        assert client.get("/sitemap-nope.xml").status_code == 404

    def test_urls_round_trip(self):
        assert reverse("sitemap-index") == "/sitemap.xml"
        assert reverse("sitemap-section", kwargs={"section": "venue-areas"}) == "/sitemap-venue-areas.xml"
        assert resolve("/sitemap-notes.xml").kwargs["section"] == "notes"


def test_robots_txt_points_at_the_sitemap_of_this_host(client, settings):
    settings.ALLOWED_HOSTS = ["notes.example.org"]
    response = client.get("/robots.txt", headers={"host": "notes.example.org"}, secure=True)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().splitlines() == [
        "User-agent: *",
        "Disallow: /admin/",
        "Sitemap: https://notes.example.org/sitemap.xml",
    ]


def build_site(papers):
    """`papers` public notes over 3 venues, 3 areas and 5 topics, plus hidden ones."""
    venues = [VenueFactory(name=f"Q{2020 + i}") for i in range(3)]
    areas = [AreaFactory(slug=f"q{i}") for i in range(3)]
    topics = [TopicFactory(name=f"Q topic {i}") for i in range(5)]
    start = timezone.now() - timedelta(days=1000)
    created = Paper.objects.bulk_create(
        Paper(
            venue=venues[i % 3],
            area=areas[i % 3 if i % 5 else 0],
            title=f"Query paper {i}",
            slug=f"qp{i}",
            authors="A. Author" if i % 2 else "",
            status="published",
            published_at=start + timedelta(days=i),
        )
        for i in range(papers)
    )
    for i, paper in enumerate(created):
        paper.topics.add(*topics[: 1 + i % 5])
    PaperFactory(venue=venues[0], area=areas[0], draft=True, slug="qdraft", topics=["Q secret"])


# Each feed and sitemap section, with the number of queries it must cost at any size.
QUERY_COUNTS = [
    # The notes with their venue and area, then their topics; and the venue, area or topic.
    ("/feeds/notes.atom", 2),
    ("/feeds/venues/Q2020.atom", 3),
    # An area or topic is public when the site's counts give it public notes: the
    # content version, then (the first time after a change) the publication times and
    # the counts, three queries.
    ("/feeds/areas/q0.atom", 7),
    ("/feeds/topics/q-topic-0.atom", 7),
    # What each section costs, except that the notes need only a count and their
    # newest change: 1 + 1 + 1 + 1 + 2 + 2.
    ("/sitemap.xml", 8),
    ("/sitemap-static.xml", 1),
    ("/sitemap-venues.xml", 1),
    ("/sitemap-areas.xml", 1),
    ("/sitemap-venue-areas.xml", 1),
    ("/sitemap-topics.xml", 2),
    # A count and the page.
    ("/sitemap-notes.xml", 2),
    ("/sitemap-notes.xml?p=2", 2),
    ("/robots.txt", 0),
]


@pytest.mark.parametrize("size", [10, 200])
@pytest.mark.parametrize(("url", "queries"), QUERY_COUNTS)
def test_query_count_is_fixed(client, django_assert_num_queries, monkeypatch, size, url, queries):
    monkeypatch.setattr(NoteSitemap, "limit", 6)
    build_site(size)

    with django_assert_num_queries(queries):
        response = client.get(url)

    assert response.status_code == 200
    if url.startswith("/feeds/"):
        assert 0 < len(parse_xml(response).findall(f"{ATOM}entry")) <= 50
