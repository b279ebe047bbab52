"""The note page: what it shows, its neighbours and related notes, and its citation."""

import json
import re
from datetime import timedelta

import bibtexparser
import pytest
from django.utils import timezone

from papers.models import Paper
from tests.factories import AreaFactory, PaperFactory, VenueFactory
from tests.helpers import heading, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def note():
    venue = VenueFactory(
        name="ICML2025", full_name="International Conference on Machine Learning 2025", year=2025
    )
    area = AreaFactory(slug="llm_pretraining", name="Pretraining")
    return PaperFactory(
        venue=venue,
        area=area,
        title="Sparse {Widgets} & 100% of $x_1$",
        slug="sparse-widgets",
        authors="Ada Lovelace, Émile Borel",
        arxiv_id="2501.01234",
        summary="Widgets **cost** $\\mathcal{O}(n)$ and help <b>a lot</b>.",
        body="## Motivation\n\nWhy.\n\n## Method\n\nHow.\n\n### Details\n\nMore.\n",
        keywords="widgets, sparsity",
        rating_novelty=4,
        rating_value=2,
        topics=["LLM", "Sparsity"],
    )


def get_note(client, paper):
    response = client.get(paper.get_absolute_url())
    assert response.status_code == 200
    return response


def json_ld_blocks(response):
    html = response.content.decode()
    return [
        json.loads(block)
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, flags=re.S)
    ]


def test_header_tldr_contents_body_and_ratings(client, note):
    html = get_note(client, note).content.decode()

    assert "Ada Lovelace, Émile Borel" in html
    assert 'href="https://arxiv.org/abs/2501.01234" rel="noopener"' in html
    assert 'href="/topics/llm/"' in html and 'href="/topics/sparsity/"' in html
    assert "<strong>cost</strong>" in html
    toc = re.search(r'<nav class="toc".*?</nav>', html, flags=re.S).group(0)
    assert [text_of(item) for item in re.findall(r"<li[^>]*>(.*?)</li>", toc, flags=re.S)] == [
        "Motivation",
        "Method",
        "Details",
    ]
    assert 'aria-label="4 out of 5 stars">★★★★☆</span> <span class="rating-number">4/5' in html
    assert 'aria-label="2 out of 5 stars"' in html


def test_previous_and_next_within_the_venue_area_list(client, note):
    before = PaperFactory(venue=note.venue, area=note.area, title="Alpha", slug="alpha")
    after = PaperFactory(venue=note.venue, area=note.area, title="Zeta", slug="zeta")
    PaperFactory(venue=note.venue, area=note.area, title="Beta hidden", slug="beta", draft=True)
    PaperFactory(venue=note.venue, area=AreaFactory(), title="Other area", slug="other")

    html = get_note(client, note).content.decode()

    assert f'<a rel="prev" href="{before.get_absolute_url()}">' in html
    assert f'<a rel="next" href="{after.get_absolute_url()}">' in html
    first = get_note(client, before).content.decode()
    assert 'rel="prev"' not in first
    assert f'<a rel="next" href="{note.get_absolute_url()}">' in first


def test_related_notes_ranked_by_shared_topics_then_area(client, note):
    other_venue = VenueFactory(name="NeurIPS2025")
    both_topics = PaperFactory(
        venue=other_venue, title="Both topics", slug="both", topics=["LLM", "Sparsity"]
    )
    same_area_one_topic = PaperFactory(venue=note.venue, area=note.area, title="Area and one", topics=["LLM"])
    one_topic = PaperFactory(venue=other_venue, title="One topic", slug="one", topics=["Sparsity"])
    same_area = PaperFactory(venue=note.venue, area=note.area, title="Area only")
    PaperFactory(title="Unrelated", slug="unrelated", topics=["Vision"])
    PaperFactory(title="Hidden", slug="hidden", topics=["LLM", "Sparsity"], draft=True)
    for i in range(3):
        PaperFactory(
            venue=other_venue,
            area=note.area,
            slug=f"old-{i}",
            published_at=timezone.now() - timedelta(days=30),
        )

    related = get_note(client, note).context["related"]

    assert related[:4] == [both_topics, same_area_one_topic, one_topic, same_area]
    assert len(related) == 5
    assert not {p.title for p in related} & {"Unrelated", "Hidden"}


def test_query_count_is_fixed(client, note, django_assert_num_queries):
    def grow(n):
        for i in range(n):
            PaperFactory(venue=note.venue, area=note.area, slug=f"g{n}-{i}", topics=["LLM"])

    grow(3)
    with django_assert_num_queries(5):
        get_note(client, note)
    grow(60)
    with django_assert_num_queries(5):
        get_note(client, note)


