from django.urls import path

from cases import views

app_name = "cases"

case = "<str:reference>/"
urlpatterns = [
    path("", views.CaseListView.as_view(), name="list"),
    path("new/", views.CaseOpenView.as_view(), name="open"),
    path("notifications/", views.NotificationsView.as_view(), name="notifications"),
    path("statistics/", views.StatisticsView.as_view(), name="statistics"),
    path(case, views.CaseDetailView.as_view(), name="detail"),
    path(case + "edit/", views.CaseEditView.as_view(), name="edit"),
    path(case + "team/", views.TeamView.as_view(), name="team"),
    path(case + "team/add/", views.MemberAddView.as_view(), name="member-add"),
    path(case + "team/<int:pk>/end/", views.MemberEndView.as_view(), name="member-end"),
    path(case + "team/<int:pk>/fiu-grant/", views.FiuGrantView.as_view(), name="fiu-grant"),
    path(case + "team/fiu-grants/<int:pk>/revoke/", views.FiuRevokeView.as_view(), name="fiu-revoke"),
    path(case + "entities/", views.EntityListView.as_view(), name="entities"),
    path(case + "entities/new/", views.EntityCreateView.as_view(), name="entity-create"),
    path(case + "entities/<int:pk>/", views.EntityDetailView.as_view(), name="entity-detail"),
    path(case + "entities/<int:pk>/edit/", views.EntityEditView.as_view(), name="entity-edit"),
    path(case + "entities/<int:pk>/identifiers/", views.IdentifierAddView.as_view(), name="identifier-add"),
    path(case + "entities/<int:pk>/links/", views.LinkAddView.as_view(), name="link-add"),
    path(case + "notes/", views.NoteListView.as_view(), name="notes"),
    path(case + "notes/<int:pk>/", views.NoteDetailView.as_view(), name="note-detail"),
    path(case + "tasks/", views.TaskListView.as_view(), name="tasks"),
    path(case + "tasks/<int:pk>/status/", views.TaskStatusView.as_view(), name="task-status"),
    path(case + "evidence/", views.EvidenceListView.as_view(), name="evidence"),
    path(case + "evidence/verify/", views.EvidenceVerifyView.as_view(), name="evidence-verify"),
    path(case + "evidence/<int:pk>/", views.EvidenceDetailView.as_view(), name="evidence-detail"),
    path(case + "evidence/<int:pk>/download/", views.EvidenceDownloadView.as_view(), name="evidence-download"),
    path(case + "records/<str:kind>/<int:pk>/delete/", views.RecordDeleteView.as_view(), name="record-delete"),
    path(case + "records/<str:kind>/<int:pk>/release/", views.ReleaseView.as_view(), name="record-release"),
    path(case + "timeline/", views.TimelineView.as_view(), name="timeline"),
    path(case + "audit/", views.AuditView.as_view(), name="audit"),
    path(case + "jobs/", views.JobListView.as_view(), name="jobs"),
    path(case + "jobs/<int:pk>/", views.JobDetailView.as_view(), name="job-detail"),
    path(case + "jobs/<int:pk>/cancel/", views.JobCancelView.as_view(), name="job-cancel"),
]

# --- dossier (issue 7) -------------------------------------------------------
from cases.dossier.urls import urlpatterns as dossier_urlpatterns  # noqa: E402

urlpatterns += dossier_urlpatterns
