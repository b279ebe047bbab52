from django.urls import path, register_converter

from papers import views
from papers.converters import NoteSlugConverter

register_converter(NoteSlugConverter, "note")

app_name = "papers"

urlpatterns = [
    path("papers/", views.paper_list, name="list"),
    path("papers/suggest/", views.suggest, name="suggest"),
    path("topics/<note:topic>/", views.topic_detail, name="topic"),
    path("<slug:venue>/<slug:area>/<note:paper>/", views.paper_detail, name="detail"),
    path("<slug:venue>/<slug:area>/<note:paper>/cite.bib", views.paper_citation, name="cite"),
]
