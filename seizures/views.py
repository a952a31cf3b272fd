"""Pages of the seizures app. Access: `CaseMixin`; reads: `selectors`; writes: `services`."""
import io
import json

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from cases import csv_safe
from cases import selectors as case_selectors
from cases.access import Action
from cases.audit import AuditAction, audit_read, audit_record
from cases.bad_input import attachment_header
from cases.mixins import CaseMixin, paginate, service_call

from . import exports, forms, importer, selectors, services, statistics
from .models import TracingRequest, TransferDocument
from .models.choices import LegalBasis, MarkingStatus, RecoveryType, SeizureContext, WeaponType


class SeizuresMixin(CaseMixin):
    tab = "seizures:list"

    def entities(self):
        return case_selectors.entity_list(user=self.request.user, case=self.case)

    def firearms(self):
        return selectors.firearm_list(user=self.request.user, case=self.case)


class FormPage(SeizuresMixin, TemplateView):
    """A page with one form whose POST calls one service."""
    case_action = Action.ADD
    template_name = "seizures/form.html"
    title = ""
    form_class = None
    multipart = False
    wide = True  # two columns: these forms are long

    def make_form(self, data=None, files=None):
        return self.form_class(data, files) if data is not None else self.form_class(initial=self.initial())

    def initial(self):
        return {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", self.make_form())
        context.update(title=self.title, multipart=self.multipart, cancel_url=self.cancel_url(), wide=self.wide)
        return context

    def cancel_url(self):
        return ""

    def post(self, request, *args, **kwargs):
        form = self.make_form(request.POST, request.FILES)
        if form.is_valid():
            result = service_call(form, self.call, data=dict(form.cleaned_data))
            if result is not None:
                return self.done(result)
        return self.render_to_response(self.get_context_data(form=form), status=400)


def _blank_to_none(data, *names):
    for name in names:
        if data.get(name) == "":
            data[name] = None
    return data


# --- seizures ------------------------------------------------------------------------

class SeizureListView(SeizuresMixin, TemplateView):
    template_name = "seizures/seizure_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        g = self.request.GET
        qs = selectors.seizure_list(user=self.request.user, case=self.case, q=g.get("q", "").strip(),
                                    recovery_type=g.get("recovery_type", ""), context=g.get("context", ""),
                                    legal_basis=g.get("legal_basis", ""))
        context["page"], context["query"] = paginate(self.request, qs)
        context.update(filters=g, recovery_types=RecoveryType.choices, contexts=SeizureContext.choices,
                       legal_bases=LegalBasis.choices)
        return context


class SeizureCreateView(FormPage):
    title = "Record a seizure"
    form_class = forms.SeizureForm

    def initial(self):
        return {"country": self.request.user.agency.country if self.request.user.agency else "",
                "seizing_agency": self.request.user.agency, "occurred_at": timezone.localtime().replace(second=0, microsecond=0)}

    def call(self, data):
        return services.seizure_record(case=self.case, by=self.request.user, **data)

    def done(self, seizure):
        messages.success(self.request, f"Seizure {seizure.reference} recorded. Now add what was seized.")
        return redirect("seizures:detail", reference=self.case.reference, pk=seizure.pk)

    def cancel_url(self):
        return f"/cases/{self.case.reference}/seizures/"


class SeizureDetailView(SeizuresMixin, TemplateView):
    template_name = "seizures/seizure_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        seizure = selectors.seizure_get(user=user, case=self.case, pk=self.kwargs["pk"])
        audit_read(record=seizure, by=user, action=AuditAction.SEIZURE_VIEW, case=self.case)
        context.update(
            seizure=seizure,
            parties=selectors.seizure_parties(user=user, seizure=seizure),
            history=selectors.context_history(user=user, seizure=seizure),
            firearms=selectors.firearm_list(user=user, case=self.case, seizure=seizure),
            parts=selectors.part_list(user=user, case=self.case, seizure=seizure),
            ammunition=selectors.ammunition_list(user=user, case=self.case, seizure=seizure),
            documents=selectors.document_list(user=user, case=self.case).filter(seizure=seizure),
        )
        if Action.CHANGE in self.actions:
            context.setdefault("context_form", forms.ContextChangeForm())
        if Action.ADD in self.actions:
            context.setdefault("party_form", forms.PartyForm(entities=self.entities()))
        return context


class SeizureEditView(FormPage):
    case_action = Action.CHANGE
    title = "Correct the seizure"

    def get_seizure(self):
        return selectors.seizure_get(user=self.request.user, case=self.case, pk=self.kwargs["pk"], action=Action.CHANGE)

    def make_form(self, data=None, files=None):
        if data is not None:
            return forms.SeizureForm(data, editing=True)
        s = self.get_seizure()
        initial = {name: getattr(s, name) for name in services.SEIZURE_FIELDS}
        initial["route_transit"] = ", ".join(s.route_transit)
        initial["occurred_at"] = timezone.localtime(s.occurred_at)
        return forms.SeizureForm(initial=initial, editing=True)

    def call(self, data):
        return services.seizure_update(seizure=self.get_seizure(), by=self.request.user, **data)

    def done(self, seizure):
        messages.success(self.request, "Seizure corrected.")
        return redirect("seizures:detail", reference=self.case.reference, pk=seizure.pk)


class SeizureSubformView(SeizuresMixin, View):
    """POST of a small form on the seizure page (context change, party)."""

    def post(self, request, reference, pk):
        seizure = selectors.seizure_get(user=request.user, case=self.case, pk=pk)
        form = self.build(request.POST)
        if form.is_valid() and service_call(form, self.call, seizure=seizure, data=form.cleaned_data):
            messages.success(request, self.success)
            return redirect("seizures:detail", reference=self.case.reference, pk=seizure.pk)
        detail = SeizureDetailView()
        detail.setup(request, reference=reference, pk=pk)
        detail.case, detail.actions = self.case, self.actions
        return detail.render_to_response(detail.get_context_data(**{self.form_name: form}), status=400)


class ContextChangeView(SeizureSubformView):
    case_action = Action.CHANGE
    form_name = "context_form"
    success = "Criminal context changed; the previous assessment stays in the history."

    def build(self, data):
        return forms.ContextChangeForm(data)

    def call(self, seizure, data):
        return services.seizure_context_change(seizure=seizure, by=self.request.user, **data)


class PartyAddView(SeizureSubformView):
    case_action = Action.ADD
    form_name = "party_form"
    success = "Party linked to the seizure."

    def build(self, data):
        return forms.PartyForm(data, entities=self.entities())

    def call(self, seizure, data):
        return services.seizure_party_add(seizure=seizure, by=self.request.user, **data)


# --- items -----------------------------------------------------------------------------

class ItemCreateView(FormPage):
    def seizure(self):
        return selectors.seizure_get(user=self.request.user, case=self.case, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["seizure"] = self.seizure()
        return context

    def cancel_url(self):
        return f"/cases/{self.case.reference}/seizures/{self.kwargs['pk']}/"


class FirearmCreateView(ItemCreateView):
    title = "Record a firearm"
    form_class = forms.FirearmForm
    template_name = "seizures/firearm_form.html"

    def call(self, data):
        _blank_to_none(data, "year_of_manufacture", "import_year")
        return services.firearm_record(seizure=self.seizure(), by=self.request.user, **data)

    def done(self, firearm):
        messages.success(self.request, f"Firearm {firearm.item_number} recorded; its serial number was checked "
                                       f"against every other case.")
        if self.request.POST.get("another"):
            return redirect("seizures:firearm-create", reference=self.case.reference, pk=firearm.seizure_id)
        return redirect("seizures:firearm-detail", reference=self.case.reference, pk=firearm.pk)


class PartCreateView(ItemCreateView):
    title = "Record a part or component"

    def make_form(self, data=None, files=None):
        firearms = self.firearms().filter(seizure_id=self.kwargs["pk"])
        return forms.PartForm(data, firearms=firearms) if data is not None else forms.PartForm(firearms=firearms)

    def call(self, data):
        return services.part_record(seizure=self.seizure(), by=self.request.user, **data)

    def done(self, part):
        messages.success(self.request, f"{part} recorded.")
        return redirect("seizures:detail", reference=self.case.reference, pk=part.seizure_id)


class AmmunitionCreateView(ItemCreateView):
    title = "Record ammunition"
    form_class = forms.AmmunitionForm

    def call(self, data):
        return services.ammunition_record(seizure=self.seizure(), by=self.request.user, **data)

    def done(self, ammo):
        messages.success(self.request, f"{ammo} recorded.")
        return redirect("seizures:detail", reference=self.case.reference, pk=ammo.seizure_id)


class FirearmListView(SeizuresMixin, TemplateView):
    template_name = "seizures/firearm_list.html"
    tab = "seizures:firearms"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        g = self.request.GET
        qs = selectors.firearm_list(user=self.request.user, case=self.case, q=g.get("q", "").strip(),
                                    weapon_type=g.get("weapon_type", ""), marking_status=g.get("marking_status", ""),
                                    flag=g.get("flag", ""))
        context["page"], context["query"] = paginate(self.request, qs)
        context.update(filters=g, weapon_types=WeaponType.choices, marking_statuses=MarkingStatus.choices,
                       flags=[("craft_produced", "Craft-produced"), ("converted", "Converted"),
                              ("printed_3d", "3D-printed"), ("deactivated", "Deactivated"),
                              ("reactivated", "Reactivated")])
        return context


class FirearmDetailView(SeizuresMixin, TemplateView):
    template_name = "seizures/firearm_detail.html"
    tab = "seizures:firearms"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        firearm = selectors.firearm_get(user=user, case=self.case, pk=self.kwargs["pk"])
        audit_read(record=firearm, by=user, action=AuditAction.FIREARM_VIEW, case=self.case)
        events = list(selectors.custody_chain(user=user, item=firearm))
        context.update(
            firearm=firearm, events=events, warnings=selectors.custody_gaps(events),
            destroyed=selectors.is_destroyed(events),
            notices=selectors.firearm_notices(user=user, firearm=firearm),
            photos=firearm.photos.select_related("evidence").filter(
                evidence__in=case_selectors.visible(firearm.photos.model._meta.get_field("evidence").related_model,
                                                    user=user, case=self.case)),
            tracing=selectors.tracing_list(user=user, case=self.case).filter(firearms=firearm),
            documents=selectors.document_list(user=user, case=self.case).filter(firearms=firearm),
            parts=selectors.part_list(user=user, case=self.case).filter(firearm=firearm),
        )
        if Action.ADD in self.actions:
            context.setdefault("photo_form", forms.PhotoForm())
        return context


class FirearmEditView(FormPage):
    case_action = Action.CHANGE
    title = "Correct the firearm"
    template_name = "seizures/firearm_form.html"

    def get_firearm(self):
        return selectors.firearm_get(user=self.request.user, case=self.case, pk=self.kwargs["pk"], action=Action.CHANGE)

    def make_form(self, data=None, files=None):
        if data is not None:
            return forms.FirearmForm(data)
        f = self.get_firearm()
        return forms.FirearmForm(initial={name: getattr(f, name) for name in forms.FirearmForm.base_fields})

    def call(self, data):
        _blank_to_none(data, "year_of_manufacture", "import_year")
        return services.firearm_update(firearm=self.get_firearm(), by=self.request.user, **data)

    def done(self, firearm):
        messages.success(self.request, "Firearm corrected.")
        return redirect("seizures:firearm-detail", reference=self.case.reference, pk=firearm.pk)


class FirearmPhotoView(SeizuresMixin, View):
    case_action = Action.ADD

    def post(self, request, reference, pk):
        firearm = selectors.firearm_get(user=request.user, case=self.case, pk=pk)
        form = forms.PhotoForm(request.POST, request.FILES)
        if form.is_valid() and service_call(form, services.firearm_photo_add, firearm=firearm, by=request.user,
                                            upload=form.cleaned_data["file"], caption=form.cleaned_data["caption"]):
            messages.success(request, "Photo stored as evidence.")
            return redirect("seizures:firearm-detail", reference=self.case.reference, pk=firearm.pk)
        detail = FirearmDetailView()
        detail.setup(request, reference=reference, pk=pk)
        detail.case, detail.actions = self.case, self.actions
        return detail.render_to_response(detail.get_context_data(photo_form=form), status=400)


# --- chain of custody -------------------------------------------------------------------------

class CustodyView(SeizuresMixin, TemplateView):
    """An item's chain of custody, with its gaps as warnings, and the form to append an event."""
    template_name = "seizures/custody.html"
    post_action = Action.ADD

    def item(self):
        if self.kwargs["kind"] not in ("firearm", "part", "ammunition"):
            raise Http404
        return selectors.item_get(user=self.request.user, case=self.case, kind=self.kwargs["kind"], pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        item = self.item()
        if self.request.method == "GET":
            audit_read(record=item, by=self.request.user, action=AuditAction.CUSTODY_VIEW, case=self.case)
        events = list(selectors.custody_chain(user=self.request.user, item=item))
        destroyed = selectors.is_destroyed(events)
        context.update(item=item, kind=self.kwargs["kind"], events=events, destroyed=destroyed,
                       warnings=selectors.custody_gaps(events))
        if Action.ADD in self.actions and not destroyed:
            last = events[-1] if events else None
            initial = {"occurred_at": timezone.localtime().replace(second=0, microsecond=0)}
            if last is not None:
                initial.update(from_holder=last.to_holder, from_location=last.to_location, kind="moved")
            context.setdefault("form", forms.CustodyForm(initial=initial))
        return context

    def post(self, request, reference, kind, pk):
        item = self.item()
        form = forms.CustodyForm(request.POST)
        if form.is_valid() and service_call(form, services.custody_record, item=item, by=request.user,
                                            **form.cleaned_data):
            messages.success(request, "Custody event recorded.")
            return redirect("seizures:custody", reference=self.case.reference, kind=kind, pk=pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


# --- transfer documents ----------------------------------------------------------------------

class DocumentMixin(SeizuresMixin):
    tab = "seizures:documents"

    def document_form(self, data=None, editing=False, initial=None):
        return forms.DocumentForm(data, initial=initial, editing=editing, entities=self.entities(),
                                  seizures=selectors.seizure_list(user=self.request.user, case=self.case),
                                  firearms=self.firearms())


class DocumentListView(DocumentMixin, TemplateView):
    template_name = "seizures/document_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        g = self.request.GET
        qs = selectors.document_list(user=self.request.user, case=self.case, kind=g.get("kind", ""),
                                     verification_status=g.get("verification_status", ""))
        context["page"], context["query"] = paginate(self.request, qs)
        for document in context["page"].object_list:
            document.visible_parties = selectors.document_parties(user=self.request.user, document=document)
        context.update(filters=g, kinds=TransferDocument.Kind.choices,
                       statuses=TransferDocument.Verification.choices,
                       diversion_signs=TransferDocument.DIVERSION_SIGNS)
        return context


class DocumentCreateView(DocumentMixin, FormPage):
    title = "Record a transfer document"

    def make_form(self, data=None, files=None):
        return self.document_form(data)

    def call(self, data):
        return services.transfer_document_record(case=self.case, by=self.request.user, **data)

    def done(self, document):
        messages.success(self.request, f"{document} recorded.")
        return redirect("seizures:document-detail", reference=self.case.reference, pk=document.pk)


class DocumentDetailView(DocumentMixin, TemplateView):
    template_name = "seizures/document_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        document = self.get_record(TransferDocument, self.kwargs["pk"])
        audit_read(record=document, by=self.request.user, action=AuditAction.TRANSFER_DOCUMENT_VIEW, case=self.case)
        context["document"] = document
        context["parties"] = selectors.document_parties(user=self.request.user, document=document)
        context["firearms"] = document.firearms.filter(pk__in=self.firearms().values("pk"))
        return context


class DocumentEditView(DocumentMixin, FormPage):
    case_action = Action.CHANGE
    title = "Correct or verify the transfer document"

    def get_document(self):
        return self.get_record(TransferDocument, self.kwargs["pk"], Action.CHANGE)

    def make_form(self, data=None, files=None):
        if data is not None:
            return self.document_form(data, editing=True)
        d = self.get_document()
        initial = {name: getattr(d, name) for name in services.DOCUMENT_FIELDS if name != "evidence"}
        initial["firearms"] = list(d.firearms.values_list("pk", flat=True))
        return self.document_form(editing=True, initial=initial)

    def call(self, data):
        return services.transfer_document_update(document=self.get_document(), by=self.request.user, **data)

    def done(self, document):
        messages.success(self.request, "Document updated.")
        return redirect("seizures:document-detail", reference=self.case.reference, pk=document.pk)


# --- tracing ------------------------------------------------------------------------------------

class TracingMixin(SeizuresMixin):
    tab = "seizures:tracing"


class TracingBoardView(TracingMixin, TemplateView):
    template_name = "seizures/tracing_board.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        context["board"] = selectors.tracing_board(user=self.request.user, case=self.case, today=today)
        context["overdue"] = selectors.tracing_list(user=self.request.user, case=self.case, overdue=True, today=today)
        return context


class TracingCreateView(TracingMixin, FormPage):
    title = "Open a tracing request"

    def make_form(self, data=None, files=None):
        if data is not None:
            return forms.TracingForm(data, firearms=self.firearms())
        chosen = [v for v in self.request.GET.getlist("firearm") if v.isdigit() and int(v) < 2**63]
        first = self.firearms().filter(pk__in=chosen).first()
        initial = {"firearms": chosen}
        if first is not None and first.country_of_manufacture:
            initial.update(destination="foreign_state", destination_country=first.country_of_manufacture)
        return forms.TracingForm(initial=initial, firearms=self.firearms())

    def call(self, data):
        return services.tracing_request_create(case=self.case, by=self.request.user, **data)

    def done(self, request):
        messages.success(self.request, f"{request} drafted. Send it when it has gone out.")
        return redirect("seizures:tracing-detail", reference=self.case.reference, pk=request.pk)


class TracingDetailView(TracingMixin, TemplateView):
    template_name = "seizures/tracing_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tracing = self.get_record(TracingRequest, self.kwargs["pk"])
        audit_read(record=tracing, by=self.request.user, action=AuditAction.TRACING_VIEW, case=self.case)
        context.update(tracing=tracing, firearms=tracing.firearms.filter(pk__in=self.firearms().values("pk")),
                       overdue=tracing.is_overdue(timezone.localdate()),
                       due_days=services.tracing_due_days(tracing.priority))
        if Action.CHANGE in self.actions:
            context.setdefault("ack_form", forms.AcknowledgeForm())
            context.setdefault("response_form", forms.ResponseForm())
        return context


class TracingActionView(TracingMixin, View):
    case_action = Action.CHANGE
    steps = {
        "send": (None, services.tracing_request_send, "Marked as sent; the due date is set."),
        "acknowledge": (forms.AcknowledgeForm, services.tracing_request_acknowledge, "Acknowledgement recorded."),
        "respond": (forms.ResponseForm, services.tracing_request_respond, "Response recorded."),
        "close": (None, services.tracing_request_close, "Request closed."),
    }

    def post(self, request, reference, pk, step):
        if step not in self.steps:
            raise Http404
        tracing = self.get_record(TracingRequest, pk, Action.CHANGE)
        form_class, service, success = self.steps[step]
        form = form_class(request.POST) if form_class else forms.AcknowledgeForm({})
        if form.is_valid():
            data = form.cleaned_data if form_class else {}
            if service_call(form, service, request=tracing, by=request.user, **data):
                messages.success(request, success)
                return redirect("seizures:tracing-detail", reference=self.case.reference, pk=pk)
        if not form_class:
            messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
            return redirect("seizures:tracing-detail", reference=self.case.reference, pk=pk)
        detail = TracingDetailView()
        detail.setup(request, reference=reference, pk=pk)
        detail.case, detail.actions = self.case, self.actions
        name = "ack_form" if step == "acknowledge" else "response_form"
        return detail.render_to_response(detail.get_context_data(**{name: form}), status=400)


class TracingExportView(TracingMixin, View):
    """The request as a PDF letter, or as a structured JSON or CSV record for iARMS / ITI."""
    case_action = Action.EXPORT

    def get(self, request, reference, pk, fmt):
        tracing = self.get_record(TracingRequest, pk, Action.EXPORT)
        firearms = list(tracing.firearms.filter(pk__in=self.firearms().values("pk")))
        audit_read(record=tracing, by=request.user, action=f"tracing.export_{fmt}", case=self.case)
        record = exports.tracing_record(tracing, firearms)
        name = f"{tracing.reference}"
        if fmt == "json":
            response = HttpResponse(json.dumps(record, indent=2, ensure_ascii=False), content_type="application/json")
        elif fmt == "csv":
            response = HttpResponse(exports.tracing_csv(record), content_type="text/csv; charset=utf-8")
        elif fmt == "pdf":
            response = HttpResponse(exports.tracing_letter_pdf(tracing, firearms, by=request.user),
                                    content_type="application/pdf")
        else:
            raise Http404
        response["Content-Disposition"] = attachment_header(f"{name}.{fmt}")
        return response


# --- bulk import ------------------------------------------------------------------------------

class ImportView(SeizuresMixin, TemplateView):
    case_action = Action.ADD
    template_name = "seizures/import.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", forms.ImportForm())
        context.update(columns=importer.TEMPLATE_HEADER, required=importer.REQUIRED)
        return context

    def post(self, request, reference):
        form = forms.ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            job = importer.seizure_import_start(case=self.case, by=request.user, upload=form.cleaned_data["file"])
        except importer.ImportRejected as exc:
            return self.render_to_response(self.get_context_data(form=form, rejected=exc), status=400)
        except ValidationError as exc:
            form.add_error("file", " ".join(exc.messages))
            return self.render_to_response(self.get_context_data(form=form), status=400)
        if job.params["rows"] is None:
            messages.success(request, f"{job.params['file']} is stored; its rows are being checked and written "
                                      "in the background. Nothing is written if a row is refused.")
        else:
            messages.success(request, f"Every row of {job.params['file']} passed the checks; the records are being "
                                      f"written ({job.params['rows']} firearms).")
        return redirect("cases:job-detail", reference=self.case.reference, pk=job.pk)


class ImportTemplateView(SeizuresMixin, View):
    def get(self, request, reference):
        response = HttpResponse(importer.template_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = attachment_header("seizure-import-template.csv")
        return response


# --- outside a case -------------------------------------------------------------------------------

class StatisticsView(LoginRequiredMixin, TemplateView):
    """Seizure and tracing figures and SDG 16.4.2: every case for the focal point (figures only), own cases otherwise."""
    template_name = "seizures/statistics.html"

    def stats(self):
        form = forms.StatisticsForm(self.request.GET or None)
        period = form.cleaned_data if form.is_valid() else {}
        return form, statistics.seizure_statistics(user=self.request.user, date_from=period.get("date_from"),
                                                   date_to=period.get("date_to"))

    def get_context_data(self, **kwargs):
        form, stats = self.stats()
        audit_record(actor=self.request.user, action=AuditAction.SEIZURES_STATISTICS_VIEW,
                     details={"from": str(stats.date_from or ""), "to": str(stats.date_to or ""), "scope": stats.scope})
        return {"form": form, "stats": stats, "query": self.request.GET.urlencode()}


class StatisticsCsvView(StatisticsView):
    def get(self, request, *args, **kwargs):
        _form, stats = self.stats()
        audit_record(actor=request.user, action=AuditAction.SEIZURES_STATISTICS_EXPORT,
                     details={"from": str(stats.date_from or ""), "to": str(stats.date_to or ""), "scope": stats.scope})
        buffer = io.StringIO()
        writer = csv_safe.writer(buffer)
        writer.writerow(["section", "item", "count"])
        writer.writerows(statistics.statistics_csv_rows(stats))
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = attachment_header("seizure-statistics.csv")
        return response


class OverdueTracingView(LoginRequiredMixin, TemplateView):
    """Overdue tracing requests in every case the user belongs to."""
    template_name = "seizures/tracing_overdue.html"

    def get_context_data(self, **kwargs):
        page, query = paginate(self.request, selectors.tracing_overdue_visible(user=self.request.user))
        return {"page": page, "query": query, "today": timezone.localdate()}
