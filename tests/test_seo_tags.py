"""Every public page carries the tags search engines and link previews read."""

import json
import re

import pytest

from tests.factories import AreaFactory, PaperFactory, VenueFactory

pytestmark = pytest.mark.django_db

PAGES = {
    "/": None,
    "/ICML2025/": None,
    "/ICML2025/llm_pretraining/": "CollectionPage",
    "/ICML2025/llm_pretraining/widgets/": "ScholarlyArticle",
    "/areas/llm_pretraining/": "CollectionPage",
    "/topics/llm/": "CollectionPage",
    "/papers/": "CollectionPage",
}


@pytest.fixture
def site():
    venue, area = VenueFactory(name="ICML2025"), AreaFactory(slug="llm_pretraining", name="Pretraining")
    PaperFactory(
        venue=venue, area=area, slug="widgets", title="Widgets", summary="About *widgets*.", topics=["LLM"]
    )


@pytest.mark.parametrize(("url", "data_type"), PAGES.items())
def test_meta_tags_and_structured_data(client, site, url, data_type):
    html = client.get(url).content.decode()

    assert re.search(r"<title>[^<]+</title>", html)
    description = re.search(r'<meta name="description" content="([^"]+)">', html).group(1)
    assert 0 < len(description) <= 160
    assert f'<link rel="canonical" href="http://testserver{url}">' in html
    for tag in (
        'property="og:title"',
        'property="og:description"',
        'property="og:url"',
        'name="twitter:card"',
    ):
        assert tag in html
    blocks = [
        json.loads(b) for b in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    ]
    types = {block["@type"] for block in blocks}
    assert "BreadcrumbList" in types
    if data_type:
        assert data_type in types
    assert 'type="application/atom+xml"' in html


def test_collection_lists_the_pages_notes(client, site):
    html = client.get("/ICML2025/llm_pretraining/").content.decode()
    blocks = [
        json.loads(b) for b in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    ]
    [collection] = [block for block in blocks if block["@type"] == "CollectionPage"]

    assert collection["mainEntity"]["itemListElement"] == [
        {
            "@type": "ListItem",
            "position": 1,
            "url": "http://testserver/ICML2025/llm_pretraining/widgets/",
            "name": "Widgets",
        }
    ]


def test_paginated_pages_have_their_own_canonical_url(client, site, settings):
    settings.PAPERS_PER_PAGE = 1
    PaperFactory(venue=VenueFactory(name="ICML2025"), area=AreaFactory(slug="llm_pretraining"), slug="zz")

    html = client.get("/ICML2025/llm_pretraining/?page=2&junk=1").content.decode()

    assert '<link rel="canonical" href="http://testserver/ICML2025/llm_pretraining/?page=2">' in html
