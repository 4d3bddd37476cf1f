from django.urls import path

from . import api, views

urlpatterns = [
    path("audit/recent/", views.recent),
    path("audit/sync/", views.sync),
    path("audit/export/", api.export),
]
