"""Markdown to HTML for notes and summaries.

A note body is CommonMark with tables, strikethrough, footnotes, definition lists and
ids on its h2–h4 headings; a summary is inline Markdown only. Raw HTML in the source
is not passed through (it is shown as text). Math (`$…$`, `$$…$$`, `\\(…\\)`,
`\\[…\\]`) is kept exactly as written, escaped, in elements that static/js/math.js
typesets; Markdown never reinterprets the characters inside it.

Whatever markdown-it produces is then cleaned by nh3 against an allow-list of the
tags, attributes, classes and URL schemes the renderer is known to emit, so a bug in
a parser or plugin cannot put script into a page.

Rendering is cached per version of a paper (`note_body`, `note_summary`,
`summaries`): the cache key holds the paper's pk and `updated_at`, so an edit saved
through the ORM is seen at once, and RENDERER_VERSION, to be raised whenever the
output of this module changes.
"""

import re
from dataclasses import dataclass, field
from html import escape
from urllib.parse import urlsplit

import nh3
from django.core.cache import cache
from django.utils.text import slugify
from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.texmath import texmath_plugin

#: Raise whenever the HTML this module makes changes, so cached renderings are not reused.
RENDERER_VERSION = 3
#: Cached renderings are keyed by version, so they never go stale; this only lets
#: renderings of old versions of a paper leave the cache.
CACHE_TIMEOUT = 60 * 60 * 24 * 30

CLOSING = {"$": "$", "$$": "$$", "\\(": "\\)", "\\[": "\\]"}
MATH_TOKENS = {"math_inline", "math_inline_double", "math_block", "math_block_label", "math_block_eqno"}


def _math_source(token):
    source = f"{token.markup}{token.content}{CLOSING.get(token.markup, token.markup)}"
    if token.type == "math_block_label":
        source += f" ({token.info})"
    return source


def _render_math(element, css_class):
    def render(self, tokens, idx, options, env):
        source = escape(_math_source(tokens[idx]), quote=False)
        html = f'<{element} class="math {css_class}">{source}</{element}>'
        return html + ("\n" if element == "div" else "")

    return render


def _table_open(self, tokens, idx, options, env):
    # A table wider than the screen scrolls inside its own box, which keyboard users must
    # be able to focus to scroll it: a named region, in the tab order.
    env["tables"] = env.get("tables", 0) + 1
    box = f'<div class="table-scroll" role="region" tabindex="0" aria-label="Table {env["tables"]}">\n'
    return box + self.renderToken(tokens, idx, options, env)


def _table_close(self, tokens, idx, options, env):
    return self.renderToken(tokens, idx, options, env) + "</div>\n"


# Ids the note's page already uses, and names a script may read from `window` (where
# an element's id would shadow them): a heading never takes one of these.
PAGE_IDS = frozenset(
    {
        "main",
        "site-search",
        "tldr-heading",
        "toc-heading",
        "ratings-heading",
        "cite-heading",
        "bibtex",
        "related-heading",
        "katex",
    }
)
# The footnote plugin's own ids (fn1, fnref1, fnref1:1).
FOOTNOTE_ID = re.compile(r"fn(ref)?\d+(:\d+)?")


def heading_slug(title):
    """A heading's id: its words, lower-cased, in any script, joined by hyphens."""
    slug = slugify(title, allow_unicode=True) or "section"
    if slug in PAGE_IDS or FOOTNOTE_ID.fullmatch(slug):
        slug = f"section-{slug}"
    return slug


def _build(*, block):
    md = MarkdownIt("commonmark", {"html": False})
    md.enable(["table", "strikethrough"])
    # "5$ and $10" is money, not math: digits next to a dollar sign do not open math.
    md.use(dollarmath_plugin, allow_space=True, allow_digits=False, double_inline=True)
    md.use(texmath_plugin, delimiters="brackets")
    if block:
        # Only for bodies: a footnote list or a heading has no place inside a summary's <p>.
        md.use(footnote_plugin)
        md.use(deflist_plugin)
        md.use(anchors_plugin, min_level=2, max_level=4, slug_func=heading_slug)
    inline, display = _render_math("span", "math-inline"), _render_math("div", "math-display")
    for token_type, renderer in {
        "math_inline": inline,
        # $$…$$ inside a paragraph is displayed too, but must stay inline-level HTML.
        "math_inline_double": _render_math("span", "math-display"),
        "math_block": display,
        "math_block_label": display,
        "math_block_eqno": display,
        "table_open": _table_open,
        "table_close": _table_close,
    }.items():
        md.add_render_rule(token_type, renderer)
    return md


_block_markdown = _build(block=True)
_inline_markdown = _build(block=False)


