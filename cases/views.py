"""Pages of cases, teams and case content. Access: `CaseMixin`; writes: `services`."""
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from cases import forms, selectors, services
from cases.access import Action
from cases.audit import AuditAction, audit_read, audit_redact, read_filters
from cases.bad_input import header_safe, id_param, int_param
from cases.evidence import evidence_path
from cases.jobs import job_cancel
from cases.mixins import CaseMixin, paginate, service_call
from cases.models import Entity, EntityLink, EvidenceFile, Job, Note, Task


class CaseListView(LoginRequiredMixin, TemplateView):
    template_name = "cases/case_list.html"

    def get_context_data(self, **kwargs):
        form = forms.CaseFilterForm(self.request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        cases = selectors.case_list(user=self.request.user, **{k: v for k, v in filters.items() if v})
        page, query = paginate(self.request, cases, per_page=20)
        return {"form": form, "page": page, "query": query, "can_open": bool(self.request.user.agency_id)}


class CaseOpenView(LoginRequiredMixin, View):
    template_name = "cases/case_form.html"

    def get(self, request):
        form = forms.CaseOpenForm(initial={"lead_agency": request.user.agency})
        return render(request, self.template_name, {"form": form, "title": "Open a case"})

    def post(self, request):
        form = forms.CaseOpenForm(request.POST)
        if form.is_valid():
            case = service_call(form, services.case_open, by=request.user, **form.cleaned_data)
            if case:
                messages.success(request, f"Case {case.reference} opened. You are its lead investigator.")
                return redirect("cases:detail", reference=case.reference)
        return render(request, self.template_name, {"form": form, "title": "Open a case"}, status=400)


class CaseDetailView(CaseMixin, TemplateView):
    template_name = "cases/case_detail.html"
    tab = "cases:detail"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        services.record_viewed(record=self.case, by=self.request.user)
        context.update(
            summary_counts=selectors.case_summary(user=self.request.user, case=self.case),
            agencies=selectors.team_agencies(user=self.request.user, case=self.case),
            recent=selectors.timeline(user=self.request.user, case=self.case, limit=8),
        )
        return context


class CaseEditView(CaseMixin, TemplateView):
    case_action = Action.CHANGE
    template_name = "cases/case_form.html"
    tab = "cases:detail"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", forms.CaseEditForm(initial={
            "title": self.case.title, "status": self.case.status, "summary": self.case.summary,
            "tags": ", ".join(t.name for t in self.case.tags.all()),
            "reference_currency": self.case.reference_currency,
        }))
        context["title"] = f"Edit {self.case.reference}"
        return context

    def post(self, request, reference):
        form = forms.CaseEditForm(request.POST)
        if form.is_valid() and service_call(form, services.case_update, case=self.case, by=request.user, **form.cleaned_data):
            messages.success(request, "Case updated.")
            return redirect("cases:detail", reference=self.case.reference)
        return self.render_to_response(self.get_context_data(form=form), status=400)


# --- team -------------------------------------------------------------------

class TeamView(CaseMixin, TemplateView):
    template_name = "cases/team.html"
    tab = "cases:team"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["members"] = selectors.team(user=self.request.user, case=self.case)
        context["past"] = selectors.team(user=self.request.user, case=self.case, include_past=True).filter(until__isnull=False)
        if Action.MANAGE_TEAM in self.actions:
            context.setdefault("form", forms.MemberAddForm())
        context["fiu_grants"] = selectors.fiu_grants(user=self.request.user, case=self.case)
        context["granted_user_ids"] = {g.user_id for g in context["fiu_grants"]}
        return context


