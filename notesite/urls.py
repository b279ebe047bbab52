from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    # Fixed paths first: everything else at the top level is a venue slug.
    path("", include("papers.urls")),
    path("", include("venues.urls")),
]
