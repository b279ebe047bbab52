"""Reading pages the way a reader sees them."""

import re
from html import unescape

from django.utils import timezone

TAG = re.compile(r"<[^>]+>")
SPACE = re.compile(r"\s+")


def text_of(html):
    """The visible text of an HTML fragment, whitespace collapsed."""
    return SPACE.sub(" ", unescape(TAG.sub("", html))).strip()


def lines(response, css_class="line"):
    """The text of each <p> carrying `css_class`, in page order."""
    html = response.content.decode()
    pattern = rf'<p class="[^"]*\b{re.escape(css_class)}\b[^"]*">(.*?)</p>'
    return [text_of(match) for match in re.findall(pattern, html, flags=re.S)]


def heading(response):
    match = re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), flags=re.S)
    return text_of(match.group(1)) if match else None


def paper_titles(response):
    """The titles in the page's list of papers, in order."""
    html = response.content.decode()
    return [text_of(t) for t in re.findall(r'<h\d class="paper-title">(.*?)</h\d>', html, flags=re.S)]


def paper_form(paper=None, **changes):
    """The admin paper form as a browser sends it: `paper`'s values (or a new draft's),
    with the version the form was opened on, then `changes`."""
    from papers.history import current_version
    from tests.factories import AreaFactory, VenueFactory

    data = {
        "title": "A new note",
        "slug": "a-new-note",
        "summary": "",
        "body": "",
        "authors": "",
        "arxiv_id": "",
        "paper_url": "",
        "code_url": "",
        "keywords": "",
        "presentation": "",
        "status": "draft",
        "topics": [],
    }
    if paper is None:
        data.update(venue=VenueFactory().pk, area=AreaFactory().pk)
    else:
        data.update(
            {name: getattr(paper, name) for name in data if name != "topics"},
            venue=paper.venue_id,
            area=paper.area_id,
            topics=[topic.pk for topic in paper.topics.all()],
            version=current_version(paper.pk) or "",
        )
        for name in ["rating_novelty", "rating_experiments", "rating_writing", "rating_value"]:
            data[name] = getattr(paper, name) or ""
        if paper.published_at:
            local = timezone.localtime(paper.published_at)
            data.update(
                published_at_0=local.strftime("%Y-%m-%d"), published_at_1=local.strftime("%H:%M:%S.%f")
            )
    data.update(changes)
    return data
