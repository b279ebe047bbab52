"""What search engines, feed readers and reference managers read: plain-text
descriptions, JSON-LD structured data and BibTeX citations."""

import json
import re
import unicodedata
from html import unescape

from django.urls import reverse
from django.utils.html import strip_tags

from papers.markdown import render_inline

SITE_NAME = "Paper Notes"
DESCRIPTION_LENGTH = 160
SPACE = re.compile(r"\s+")
# JSON inside <script> must not be able to close the element or open a comment.
# What json_script escapes; by replace(), several times faster than translate() on a
# list page's structured data.
JSON_SCRIPT_ESCAPES = [("<", "\\u003C"), (">", "\\u003E"), ("&", "\\u0026")]


def plain_text(markdown, limit=DESCRIPTION_LENGTH):
    """`markdown` as plain text on one line, cut at a word boundary to at most `limit` characters."""
    text = SPACE.sub(" ", unescape(strip_tags(render_inline(markdown or "")))).strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] or text[: limit - 1]
    return cut.rstrip(" ,.;:") + "…"


def json_ld(data):
    """The body of a <script type="application/ld+json"> element, safe to mark safe."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for character, escaped in JSON_SCRIPT_ESCAPES:
        text = text.replace(character, escaped)
    return text


def breadcrumb_list(crumbs, absolute):
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": absolute(url)}
            for n, (name, url) in enumerate(crumbs, 1)
        ],
    }


def scholarly_article(paper, absolute):
    data = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "headline": paper.title[:110],
        "name": paper.title,
        "description": plain_text(paper.summary),
        "url": absolute(paper.get_absolute_url()),
        "datePublished": paper.published_at.isoformat() if paper.published_at else None,
        "dateModified": paper.updated_at.isoformat() if paper.updated_at else None,
        "author": [{"@type": "Person", "name": name} for name in author_names(paper.authors)],
        "keywords": paper.keyword_list,
        "about": [topic.name for topic in paper.topics.all()],
        "isPartOf": {"@type": "Periodical", "name": paper.venue.full_name or paper.venue.name},
        "publisher": {"@type": "Organization", "name": SITE_NAME},
    }
    links = [url for url in dict.fromkeys([paper.arxiv_url, paper.paper_url]) if is_web_url(url)]
    if links:
        data["sameAs"] = links
    return {key: value for key, value in data.items() if value not in (None, "", [])}


def collection_page(name, description, papers, absolute, *, first_position=1):
    return {
        "@context": "https://schema.org",
        "@type": "CollectionPage",
        "name": name,
        "description": description,
        "mainEntity": {
            "@type": "ItemList",
            "itemListElement": [
                {
                    "@type": "ListItem",
                    "position": position,
                    "url": absolute(paper.get_absolute_url()),
                    "name": paper.title,
                }
                for position, paper in enumerate(papers, first_position)
            ],
        },
    }


AUTHOR_SEPARATORS = re.compile(r"\s*(?:[,;，；、]|\band\b)\s*")  # noqa: RUF001 - Chinese separators


def author_names(authors):
    return [name for name in AUTHOR_SEPARATORS.split(authors or "") if name and name.lower() != "et al."]


# LaTeX specials that would break a BibTeX field or change its meaning.
BIBTEX_ESCAPES = str.maketrans(
    {
        "\\": r"\textbackslash{}",
        # BibTeX counts braces even after a backslash: name them instead.
        "{": r"\textbraceleft{}",
        "}": r"\textbraceright{}",
        "&": r"\&",
        "%": r"\%",
        "#": r"\#",
        "_": r"\_",
        "$": r"\$",
        "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
    }
)


def bibtex(paper, url):
    """A BibTeX @inproceedings entry for `paper`; `url` is the note's absolute URL."""
    venue = paper.venue
    fields = [
        ("title", paper.title),
        ("author", " and ".join(author_names(paper.authors))),
        ("booktitle", venue.full_name or venue.name),
        ("year", str(venue.year or (paper.published_at.year if paper.published_at else ""))),
    ]
    if paper.arxiv_id:
        fields += [("eprint", paper.arxiv_id), ("archiveprefix", "arXiv")]
    link = next(u for u in (paper.paper_url, paper.arxiv_url, url) if is_web_url(u))
    # A URL is read verbatim: only braces, which would end the field, need encoding.
    fields = [(name, value.translate(BIBTEX_ESCAPES)) for name, value in fields]
    fields += [("url", link.replace("{", "%7B").replace("}", "%7D")), ("note", f"Paper note: {url}")]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@inproceedings{{{citation_key(paper)},\n{body}\n}}\n"


def citation_key(paper):
    """e.g. "lovelace2025sparse": first author's family name, year, first title word; ASCII only."""
    names = author_names(paper.authors)
    family = names[0].split()[-1] if names else ""
    title_words = [word for word in _ascii(paper.title).split() if len(word) > 3] or [_ascii(paper.slug)]
    year = paper.venue.year or (paper.published_at.year if paper.published_at else "")
    key = f"{_ascii(family)}{year}{title_words[0]}".lower()
    return re.sub(r"[^a-z0-9]", "", key) or f"note{paper.pk}"


def _ascii(text):
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def crumbs(*trail):
    """A breadcrumb trail of (name, URL) pairs, starting at the home page."""
    return [(SITE_NAME, reverse("venues:home")), *trail]


def is_web_url(url):
    return bool(url) and url.strip().lower().startswith(("http://", "https://"))
