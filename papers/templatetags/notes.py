"""Template filters for showing notes.

Every HTML string here comes from papers.markdown, which cleans what it renders
with an allow-list (nh3), so it is safe to mark safe.
"""

from dataclasses import replace

from django import template
from django.utils.safestring import mark_safe

from papers import markdown

register = template.Library()


@register.filter
def thousands(number):
    """25000 → "25,000": a count read at a glance. Anything but a whole number as it is."""
    return f"{number:,}" if isinstance(number, int) else number


@register.filter
def markdown_block(text):
    """Render a note body (Markdown) to HTML."""
    return mark_safe(markdown.render_block(text))  # noqa: S308 - sanitised by the renderer


@register.filter
def markdown_inline(text):
    """Render a summary (Markdown) to inline HTML."""
    return mark_safe(markdown.render_inline(text))  # noqa: S308 - sanitised by the renderer


@register.filter
def summary_html(paper):
    """A paper's summary as inline HTML, cached per version of the paper."""
    return mark_safe(markdown.note_summary(paper))  # noqa: S308 - sanitised by the renderer


@register.filter
def note_body(paper):
    """A paper's body as a RenderedNote (`.html`, `.toc`), cached per version of the paper."""
    note = markdown.note_body(paper)
    return replace(note, html=mark_safe(note.html))  # noqa: S308 - sanitised by the renderer


@register.filter
def stars(value):
    """A 1–5 rating as filled and empty stars."""
    value = int(value or 0)
    return "★" * value + "☆" * (5 - value)


@register.filter
def page_numbers(page):
    """The page numbers to link around `page`, with the paginator's ellipsis for gaps."""
    return page.paginator.get_elided_page_range(page.number)
