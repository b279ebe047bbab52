"""The site's URLs plus one view that fails, to see the 500 page as a reader would."""

from django.urls import path

from notesite.urls import handler500
from notesite.urls import urlpatterns as site_urlpatterns

__all__ = ["handler500", "urlpatterns"]


def broken(request):
    raise RuntimeError("internal detail that must not leak")


urlpatterns = [path("broken/", broken), *site_urlpatterns]
