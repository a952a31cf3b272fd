"""Case-scoped pages of the seizures app, mounted under /cases/<reference>/seizures/."""
from django.urls import path

from seizures import views

app_name = "seizures"
urlpatterns = [
    path("", views.SeizureListView.as_view(), name="list"),
    path("new/", views.SeizureCreateView.as_view(), name="create"),
    path("import/", views.ImportView.as_view(), name="import"),
    path("import/template.csv", views.ImportTemplateView.as_view(), name="import-template"),
    path("<int:pk>/", views.SeizureDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.SeizureEditView.as_view(), name="edit"),
    path("<int:pk>/context/", views.ContextChangeView.as_view(), name="context-change"),
    path("<int:pk>/parties/", views.PartyAddView.as_view(), name="party-add"),
    path("<int:pk>/firearms/new/", views.FirearmCreateView.as_view(), name="firearm-create"),
    path("<int:pk>/parts/new/", views.PartCreateView.as_view(), name="part-create"),
    path("<int:pk>/ammunition/new/", views.AmmunitionCreateView.as_view(), name="ammunition-create"),
    path("firearms/", views.FirearmListView.as_view(), name="firearms"),
    path("firearms/<int:pk>/", views.FirearmDetailView.as_view(), name="firearm-detail"),
    path("firearms/<int:pk>/edit/", views.FirearmEditView.as_view(), name="firearm-edit"),
    path("firearms/<int:pk>/photos/", views.FirearmPhotoView.as_view(), name="firearm-photo"),
    path("custody/<str:kind>/<int:pk>/", views.CustodyView.as_view(), name="custody"),
    path("documents/", views.DocumentListView.as_view(), name="documents"),
    path("documents/new/", views.DocumentCreateView.as_view(), name="document-create"),
    path("documents/<int:pk>/", views.DocumentDetailView.as_view(), name="document-detail"),
    path("documents/<int:pk>/edit/", views.DocumentEditView.as_view(), name="document-edit"),
    path("tracing/", views.TracingBoardView.as_view(), name="tracing"),
    path("tracing/new/", views.TracingCreateView.as_view(), name="tracing-create"),
    path("tracing/<int:pk>/", views.TracingDetailView.as_view(), name="tracing-detail"),
    path("tracing/<int:pk>/<str:step>/", views.TracingActionView.as_view(), name="tracing-action"),
    path("tracing/<int:pk>/export.<str:fmt>", views.TracingExportView.as_view(), name="tracing-export"),
]
