"""Case-scoped pages of asset recovery, mounted under /cases/<reference>/assets/."""
from django.urls import path

from . import views

app_name = "recovery"
urlpatterns = [
    path("", views.AssetListView.as_view(), name="list"),
    path("new/", views.AssetCreateView.as_view(), name="create"),
    path("totals/", views.CaseTotalsView.as_view(), name="totals"),
    path("<int:pk>/", views.AssetDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.AssetEditView.as_view(), name="edit"),
    path("<int:pk>/identifiers/", views.IdentifierAddView.as_view(), name="identifier-add"),
    path("<int:pk>/holders/", views.HolderAddView.as_view(), name="holder-add"),
    path("<int:pk>/origins/", views.OriginLinkView.as_view(), name="origin-add"),
    path("<int:pk>/measures/new/", views.MeasureCreateView.as_view(), name="measure-create"),
    path("letters/", views.LetterListView.as_view(), name="letters"),
    path("letters/new/", views.LetterCreateView.as_view(), name="letter-create"),
    path("letters/<int:pk>/", views.LetterDetailView.as_view(), name="letter-detail"),
    path("letters/<int:pk>/issue/", views.LetterIssueView.as_view(), name="letter-issue"),
    path("letters/<int:pk>/release/", views.LetterReleaseView.as_view(), name="letter-release"),
    path("letters/<int:pk>/preview.pdf", views.LetterPreviewView.as_view(), name="letter-preview"),
    path("cooperation/", views.CooperationView.as_view(), name="cooperation"),
    path("cooperation/mla/new/", views.MlaCreateView.as_view(), name="mla-create"),
    path("cooperation/mla/<int:pk>/", views.MlaDetailView.as_view(), name="mla-detail"),
    path("cooperation/sharing/new/", views.SharingCreateView.as_view(), name="sharing-create"),
    path("cooperation/sharing/<int:pk>/", views.SharingDetailView.as_view(), name="sharing-detail"),
]
