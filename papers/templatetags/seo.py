"""Template tags for the tags search engines read: canonical URLs and JSON-LD."""

from django import template
from django.utils.safestring import mark_safe

from papers import seo

register = template.Library()


@register.filter
def plain_text(markdown, limit=seo.DESCRIPTION_LENGTH):
    """Markdown as one line of plain text, at most `limit` characters (a meta description)."""
    return seo.plain_text(markdown, int(limit))


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """This page's absolute URL, with its page number but no filters."""
    request = context["request"]
    page = context.get("page")
    suffix = f"?page={page.number}" if page is not None and getattr(page, "number", 1) > 1 else ""
    return request.build_absolute_uri(request.path) + suffix


def _script(data):
    return mark_safe(f'<script type="application/ld+json">{seo.json_ld(data)}</script>')  # noqa: S308 - escaped by json_ld


@register.simple_tag(takes_context=True)
def breadcrumbs_json_ld(context):
    crumbs = context.get("breadcrumbs")
    if not crumbs:
        return ""
    return _script(seo.breadcrumb_list(crumbs, context["request"].build_absolute_uri))


@register.simple_tag(takes_context=True)
def article_json_ld(context, paper):
    return _script(seo.scholarly_article(paper, context["request"].build_absolute_uri))


@register.simple_tag(takes_context=True)
def collection_json_ld(context, name, description, page):
    return _script(
        seo.collection_page(
            name,
            description,
            page.object_list,
            context["request"].build_absolute_uri,
            first_position=page.start_index() or 1,
        )
    )


@register.filter
def web_url(url):
    """`url` if it is an http(s) address, else "": only web links may reach an href."""
    return url if seo.is_web_url(url) else ""
