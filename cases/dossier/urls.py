"""URL patterns of the dossier, added to cases/urls.py (namespace "cases")."""
from django.urls import path

from cases.dossier import views

case = "<str:reference>/"
urlpatterns = [
    path(case + "dossier/", views.DossierListView.as_view(), name="dossiers"),
    path(case + "dossier/<int:pk>/", views.DossierDetailView.as_view(), name="dossier-detail"),
    path(case + "dossier/<int:pk>/download/", views.DossierDownloadView.as_view(what="pdf"), name="dossier-download"),
    path(case + "dossier/<int:pk>/bundle/", views.DossierDownloadView.as_view(what="bundle"), name="dossier-bundle"),
    path(case + "dossier/<int:pk>/manifest/", views.DossierDownloadView.as_view(what="manifest"), name="dossier-manifest"),
]
