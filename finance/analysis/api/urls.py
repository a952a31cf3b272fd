from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("analyses", views.AnalysisRunViewSet, basename="analysis-run")
router.register("analysis-alerts", views.AlertViewSet, basename="analysis-alert")
router.register("analysis-lists", views.ListEntryViewSet, basename="analysis-list-entry")
router.register("analysis-crypto-tags", views.CryptoTagViewSet, basename="analysis-crypto-tag")

urlpatterns = [*router.urls]
