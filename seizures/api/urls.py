from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("seizures", views.SeizureViewSet, basename="seizure")
router.register("firearms", views.FirearmViewSet, basename="firearm")
router.register("seizure-parts", views.PartViewSet, basename="seizure-part")
router.register("ammunition", views.AmmunitionViewSet, basename="ammunition")
router.register("custody-events", views.CustodyEventViewSet, basename="custody-event")
router.register("transfer-documents", views.TransferDocumentViewSet, basename="transfer-document")
router.register("tracing-requests", views.TracingRequestViewSet, basename="tracing-request")

urlpatterns = [
    path("seizure-statistics/", views.StatisticsView.as_view(), name="seizure-statistics"),
    path("seizure-imports/", views.ImportView.as_view(), name="seizure-import"),
    *router.urls,
]
