from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from papers import seo_views
from papers.sitemaps import SECTIONS

# The error pages render without the database; a database outage is a 503 (see there).
handler500 = "notesite.errors.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("robots.txt", seo_views.robots_txt, name="robots-txt"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SECTIONS, "sitemap_url_name": "sitemap-section"},
        name="sitemap-index",
    ),
    path("sitemap-<slug:section>.xml", sitemap_views.sitemap, {"sitemaps": SECTIONS}, name="sitemap-section"),
    path("feeds/", include("papers.feed_urls")),
    # Fixed paths first: everything else at the top level is a venue slug.
    path("", include("papers.urls")),
    path("", include("venues.urls")),
]