# What the renderer emits, and nothing else. Table cells lose markdown-it's
# `style="text-align:…"`: allowing style attributes is not worth column alignment,
# and a strict Content-Security-Policy would block them anyway.
ALLOWED_TAGS = {
    *("p", "br", "hr", "em", "strong", "code", "pre", "blockquote", "del", "s", "sup", "sub"),
    *("a", "img", "ul", "ol", "li", "dl", "dt", "dd", "section", "span", "div"),
    *("h1", "h2", "h3", "h4", "h5", "h6"),
    *("table", "thead", "tbody", "tr", "th", "td"),
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "li": {"id"},
    **{f"h{level}": {"id"} for level in range(1, 7)},
    # The box a table scrolls in (raw HTML in a note is escaped: only the renderer writes these).
    "div": {"role", "tabindex", "aria-label"},
}
ALLOWED_CLASSES = {
    "span": {"math", "math-inline", "math-display"},
    "div": {"math", "math-display", "table-scroll"},
    "hr": {"footnotes-sep"},
    "section": {"footnotes"},
    "ol": {"footnotes-list"},
    "li": {"footnote-item"},
    "sup": {"footnote-ref"},
    "a": {"footnote-backref"},
}
URL_SCHEMES = {"http", "https", "mailto"}
IMAGE_SCHEMES = {"http", "https"}


def _only_web_images(tag, attribute, value):
    """Images load only over http(s): no data:, mailto: or relative sources."""
    if tag == "img" and attribute == "src":
        try:
            scheme = urlsplit(value.strip()).scheme.lower()
        except ValueError:
            return None
        return value if scheme in IMAGE_SCHEMES else None
    return value


_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags={"script", "style"},
    attributes=ALLOWED_ATTRIBUTES,
    attribute_filter=_only_web_images,
    allowed_classes=ALLOWED_CLASSES,
    url_schemes=URL_SCHEMES,
    link_rel="noopener noreferrer",
    strip_comments=True,
)


def sanitize(html):
    return _cleaner.clean(html)


@dataclass(frozen=True)
class RenderedNote:
    """A note body as sanitised HTML, with its table of contents.

    `toc` lists the body's h2 and h3 headings as (level, anchor id, plain text); the
    text is not escaped.
    """

    html: str
    toc: list = field(default_factory=list)


def _plain_text(tokens):
    """What a reader sees of inline tokens, math as written."""
    parts = []
    for token in tokens:
        if token.type in MATH_TOKENS:
            parts.append(_math_source(token))
        elif token.type in {"text", "code_inline"}:
            parts.append(token.content)
        elif token.type in {"softbreak", "hardbreak"}:
            parts.append(" ")
        elif token.children:
            parts.append(_plain_text(token.children))
    return "".join(parts)


def _table_of_contents(tokens):
    toc, in_footnotes = [], False
    for idx, token in enumerate(tokens):
        if token.type in {"footnote_block_open", "footnote_block_close"}:
            in_footnotes = token.type == "footnote_block_open"
        elif token.type == "heading_open" and token.tag in {"h2", "h3"} and not in_footnotes:
            text = re.sub(r"\s+", " ", _plain_text(tokens[idx + 1].children or [])).strip()
            toc.append((int(token.tag[1]), token.attrGet("id"), text))
    return toc


def render_note(text):
    """A whole note body, with its table of contents."""
    env = {}
    tokens = _block_markdown.parse(text or "", env)
    html = _block_markdown.renderer.render(tokens, _block_markdown.options, env)
    return RenderedNote(html=sanitize(html), toc=_table_of_contents(tokens))


def render_block(text):
    """A whole note body, as HTML."""
    return render_note(text).html


def render_inline(text):
    """A summary, as inline content to go inside a <p>."""
    return sanitize(_inline_markdown.renderInline(text or ""))


# Caching, per version of a paper.

# Where `summaries()` leaves a paper's summary for `note_summary()` to find.
_SUMMARY_ATTRIBUTE = "_rendered_summary_html"


def _cache_key(kind, paper):
    """None for a paper that has no saved version to key on."""
    if paper.pk is None or paper.updated_at is None:
        return None
    return f"papers:markdown:{RENDERER_VERSION}:{kind}:{paper.pk}:{paper.updated_at.timestamp():.6f}"


def note_body(paper):
    """`paper.body` rendered, from the cache when this version was rendered before."""
    key = _cache_key("body", paper)
    note = cache.get(key) if key else None
    if note is None:
        note = render_note(paper.body)
        if key:
            cache.set(key, note, CACHE_TIMEOUT)
    return note


def note_summary(paper):
    """`paper.summary` as inline HTML, from the cache when this version was rendered before."""
    if _SUMMARY_ATTRIBUTE in paper.__dict__:
        return paper.__dict__[_SUMMARY_ATTRIBUTE]
    key = _cache_key("summary", paper)
    html = cache.get(key) if key else None
    if html is None:
        html = render_inline(paper.summary)
        if key:
            cache.set(key, html, CACHE_TIMEOUT)
    return html


def summaries(papers):
    """{pk: summary HTML} for a page of papers, with one cache read and at most one write.

    Each paper also keeps its summary, so that `note_summary(paper)` (the `summary_html`
    template filter) reads no cache again for it. Unsaved papers are rendered but not
    cached; they share the key None.
    """
    papers = list(papers)
    keys = {id(paper): _cache_key("summary", paper) for paper in papers}
    cached = cache.get_many([key for key in keys.values() if key])
    rendered, to_cache = {}, {}
    for paper in papers:
        key = keys[id(paper)]
        html = cached.get(key) if key else None
        if html is None:
            html = render_inline(paper.summary)
            if key:
                to_cache[key] = html
        paper.__dict__[_SUMMARY_ATTRIBUTE] = html
        rendered[paper.pk] = html
    if to_cache:
        cache.set_many(to_cache, CACHE_TIMEOUT)
    return rendered
