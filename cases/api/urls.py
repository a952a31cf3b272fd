from django.urls import path
from rest_framework.routers import DefaultRouter

from cases.api import auth, views
from cases.dossier.api import DossierViewSet

router = DefaultRouter()
router.register("cases", views.CaseViewSet, basename="case")
router.register("memberships", views.MembershipViewSet, basename="membership")
router.register("entities", views.EntityViewSet, basename="entity")
router.register("links", views.LinkViewSet, basename="link")
router.register("notes", views.NoteViewSet, basename="note")
router.register("tasks", views.TaskViewSet, basename="task")
router.register("evidence", views.EvidenceViewSet, basename="evidence")
router.register("jobs", views.JobViewSet, basename="job")
router.register("dossiers", DossierViewSet, basename="dossier")  # issue 7

urlpatterns = [
    path("auth/token/", auth.ObtainTokenView.as_view(), name="api-token"),
    *router.urls,
]