def test_cite_bib_is_valid_bibtex(client, note):
    response = client.get(note.get_absolute_url() + "cite.bib")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    [entry] = bibtexparser.loads(response.content.decode()).entries
    assert entry["ENTRYTYPE"] == "inproceedings"
    assert entry["ID"] == "lovelace2025sparse"
    assert entry["title"] == r"Sparse \textbraceleft{}Widgets\textbraceright{} \& 100\% of \$x\_1\$"
    assert entry["author"] == "Ada Lovelace and Émile Borel"
    assert entry["booktitle"] == "International Conference on Machine Learning 2025"
    assert entry["year"] == "2025"
    assert entry["eprint"] == "2501.01234"
    assert entry["url"] == "https://arxiv.org/abs/2501.01234"


def test_page_offers_the_citation(client, note):
    html = get_note(client, note).content.decode()

    assert '<pre id="bibtex">@inproceedings{lovelace2025sparse,' in html
    assert 'data-copy-target="bibtex"' in html
    assert f'href="{note.get_absolute_url()}cite.bib"' in html


def test_cite_for_hidden_or_unknown_is_404(client, note):
    draft = PaperFactory(venue=note.venue, area=note.area, slug="draft", draft=True)

    assert client.get(draft.get_absolute_url() + "cite.bib").status_code == 404
    assert client.get("/ICML2025/llm_pretraining/nope/cite.bib").status_code == 404


def test_search_engine_tags(client, note):
    response = get_note(client, note)
    html = response.content.decode()

    assert "<title>Sparse {Widgets} &amp; 100% of $x_1$ · ICML2025 · Paper Notes</title>" in html
    description = re.search(r'<meta name="description" content="([^"]*)">', html).group(1)
    assert description == "Widgets cost $\\mathcal{O}(n)$ and help &lt;b&gt;a lot&lt;/b&gt;."
    assert '<link rel="canonical" href="http://testserver/ICML2025/llm_pretraining/sparse-widgets/">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta name="twitter:card" content="summary">' in html
    (article,) = [block for block in json_ld_blocks(response) if block["@type"] == "ScholarlyArticle"]
    assert article["name"] == note.title
    assert [a["name"] for a in article["author"]] == ["Ada Lovelace", "Émile Borel"]
    (crumbs,) = [block for block in json_ld_blocks(response) if block["@type"] == "BreadcrumbList"]
    assert [item["name"] for item in crumbs["itemListElement"]] == [
        "Paper Notes",
        "ICML2025",
        "Pretraining",
        note.title,
    ]


def test_description_is_short_and_plain(client, note):
    note.summary = "**Bold** " + "word " * 100
    note.save()

    html = get_note(client, note).content.decode()
    description = re.search(r'<meta name="description" content="([^"]*)">', html).group(1)

    assert len(description) <= 160
    assert description.startswith("Bold word")
    assert "*" not in description


def test_json_ld_cannot_close_its_script(client, note):
    note.title = "</script><script>alert(1)</script>"
    note.save()

    response = get_note(client, note)

    assert "</script><script>alert(1)" not in response.content.decode()
    assert any(block.get("name") == note.title for block in json_ld_blocks(response))


def test_note_html_stays_small(client, note):
    note.body = "## Section\n\n" + "A sentence of a typical note. " * 200
    note.save()

    assert len(get_note(client, note).content) < 30 * 1024


def test_moved_note_redirects_its_citation_too(client, note):
    Paper.objects.filter(pk=note.pk).update(area=AreaFactory(slug="moved"))

    response = client.get("/ICML2025/llm_pretraining/sparse-widgets/cite.bib")

    assert response.status_code == 301
    assert response["Location"] == "/ICML2025/moved/sparse-widgets/cite.bib"
    assert heading(client.get("/ICML2025/moved/sparse-widgets/")) == note.title


def test_only_web_links_reach_an_href(client, note):
    Paper.objects.filter(pk=note.pk).update(code_url="javascript:alert(1)", paper_url=" data:text/html,x")

    html = get_note(client, note).content.decode()

    assert "javascript:alert" not in html
    assert "data:text/html" not in html


def test_an_unbalanced_brace_keeps_the_entry_valid(client, note):
    note.title = "Open { brace"
    note.save()

    [entry] = bibtexparser.loads(client.get(note.get_absolute_url() + "cite.bib").content.decode()).entries

    assert entry["title"] == r"Open \textbraceleft{} brace"
