"""Hostile text in any field of a note never becomes markup, script or a dangerous URL.

Each payload goes into the body, summary, title, authors and keywords of one published
paper. The note page, its venue×area page and the search results are then read with
the standard library's HTML parser, the way a browser would tokenise them, and every
start tag is checked.
"""

import re
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils.html import escape

from papers.markdown import render_block, render_inline
from tests.factories import AreaFactory, PaperFactory, VenueFactory

PAYLOADS = [
    # Script and style elements.
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/xss.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "</script><script>alert(1)</script>",
    '<style>body{background:url("javascript:alert(1)")}</style>',
    "<xmp><script>alert(1)</script></xmp>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    # Event handler attributes.
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=JaVaScRiPt:alert(1)>",
    "<body onload=alert(1)>",
    '<div onmouseover="alert(1)">hover</div>',
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    # Dangerous URLs in raw HTML.
    '<a href="javascript:alert(1)">x</a>',
    '<a href="  javascript:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<img src="javascript:alert(1)">',
    # Dangerous URLs in Markdown links, autolinks, reference links and images.
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x](&#106;avascript:alert(1))",
    "[x](jav&#x09;ascript:alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](<java\tscript:alert(1)>)",
    "[x](<\x01javascript:alert(1)>)",
    "[x](java%0ascript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<javascript:alert(1)>",
    "<JAVASCRIPT:alert(1)>",
    "[x][evil]\n\n[evil]: javascript:alert(1)",
    "[evil]\n\n[evil]: <vbscript:msgbox(1)> 'title'",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![x](data:image/png;base64,iVBORw0KGgo=)",
    "![x][img]\n\n[img]: data:image/gif;base64,R0lGODlhAQABAAAAACw=",
    # SVG and MathML.
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    '<math href="javascript:alert(1)">CLICK</math>',
    # Comments and CDATA.
    "<!-- <script>alert(1)</script> -->",
    "<!--",
    "<![CDATA[<script>alert(1)</script>]]>",
    # Frames, plugins and document-level tags.
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel="stylesheet" href="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">x</button></form>',
    # Breaking out of attributes, quotes, backticks and other elements.
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "` onmouseover=alert(1) x=`",
    '`"><script>alert(1)</script>`',
    "</title><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    '[x](https://example.org "t\\" onmouseover=\\"alert(1)")',
    '[x](https://example.org/"onmouseover="alert(1))',
    '![x" onerror="alert(1)](https://example.org/x.png)',
    '<https://example.org/" onmouseover="alert(1)>',
    # Markdown structures around script.
    "## <script>alert(1)</script> heading",
    "| a |\n|---|\n| <script>alert(1)</script> [x](javascript:alert(1)) |",
    "Text[^1]\n\n[^1]: <script>alert(1)</script> [x](javascript:alert(1))",
    "Term\n: <img src=x onerror=alert(1)> [x](javascript:alert(1))",
    "```\n</code></pre><script>alert(1)</script>\n```",
    # Math that tries to close its element.
    "$<img src=x onerror=alert(1)>$",
    "$$</div><script>alert(1)</script>$$",
    "\\(<svg onload=alert(1)>\\)",
    "$$\n</div><iframe src=javascript:alert(1)>\n$$",
    # Already-escaped and look-alike text.
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e",  # full-width < and >
    "<scrİpt>alert(1)</scrİpt>",
    "line\u2028separator\u2029<script>alert(1)</script>",
    # Template injection.
    "{{ request.META }}{{ 7|add:7 }}",
    "{% debug %}{% load static %}{% include 'base.html' %}",
    "${alert(1)} #{alert(1)} {{constructor.constructor('alert(1)')()}}",
]

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background"}
DANGEROUS_SCHEMES = ("javascript:", "data:", "vbscript:")
FORBIDDEN_ELEMENTS = {
    "style",
    "iframe",
    "object",
    "embed",
    "base",
    "svg",
    "math",
    "frame",
    "frameset",
    "applet",
}
# Whitespace and control characters, which browsers ignore inside a URL's scheme.
IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f-\x9f]+")


class PageChecker(HTMLParser):
    """Collects, for every start tag of a page, whatever a browser could run."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.in_body = False
        self.h1_text = []
        self.in_h1 = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        where = f"<{tag} {attrs}>"
        if tag == "body":
            self.in_body = True
        if tag == "h1":
            self.in_h1 = True
        if tag == "script":
            src, kind = attributes.get("src") or "", attributes.get("type") or ""
            if not (src.startswith("/static/") or kind == "application/ld+json"):
                self.problems.append(f"script: {where}")
        if tag in FORBIDDEN_ELEMENTS:
            self.problems.append(f"forbidden element: {where}")
        if tag == "meta" and "http-equiv" in attributes:
            self.problems.append(f"meta http-equiv: {where}")
        if tag in {"meta", "link"} and self.in_body:
            self.problems.append(f"{tag} in the body: {where}")
        if tag == "form" and attributes.get("action") != reverse("papers:list"):
            # The site's own search and filter forms are the only forms there are.
            self.problems.append(f"form: {where}")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler: {where}")
            if name == "style":
                self.problems.append(f"style attribute: {where}")
            if name in URL_ATTRIBUTES and value is not None:
                url = IGNORED_IN_URLS.sub("", value).lower()
                if url.startswith(DANGEROUS_SCHEMES):
                    self.problems.append(f"dangerous URL: {where}")

    def handle_endtag(self, tag):
        if tag == "h1":
            self.in_h1 = False

    def handle_data(self, data):
        if self.in_h1:
            self.h1_text.append(data)


def check_page(response):
    assert response.status_code == 200
    checker = PageChecker()
    checker.feed(response.content.decode())
    checker.close()
    assert checker.problems == []
    return checker


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_the_corpus_is_large_and_storable():
    assert len(PAYLOADS) >= 40
    assert len(set(PAYLOADS)) == len(PAYLOADS)
    # PostgreSQL cannot store NUL; the search form takes at most 500 characters.
    assert all("\x00" not in payload and len(payload) <= 500 for payload in PAYLOADS)


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_in_every_field_stays_text(client, payload):
    paper = PaperFactory(
        venue=VenueFactory(name="XSS2025"),
        area=AreaFactory(slug="xss", name="XSS"),
        slug="hostile",
        title=payload,
        summary=payload,
        body=payload,
        authors=payload,
        keywords=payload,
    )
    venue_area = reverse("venues:venue-area", kwargs={"venue": "XSS2025", "area": "xss"})

    note = client.get(paper.get_absolute_url())
    listing = client.get(venue_area)
    search = client.get(reverse("papers:list"), {"q": payload})

    note_page = check_page(note)
    for response in (listing, search):
        check_page(response)
        # The paper is on the page, its title escaped.
        assert f'<a href="{paper.get_absolute_url()}">{escape(payload)}</a>' in response.content.decode()
    note_html = note.content.decode()
    assert "".join(note_page.h1_text) == payload
    assert escape(payload) in note_html  # title and authors
    if paper.keyword_list:
        assert escape(", ".join(paper.keyword_list)) in note_html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_rendered_markdown_alone_is_clean(payload):
    for html in (render_block(payload), render_inline(payload)):
        checker = PageChecker()
        checker.feed(html)
        checker.close()
        assert checker.problems == []
        assert "<script" not in html.lower()