class FiuGrantView(CaseMixin, View):
    """An FIU member opens the case's unreleased FIU intelligence to one non-FIU member."""
    case_action = Action.RELEASE_FIU

    def post(self, request, reference, pk):
        membership = selectors.team(user=request.user, case=self.case).filter(pk=pk).first()
        if membership is None:
            raise Http404
        try:
            services.fiu_access_grant(case=self.case, by=request.user, user=membership.user,
                                      reason=request.POST.get("reason", ""))
            messages.success(request, f"{membership.user} may now read this case's FIU intelligence.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("cases:team", reference=self.case.reference)


class FiuRevokeView(CaseMixin, View):
    case_action = Action.RELEASE_FIU

    def post(self, request, reference, pk):
        grant = selectors.fiu_grants(user=request.user, case=self.case).filter(pk=pk).first()
        if grant is None:
            raise Http404
        try:
            services.fiu_access_revoke(grant=grant, by=request.user)
            messages.success(request, f"FIU access of {grant.user} revoked.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("cases:team", reference=self.case.reference)


class MemberAddView(CaseMixin, View):
    case_action = Action.MANAGE_TEAM

    def post(self, request, reference):
        form = forms.MemberAddForm(request.POST)
        if form.is_valid():
            membership = service_call(form, services.membership_add, case=self.case, by=request.user,
                                      user=form.cleaned_data["username"], role=form.cleaned_data["role"])
            if membership:
                messages.success(request, f"{membership.user} joined the team as {membership.get_role_display().lower()}.")
                return redirect("cases:team", reference=self.case.reference)
        view = TeamView()
        view.setup(request, reference=reference)
        view.case, view.actions = self.case, self.actions
        return render(request, TeamView.template_name, view.get_context_data(form=form), status=400)


class MemberEndView(CaseMixin, View):
    case_action = Action.MANAGE_TEAM

    def post(self, request, reference, pk):
        membership = selectors.team(user=request.user, case=self.case).filter(pk=pk).first()
        if membership is None:
            raise Http404
        try:
            services.membership_end(membership=membership, by=request.user)
            messages.success(request, f"{membership.user} left the team.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("cases:team", reference=self.case.reference)


# --- persons and organisations ------------------------------------------------

class EntityListView(CaseMixin, TemplateView):
    template_name = "cases/entity_list.html"
    tab = "cases:entities"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        g = self.request.GET
        qs = selectors.entity_list(user=self.request.user, case=self.case, q=g.get("q", "").strip(),
                                   kind=g.get("kind", ""), role=g.get("role", ""))
        context["page"], context["query"] = paginate(self.request, qs)
        audit_read(record=self.case, by=self.request.user, action=AuditAction.ENTITY_LIST, details=read_filters(g))
        context.update(kinds=Entity.Kind.choices, roles=Entity.CaseRole.choices, filters=g)
        return context


class EntityCreateView(CaseMixin, TemplateView):
    case_action = Action.ADD
    template_name = "cases/entity_form.html"
    tab = "cases:entities"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", forms.EntityForm(initial={"kind": self.request.GET.get("kind", "person")}))
        context["title"] = "Add a person or organisation"
        return context

    def post(self, request, reference):
        form = forms.EntityForm(request.POST)
        if form.is_valid():
            entity = service_call(form, services.entity_create, case=self.case, by=request.user, **form.cleaned_data)
            if entity:
                messages.success(request, f"{entity.name} added.")
                return redirect("cases:entity-detail", reference=self.case.reference, pk=entity.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class EntityDetailView(CaseMixin, TemplateView):
    template_name = "cases/entity_detail.html"
    tab = "cases:entities"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entity = self.get_record(Entity, self.kwargs["pk"])
        services.record_viewed(record=entity, by=self.request.user)
        others = selectors.entity_list(user=self.request.user, case=self.case).exclude(pk=entity.pk)
        context.update(
            entity=entity,
            links=selectors.entity_links(user=self.request.user, entity=entity),
            identifier_form=kwargs.get("identifier_form") or forms.IdentifierForm(),
            link_form=kwargs.get("link_form") or forms.LinkForm(targets=others),
        )
        return context


class EntityEditView(CaseMixin, TemplateView):
    case_action = Action.CHANGE
    template_name = "cases/entity_form.html"
    tab = "cases:entities"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entity = self.get_record(Entity, self.kwargs["pk"], Action.CHANGE)
        initial = {f: getattr(entity, f) for f in services.ENTITY_FIELDS}
        initial["aliases"] = ", ".join(entity.aliases)
        initial["handling"] = entity.handling
        context.setdefault("form", forms.EntityForm(initial=initial))
        context.update(entity=entity, title=f"Edit {entity.name}")
        return context

    def post(self, request, reference, pk):
        entity = self.get_record(Entity, pk, Action.CHANGE)
        form = forms.EntityForm(request.POST)
        if form.is_valid() and service_call(form, services.entity_update, entity=entity, by=request.user, **form.cleaned_data):
            messages.success(request, "Saved.")
            return redirect("cases:entity-detail", reference=self.case.reference, pk=entity.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class IdentifierAddView(CaseMixin, View):
    case_action = Action.ADD

    def post(self, request, reference, pk):
        entity = self.get_record(Entity, pk)
        form = forms.IdentifierForm(request.POST)
        if form.is_valid() and service_call(form, services.identifier_add, entity=entity, by=request.user, **form.cleaned_data):
            messages.success(request, "Identifier added.")
            return redirect("cases:entity-detail", reference=self.case.reference, pk=entity.pk)
        return _rerender_entity(self, request, pk, identifier_form=form)


class LinkAddView(CaseMixin, View):
    case_action = Action.ADD

    def post(self, request, reference, pk):
        entity = self.get_record(Entity, pk)
        others = selectors.entity_list(user=request.user, case=self.case).exclude(pk=entity.pk)
        form = forms.LinkForm(request.POST, targets=others)
        if form.is_valid():
            data = form.cleaned_data
            if service_call(form, services.link_add, case=self.case, by=request.user, source=entity, **data):
                messages.success(request, "Link added.")
                return redirect("cases:entity-detail", reference=self.case.reference, pk=entity.pk)
        return _rerender_entity(self, request, pk, link_form=form)


def _rerender_entity(view, request, pk, **forms_):
    detail = EntityDetailView()
    detail.setup(request, reference=view.case.reference, pk=pk)
    detail.case, detail.actions = view.case, view.actions
    return render(request, EntityDetailView.template_name, detail.get_context_data(**forms_), status=400)


# --- notes ----------------------------------------------------------------------

class NoteListView(CaseMixin, TemplateView):
    post_action = Action.ADD
    template_name = "cases/note_list.html"
    tab = "cases:notes"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        qs = selectors.note_list(user=self.request.user, case=self.case, q=self.request.GET.get("q", "").strip())
        context["page"], context["query"] = paginate(self.request, qs)
        if self.request.method == "GET":
            audit_read(record=self.case, by=self.request.user, action=AuditAction.NOTE_LIST,
                       details=read_filters(self.request.GET))
        if Action.ADD in self.actions:
            context.setdefault("form", forms.NoteForm())
        return context

    def post(self, request, reference):
        if Action.ADD not in self.actions:
            raise Http404
        form = forms.NoteForm(request.POST)
        if form.is_valid():
            note = service_call(form, services.note_add, case=self.case, by=request.user, **form.cleaned_data)
            if note:
                messages.success(request, "Note added.")
                return redirect("cases:notes", reference=self.case.reference)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class NoteDetailView(CaseMixin, TemplateView):
    template_name = "cases/note_detail.html"
    tab = "cases:notes"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        note = self.get_record(Note, self.kwargs["pk"])
        services.record_viewed(record=note, by=self.request.user)
        context["record"] = note
        context["release_form"] = forms.ReleaseForm()
        return context


class RecordDeleteView(CaseMixin, View):
    case_action = Action.DELETE
    models = {"note": Note, "task": Task, "link": EntityLink}

    def post(self, request, reference, kind, pk):
        model = self.models.get(kind)
        if model is None:
            raise Http404
        record = self.get_record(model, pk, Action.DELETE)
        services.record_delete(record=record, by=request.user)
        messages.success(request, f"The {kind} was deleted; the audit trail keeps its content.")
        return redirect(request.POST.get("next") or reverse("cases:detail", kwargs={"reference": self.case.reference}))


class ReleaseView(CaseMixin, View):
    """FIU release of a record for use by the whole team and in evidence."""
    case_action = Action.RELEASE_FIU
    models = {"note": Note, "task": Task, "entity": Entity, "evidence": EvidenceFile}

    def post(self, request, reference, kind, pk):
        model = self.models.get(kind)
        if model is None:
            raise Http404
        record = self.get_record(model, pk)
        form = forms.ReleaseForm(request.POST)
        if form.is_valid() and service_call(form, services.record_release_fiu, record=record, by=request.user,
                                            reason=form.cleaned_data["reason"]):
            messages.success(request, "Released for use by the team and in evidence.")
        else:
            messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect(request.POST.get("next") or reverse("cases:detail", kwargs={"reference": self.case.reference}))


# --- tasks ------------------------------------------------------------------------

class TaskListView(CaseMixin, TemplateView):
    post_action = Action.ADD
    template_name = "cases/task_list.html"
    tab = "cases:tasks"

    def members(self):
        return selectors.team_users(user=self.request.user, case=self.case)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        status = self.request.GET.get("status", "")
        qs = selectors.task_list(user=self.request.user, case=self.case, status=status,
                                 assignee=self.request.user if self.request.GET.get("mine") else None)
        context["page"], context["query"] = paginate(self.request, qs)
        if self.request.method == "GET":
            audit_read(record=self.case, by=self.request.user, action=AuditAction.TASK_LIST,
                       details=read_filters(self.request.GET))
        context.update(statuses=Task.Status.choices, status=status, mine=self.request.GET.get("mine"),
                       today=timezone.localdate())
        if Action.ADD in self.actions:
            context.setdefault("form", forms.TaskForm(members=self.members()))
        return context

    def post(self, request, reference):
        if Action.ADD not in self.actions:
            raise Http404
        form = forms.TaskForm(request.POST, members=self.members())
        if form.is_valid():
            task = service_call(form, services.task_create, case=self.case, by=request.user, **form.cleaned_data)
            if task:
                messages.success(request, "Task created.")
                return redirect("cases:tasks", reference=self.case.reference)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class TaskStatusView(CaseMixin, View):
    case_action = Action.CHANGE
    def post(self, request, reference, pk):
        task = self.get_record(Task, pk)
        form = forms.TaskStatusForm(request.POST)
        if form.is_valid():
            try:
                services.task_update(task=task, by=request.user, status=form.cleaned_data["status"])
            except PermissionDenied:
                raise Http404
        return redirect("cases:tasks", reference=self.case.reference)


# --- evidence -----------------------------------------------------------------------

class EvidenceListView(CaseMixin, TemplateView):
    post_action = Action.ADD
    template_name = "cases/evidence_list.html"
    tab = "cases:evidence"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        qs = selectors.evidence_list(user=self.request.user, case=self.case, q=self.request.GET.get("q", "").strip())
        context["page"], context["query"] = paginate(self.request, qs)
        if self.request.method == "GET":
            audit_read(record=self.case, by=self.request.user, action=AuditAction.EVIDENCE_LIST,
                       details=read_filters(self.request.GET))
        if Action.ADD in self.actions:
            context.setdefault("form", forms.EvidenceUploadForm())
        return context

    def post(self, request, reference):
        if Action.ADD not in self.actions:
            raise Http404
        form = forms.EvidenceUploadForm(request.POST, request.FILES)
        supersedes = None
        supersedes_id = id_param(request.POST, "supersedes")
        if supersedes_id is not None:
            supersedes = self.get_record(EvidenceFile, supersedes_id)
        if form.is_valid():
            data = form.cleaned_data
            evidence = service_call(form, services.evidence_upload, case=self.case, by=request.user, upload=data.pop("file"),
                                    supersedes=supersedes, **data)
            if evidence:
                messages.success(request, f"{evidence.original_name} stored, SHA-256 {evidence.sha256}.")
                return redirect("cases:evidence-detail", reference=self.case.reference, pk=evidence.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class EvidenceDetailView(CaseMixin, TemplateView):
    template_name = "cases/evidence_detail.html"
    tab = "cases:evidence"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        evidence = self.get_record(EvidenceFile, self.kwargs["pk"])
        services.record_viewed(record=evidence, by=self.request.user)
        context.update(
            evidence=evidence,
            versions=selectors.evidence_versions(user=self.request.user, evidence=evidence),
            upload_form=forms.EvidenceUploadForm(initial={"title": evidence.title, "handling": evidence.handling}),
            release_form=forms.ReleaseForm(),
        )
        return context


class EvidenceDownloadView(CaseMixin, View):
    def get(self, request, reference, pk):
        evidence = self.get_record(EvidenceFile, pk)
        path = evidence_path(evidence.storage_name)
        if not path.exists():
            raise Http404("The stored file is missing; run the integrity check.")
        services.record_viewed(record=evidence, by=request.user, action="download")
        response = FileResponse(open(path, "rb"), as_attachment=True, filename=header_safe(evidence.original_name),
                                content_type=evidence.content_type)
        response["X-Content-SHA256"] = evidence.sha256
        return response


class EvidenceVerifyView(CaseMixin, View):
    case_action = Action.ADD
    def post(self, request, reference):
        job = services.evidence_verify_start(case=self.case, by=request.user)
        return redirect("cases:job-detail", reference=self.case.reference, pk=job.pk)


# --- timeline, audit, jobs -------------------------------------------------------------

class TimelineView(CaseMixin, TemplateView):
    template_name = "cases/timeline.html"
    tab = "cases:timeline"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        limit = int_param(self.request.GET, "limit", 100, minimum=10, maximum=500, clamp=True)
        context["items"] = selectors.timeline(user=self.request.user, case=self.case, limit=limit)
        context["limit"] = limit
        audit_read(record=self.case, by=self.request.user, action=AuditAction.TIMELINE_VIEW, details={"limit": limit})
        return context


class AuditView(CaseMixin, TemplateView):
    case_action = Action.MANAGE_TEAM
    template_name = "cases/audit.html"
    tab = "cases:audit"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        qs = selectors.audit_list(user=self.request.user, case=self.case,
                                  action_prefix=self.request.GET.get("action", "").strip(),
                                  actor=self.request.GET.get("actor", "").strip())
        context["page"], context["query"] = paginate(self.request, qs, per_page=50)
        # Labels and details of events about records the viewer may not see are withheld.
        context["page"].object_list = audit_redact(context["page"].object_list, user=self.request.user)
        audit_read(record=self.case, by=self.request.user, action=AuditAction.AUDIT_VIEW,
                   details=read_filters(self.request.GET))
        context["filters"] = self.request.GET
        return context


class JobListView(CaseMixin, TemplateView):
    template_name = "cases/job_list.html"
    tab = "cases:jobs"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page"], context["query"] = paginate(self.request, selectors.job_list(user=self.request.user, case=self.case))
        return context


class JobDetailView(CaseMixin, TemplateView):
    template_name = "cases/job_detail.html"
    tab = "cases:jobs"

    def get_template_names(self):
        if self.request.htmx:
            return ["cases/_job_progress.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["job"] = self.get_record(Job, self.kwargs["pk"])
        return context


class JobCancelView(CaseMixin, View):
    def post(self, request, reference, pk):
        job = self.get_record(Job, pk)
        if job.started_by_id != request.user.pk and Action.MANAGE_TEAM not in self.actions:
            raise Http404
        job_cancel(job=job, by=request.user)
        messages.info(request, "Cancellation requested.")
        return redirect("cases:job-detail", reference=self.case.reference, pk=job.pk)


# --- outside a case ----------------------------------------------------------------------

class NotificationsView(LoginRequiredMixin, TemplateView):
    template_name = "cases/notifications.html"

    def get_context_data(self, **kwargs):
        page, query = paginate(self.request, selectors.notifications_for(user=self.request.user))
        return {"page": page, "query": query}

    def post(self, request):
        for notification in selectors.notifications_for(user=request.user, unread_only=True):
            services.notification_mark_read(notification=notification, by=request.user)
        return redirect("cases:notifications")


class StatisticsView(LoginRequiredMixin, TemplateView):
    """Aggregate counts: all cases for the national focal point, own cases for others."""
    template_name = "cases/statistics.html"

    def get_context_data(self, **kwargs):
        return {"stats": selectors.aggregate_statistics(user=self.request.user)}
