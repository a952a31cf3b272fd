from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("recovery/assets", views.AssetViewSet, basename="recovery-asset")
router.register("recovery/measures", views.MeasureViewSet, basename="recovery-measure")
router.register("recovery/letters", views.LetterViewSet, basename="recovery-letter")
router.register("recovery/mla-requests", views.MlaViewSet, basename="recovery-mla")
router.register("recovery/sharing-agreements", views.SharingViewSet, basename="recovery-sharing")

urlpatterns = [
    path("recovery/totals/", views.TotalsView.as_view(), name="recovery-totals"),
    *router.urls,
]
