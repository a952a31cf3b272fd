"""The "Dossier" tab of a case: export form, the user's dossiers, downloads."""
import json

from django import forms
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.views import View
from django.views.generic import TemplateView

from cases.access import Action
from cases.bad_input import attachment_header
from cases.dossier import selectors, services
from cases.forms import DateInput
from cases.mixins import CaseMixin, paginate, service_call


class DossierExportForm(forms.Form):
    sections = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple, label="Sections",
                                         help_text="Cover, contents and the appendix on the dossier's own generation are always included.")
    period_from = forms.DateField(required=False, widget=DateInput, label="Period from",
                                  help_text="Narrows the chronology and the event sections; leave empty for the whole case.")
    period_to = forms.DateField(required=False, widget=DateInput, label="Period to")
    bundle = forms.BooleanField(required=False, label="Also produce a zip bundle",
                                help_text="The PDF, its manifest (JSON) and the exhibit files listed in the exhibit index.")

    def __init__(self, *args, sections=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sections"].choices = [(s.key, s.title) for s in sections]
        self.fields["sections"].initial = [s.key for s in sections]
        self.section_help = {s.key: s.description for s in sections}

    def clean(self):
        data = super().clean()
        if data.get("period_from") and data.get("period_to") and data["period_from"] > data["period_to"]:
            self.add_error("period_to", "The end of the period is before its start.")
        return data


class DossierListView(CaseMixin, TemplateView):
    """The export form and the dossiers this user generated in the case."""

    case_action = Action.EXPORT
    template_name = "dossier/dossier_list.html"
    tab = "cases:dossiers"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sections = selectors.available_sections(case=self.case)
        context.setdefault("form", DossierExportForm(sections=sections))
        context["page"], context["query"] = paginate(
            self.request, selectors.dossier_list(user=self.request.user, case=self.case), per_page=20)
        return context

    def post(self, request, reference):
        form = DossierExportForm(request.POST, sections=selectors.available_sections(case=self.case))
        if form.is_valid():
            dossier = service_call(
                form, services.dossier_request, case=self.case, by=request.user,
                sections=form.cleaned_data["sections"], period_from=form.cleaned_data["period_from"],
                period_to=form.cleaned_data["period_to"], bundle=form.cleaned_data["bundle"],
            )
            if dossier is not None:
                return redirect("cases:job-detail", reference=self.case.reference, pk=dossier.job_id)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class DossierDetailView(CaseMixin, TemplateView):
    case_action = Action.EXPORT
    template_name = "dossier/dossier_detail.html"
    tab = "cases:dossiers"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["dossier"] = selectors.dossier_get(user=self.request.user, case=self.case, pk=self.kwargs["pk"])
        return context


class DossierDownloadView(CaseMixin, View):
    """The PDF (what=pdf), the zip bundle (what=bundle) or the manifest (what=manifest); audited."""

    case_action = Action.EXPORT
    what = "pdf"

    def get(self, request, reference, pk):
        dossier = selectors.dossier_get(user=request.user, case=self.case, pk=pk)
        if dossier.status != dossier.Status.READY:
            raise Http404("The dossier is not ready.")
        if self.what == "manifest":
            services.dossier_downloaded(dossier=dossier, by=request.user, what="manifest")
            response = HttpResponse(json.dumps(dossier.manifest, indent=2, ensure_ascii=False),
                                    content_type="application/json")
            response["Content-Disposition"] = attachment_header(f"{dossier.identifier}-manifest.json")
            response["X-Content-SHA256-Canonical"] = dossier.manifest_sha256
            return response
        name = dossier.bundle_storage_name if self.what == "bundle" else dossier.pdf_storage_name
        if not name:
            raise Http404("This dossier has no zip bundle.")
        path = services.stored_path(name)
        if not path.exists():
            raise Http404("The stored dossier file is missing.")
        services.dossier_downloaded(dossier=dossier, by=request.user, what=self.what)
        suffix, mime = (".zip", "application/zip") if self.what == "bundle" else (".pdf", "application/pdf")
        response = FileResponse(open(path, "rb"), as_attachment=True, filename=f"{dossier.identifier}{suffix}",
                                content_type=mime)
        response["X-Content-SHA256"] = dossier.bundle_sha256 if self.what == "bundle" else dossier.pdf_sha256
        return response
