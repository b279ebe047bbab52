"""Template filters for showing notes."""

from django import template
from django.utils.safestring import mark_safe

from papers import markdown

register = template.Library()


@register.filter
def markdown_block(text):
    """Render a note body (Markdown) to HTML."""
    return mark_safe(markdown.render_block(text))  # noqa: S308 - raw HTML is disabled in the renderer


@register.filter
def markdown_inline(text):
    """Render a summary (Markdown) to inline HTML."""
    return mark_safe(markdown.render_inline(text))  # noqa: S308 - raw HTML is disabled in the renderer


@register.filter
def stars(value):
    """A 1–5 rating as filled and empty stars."""
    value = int(value or 0)
    return "★" * value + "☆" * (5 - value)
