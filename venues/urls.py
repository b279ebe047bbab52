from django.urls import path

from venues import views

app_name = "venues"

urlpatterns = [
    path("", views.home, name="home"),
    path("areas/<slug:area>/", views.area_detail, name="area"),
    path("<slug:venue>/", views.venue_detail, name="venue"),
    path("<slug:venue>/<slug:area>/", views.venue_area, name="venue-area"),
]
