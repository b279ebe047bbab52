"""Reading pages the way a reader sees them."""

import re
from html import unescape

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
