"""Pages of asset recovery. Access: `CaseMixin`; reads: `selectors`; writes: `services`."""
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.generic import TemplateView

from cases import selectors as case_selectors
from cases.access import Action
from cases.audit import audit_request_read
from cases.bad_input import attachment_header, id_param, int_param
from cases.mixins import CaseMixin, paginate, service_call

from . import forms, selectors, services, states
from .charts import line_chart
from .models import AssetKind, AssetState, MlaRequest, RequestLetter
from .origins import origin_kind


class RecoveryMixin(CaseMixin):
    tab = "recovery:list"

    def assets(self, action=Action.VIEW):
        return selectors.asset_list(user=self.request.user, case=self.case, action=action)

    def url(self, name, **kw):
        return reverse(f"recovery:{name}", kwargs={"reference": self.case.reference, **kw})


class FormPage(RecoveryMixin, TemplateView):
    """A page with one form whose POST calls one service."""
    case_action = Action.ADD
    template_name = "recovery/form.html"
    title = ""
    intro = ""

    def form_kwargs(self):
        return {}

    def make_form(self, data=None):
        form_class = self.form_class
        if data is not None:
            return form_class(data, **self.form_kwargs())
        return form_class(initial=self.initial(), **self.form_kwargs())

    def initial(self):
        return {}

    def cancel_url(self):
        return self.url("list")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", self.make_form())
        context.update(title=self.title, intro=self.intro, cancel_url=self.cancel_url())
        return context

    def post(self, request, *args, **kwargs):
        form = self.make_form(request.POST)
        if form.is_valid():
            result = service_call(form, self.call, data=dict(form.cleaned_data))
            if result is not None:
                return self.done(result)
        return self.render_to_response(self.get_context_data(form=form), status=400)


# --- assets ---------------------------------------------------------------------------------

class AssetListView(RecoveryMixin, TemplateView):
    template_name = "recovery/asset_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        g = self.request.GET
        qs = selectors.asset_list(user=self.request.user, case=self.case, q=g.get("q", "").strip(),
                                  kind=g.get("kind", ""), state=g.get("state", ""),
                                  jurisdiction=g.get("jurisdiction", "").strip())
        context["page"], context["query"] = paginate(self.request, qs)
        context.update(filters=g, kinds=AssetKind.choices, asset_states=AssetState.choices,
                       totals=selectors.case_totals(user=self.request.user, case=self.case),
                       deadlines=selectors.deadlines(user=self.request.user, case=self.case, horizon_days=30))
        return context


class AssetCreateView(FormPage):
    title = "Register an asset"
    intro = "An asset starts as identified. Freeze, seizure and confiscation are recorded as legal measures on its page."
    form_class = forms.AssetCreateForm

    def initial(self):
        agency = self.request.user.agency
        return {"jurisdiction": agency.country if agency else "", "currency": self.case.reference_currency}

    def call(self, data):
        kind, value, chain = data.pop("identifier_kind"), data.pop("identifier_value"), data.pop("identifier_chain")
        identifiers = [{"kind": kind, "value": value, "chain": chain}] if kind else []
        return services.asset_register(case=self.case, by=self.request.user, identifiers=identifiers, **data)

    def done(self, asset):
        messages.success(self.request, f"Asset “{asset.label}” registered.")
        return redirect(self.url("detail", pk=asset.pk))


class AssetEditView(FormPage):
    case_action = Action.CHANGE
    title = "Correct or revalue the asset"
    form_class = forms.AssetForm

    def asset(self):
        if not hasattr(self, "_asset"):
            self._asset = selectors.asset_get(user=self.request.user, case=self.case, pk=self.kwargs["pk"],
                                              action=Action.CHANGE)
        return self._asset

    def initial(self):
        a = self.asset()
        return {name: getattr(a, name) for name in forms.AssetForm.base_fields}

    def cancel_url(self):
        return self.url("detail", pk=self.asset().pk)

    def call(self, data):
        return services.asset_update(asset=self.asset(), by=self.request.user, **data)

    def done(self, asset):
        messages.success(self.request, "Asset updated.")
        return redirect(self.url("detail", pk=asset.pk))


class AssetDetailView(RecoveryMixin, TemplateView):
    template_name = "recovery/asset_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        asset = selectors.asset_get(user=user, case=self.case, pk=self.kwargs["pk"])
        services.record_viewed(record=asset, by=user)
        can_add = "add" in self.actions
        next_states = states.next_states(asset.state)
        context.update(
            asset=asset, identifiers=asset.identifiers.all(),
            holders=selectors.asset_holders(user=user, asset=asset),
            origins=selectors.asset_origins(user=user, asset=asset),
            measures=selectors.asset_measures(user=user, asset=asset),
            next_actions=[(s, states.VERBS[s] if s != asset.state else "Renew or extend the order")
                          for s in next_states] if can_add else [],
            letters=asset.letters.filter(pk__in=selectors.letter_list(user=user, case=self.case)),
            mla_requests=asset.mla_requests.filter(pk__in=selectors.mla_list(user=user, case=self.case)),
            deconfliction=case_selectors_deconfliction(user, self.case, asset),
        )
        if can_add:
            context.update(
                identifier_form=forms.IdentifierForm(),
                holder_form=forms.HolderForm(entities=case_selectors.entity_list(user=user, case=self.case)),
                origin_form=forms.OriginForm(candidates=selectors.origin_candidates(user=user, case=self.case)),
            )
        return context


def case_selectors_deconfliction(user, case, asset):
    from cases.deconfliction import deconfliction_notices

    return deconfliction_notices(user=user, case=case, subject=asset)


class AssetChildPost(RecoveryMixin, TemplateView):
    """POST-only form on the asset page; errors re-render the asset page."""
    case_action = Action.ADD
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        asset = selectors.asset_get(user=request.user, case=self.case, pk=kwargs["pk"], action=Action.ADD)
        form = self.build_form(request.POST)
        if form.is_valid() and service_call(form, self.call, asset=asset, data=form.cleaned_data) is not None:
            messages.success(request, self.success)
            return redirect(self.url("detail", pk=asset.pk))
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[field].label or field}: {error}" if field != "__all__" else error)
        return redirect(self.url("detail", pk=asset.pk))


class IdentifierAddView(AssetChildPost):
    success = "Identifier added."

    def build_form(self, data):
        return forms.IdentifierForm(data)

    def call(self, asset, data):
        return services.identifier_add(asset=asset, by=self.request.user, **data)


class HolderAddView(AssetChildPost):
    success = "Holder recorded."

    def build_form(self, data):
        return forms.HolderForm(data, entities=case_selectors.entity_list(user=self.request.user, case=self.case))

    def call(self, asset, data):
        return services.holder_add(asset=asset, by=self.request.user, **data)


class OriginLinkView(AssetChildPost):
    success = "Origin evidence linked."

    def build_form(self, data):
        return forms.OriginForm(data, candidates=selectors.origin_candidates(user=self.request.user, case=self.case))

    def call(self, asset, data):
        key, _, pk = data["target"].partition(":")
        kind = origin_kind(key)
        target = kind.model.objects.visible_to(self.request.user).filter(case=self.case, pk=pk).first() if kind else None
        if target is None:
            raise Http404
        return services.origin_link(asset=asset, by=self.request.user, kind=key, target=target,
                                    explanation=data["explanation"])


class MeasureCreateView(FormPage):
    title = "Record a legal measure"
    form_class = forms.MeasureForm

    def asset(self):
        if not hasattr(self, "_asset"):
            self._asset = selectors.asset_get(user=self.request.user, case=self.case, pk=self.kwargs["pk"],
                                              action=Action.ADD)
        return self._asset

    def form_kwargs(self):
        documents = (case_selectors.evidence_list(user=self.request.user, case=self.case)
                     .order_by("-created_at"))
        return {"next_states": states.next_states(self.asset().state), "documents": documents}

    def initial(self):
        asset = self.asset()
        return {"to_state": self.request.GET.get("to", ""), "issued_on": timezone.localdate(),
                "amount_currency": asset.currency, "amount_covered": asset.estimated_value}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        asset = self.asset()
        context["title"] = f"Record a legal measure — {asset.label}"
        context["intro"] = (f"The asset is {asset.get_state_display().lower()}. " +
                            ("This is final: no further measure can be recorded." if asset.state in states.TERMINAL
                             else "Choose what happens next; a release needs its reason."))
        return context

    def cancel_url(self):
        return self.url("detail", pk=self.asset().pk)

    def call(self, data):
        documents = data.pop("documents")
        return services.measure_record(case=self.case, by=self.request.user, asset=self.asset(),
                                       documents=documents, **data)

    def done(self, measure):
        messages.success(self.request, f"{measure.asset.label}: {measure.get_to_state_display().lower()} recorded.")
        return redirect(self.url("detail", pk=measure.asset_id))


# --- totals -------------------------------------------------------------------------------------

def _chart(user, currency, case=None):
    labels, series = selectors.totals_over_time(user=user, currency=currency, case=case)
    names = {key: label for key, label, _ in selectors.BUCKETS}
    return mark_safe(line_chart(labels, series, labels_of=names, currency=currency))  # built from escaped parts


class CaseTotalsView(RecoveryMixin, TemplateView):
    template_name = "recovery/totals.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        totals = selectors.case_totals(user=user, case=self.case)
        context.update(totals=totals, chart=_chart(user, totals.currency, self.case))
        return context


# --- letters ---------------------------------------------------------------------------------------

class LetterListView(RecoveryMixin, TemplateView):
    template_name = "recovery/letter_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        qs = selectors.letter_list(user=self.request.user, case=self.case, status=self.request.GET.get("status", ""))
        context["page"], context["query"] = paginate(self.request, qs)
        context.update(filters=self.request.GET, statuses=RequestLetter.Status.choices)
        return context


class LetterCreateView(FormPage):
    title = "Draft a freeze or production request"
    intro = ("The draft names the case, the legal basis, the selected assets and the transactions supporting "
             "the request; you can edit its text before issuing it as a PDF.")
    form_class = forms.LetterCreateForm

    def form_kwargs(self):
        return {"assets": self.assets(), "endpoints": self.endpoints()}

    def endpoints(self):
        """Exchange endpoints of a crypto-taint analysis named by `?run=` (loaded with the case's access
        rules: a run the user may not see answers 404)."""
        if not hasattr(self, "_endpoints"):
            self._endpoints = []
            run_id = self.request.GET.get("run") or self.request.POST.get("run")
            if run_id:
                from finance.analysis.models import AnalysisRun
                from finance.analysis.selectors import taint_endpoints

                if not str(run_id).isdigit():
                    raise Http404
                self.run = self.get_record(AnalysisRun, id_param({"run": run_id}, "run"))
                found = [e for e in taint_endpoints(self.run) if e.get("kind") == "crypto"]
                self._exchanges = sorted({e["exchange"] for e in found if e.get("exchange")})
                self._endpoints = [
                    {"chain": e.get("chain", ""), "address": e["identifier"], "amount": str(e["amount"]),
                     "asset": e["currency"], "analysis": f"{self.run} (run {self.run.pk})",
                     "note": f"{e.get('exchange', '')} ({e.get('label_source', '')})"}
                    for e in found]
        return self._endpoints

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.endpoints():
            context["intro"] = (f"From the analysis “{self.run}”: the exchange addresses the tainted funds reached. "
                                + self.intro)
        return context

    def initial(self):
        initial = {"assets": self.request.GET.getlist("asset")}
        if self.endpoints():
            initial.update(addressee_kind="exchange", kind="freeze")
            if len(self._exchanges) == 1:  # one exchange reached: the letter goes to it
                initial["addressee"] = self._exchanges[0]
        return initial

    def cancel_url(self):
        return self.url("letters")

    def call(self, data):
        # A letter drafted from a run takes the run's handling as well as its assets'.
        analysis = self.run if self.endpoints() else None
        return services.freeze_request_draft(case=self.case, by=self.request.user, analysis=analysis, **data)

    def done(self, letter):
        messages.success(self.request, "Draft ready — check and edit the text, then issue it.")
        return redirect(self.url("letter-detail", pk=letter.pk))


class LetterDetailView(RecoveryMixin, TemplateView):
    template_name = "recovery/letter_detail.html"
    post_action = Action.ADD

    def letter(self, action=Action.VIEW):
        return selectors.letter_get(user=self.request.user, case=self.case, pk=self.kwargs["pk"], action=action)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        letter = kwargs.get("letter") or self.letter()
        editable = letter.status == RequestLetter.Status.DRAFT and "add" in self.actions
        if editable and "form" not in context:
            context["form"] = forms.LetterEditForm(initial={f: getattr(letter, f) for f in forms.LetterEditForm.base_fields})
        if letter.handling == "fiu" and letter.fiu_released_at is None and "release_fiu" in self.actions:
            from finance.analysis.forms import ReleaseForm

            context.update(release_form=ReleaseForm(), release_sources=services.letter_unreleased_sources(letter))
        context.update(letter=letter, editable=editable,
                       assets=letter.assets.filter(pk__in=self.assets()),
                       transactions=letter.transactions.all().select_related("debit_account", "credit_account"))
        return context

    def post(self, request, *args, **kwargs):
        letter = self.letter(Action.ADD)
        form = forms.LetterEditForm(request.POST)
        if form.is_valid() and service_call(form, services.letter_update, letter=letter, by=request.user,
                                            **form.cleaned_data) is not None:
            messages.success(request, "Letter text saved.")
            return redirect(self.url("letter-detail", pk=letter.pk))
        return self.render_to_response(self.get_context_data(form=form, letter=letter), status=400)


class LetterIssueView(RecoveryMixin, TemplateView):
    case_action = Action.ADD
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        letter = selectors.letter_get(user=request.user, case=self.case, pk=kwargs["pk"], action=Action.ADD)
        try:
            letter = services.letter_issue(letter=letter, by=request.user)
        except services.ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Letter issued; the PDF is stored as an evidence file of the case.")
        return redirect(self.url("letter-detail", pk=letter.pk))


class LetterReleaseView(RecoveryMixin, TemplateView):
    """FIU release of a letter drafted from FIU intelligence (naming its unreleased sources first)."""
    case_action = Action.RELEASE_FIU
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        from finance.analysis.forms import ReleaseForm

        letter = selectors.letter_get(user=request.user, case=self.case, pk=kwargs["pk"], action=Action.RELEASE_FIU)
        form = ReleaseForm(request.POST)
        if form.is_valid() and service_call(form, services.letter_release_fiu, letter=letter, by=request.user,
                                            reason=form.cleaned_data["reason"],
                                            confirm_sources=form.cleaned_data["confirm_sources"]):
            messages.success(request, "Released: the team may read the letter, and it can be issued.")
        else:
            messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect(self.url("letter-detail", pk=letter.pk))


class LetterPreviewView(RecoveryMixin, TemplateView):
    """The PDF as it would be issued now (drafts), audited as an export."""
    case_action = Action.VIEW

    def get(self, request, *args, **kwargs):
        letter = selectors.letter_get(user=request.user, case=self.case, pk=kwargs["pk"])
        services.record_viewed(record=letter, by=request.user, action="preview")
        response = HttpResponse(services.letter_pdf(letter), content_type="application/pdf")
        response["Content-Disposition"] = attachment_header(f"{self.case.reference}-letter-{letter.pk}-draft.pdf",
                                                           as_attachment=False)
        return response


# --- international cooperation ------------------------------------------------------------------------

class CooperationView(RecoveryMixin, TemplateView):
    template_name = "recovery/cooperation.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        qs = selectors.mla_list(user=user, case=self.case, status=self.request.GET.get("status", ""))
        context["page"], context["query"] = paginate(self.request, qs)
        context.update(agreements=selectors.sharing_list(user=user, case=self.case), filters=self.request.GET,
                       statuses=MlaRequest.Status.choices)
        return context


class MlaCreateView(FormPage):
    title = "Record a mutual legal assistance request"
    form_class = forms.MlaForm

    def form_kwargs(self):
        return {"assets": self.assets()}

    def initial(self):
        agency = self.request.user.agency
        return {"requesting_state": agency.country if agency else ""}

    def cancel_url(self):
        return self.url("cooperation")

    def call(self, data):
        return services.mla_create(case=self.case, by=self.request.user, **data)

    def done(self, mla):
        messages.success(self.request, f"{mla} recorded.")
        return redirect(self.url("mla-detail", pk=mla.pk))


class MlaDetailView(RecoveryMixin, TemplateView):
    template_name = "recovery/mla_detail.html"
    post_action = Action.CHANGE

    def mla(self, action=Action.VIEW):
        return case_selectors.record_get(MlaRequest, user=self.request.user, case=self.case, pk=self.kwargs["pk"],
                                         action=action)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        mla = kwargs.get("mla") or self.mla()
        if "change" in self.actions and "form" not in context:
            context["form"] = forms.MlaStatusForm(initial={f: getattr(mla, f) for f in forms.MlaStatusForm.base_fields})
        context.update(mla=mla, assets=mla.assets.filter(pk__in=self.assets()))
        return context

    def post(self, request, *args, **kwargs):
        mla = self.mla(Action.CHANGE)
        form = forms.MlaStatusForm(request.POST)
        if form.is_valid() and service_call(form, services.mla_update, mla=mla, by=request.user,
                                            **form.cleaned_data) is not None:
            messages.success(request, "MLA request updated.")
            return redirect(self.url("mla-detail", pk=mla.pk))
        return self.render_to_response(self.get_context_data(form=form, mla=mla), status=400)


class SharingCreateView(FormPage):
    title = "Record an asset-sharing agreement"
    form_class = forms.SharingForm

    def form_kwargs(self):
        return {"assets": self.assets()}

    def cancel_url(self):
        return self.url("cooperation")

    def call(self, data):
        return services.sharing_create(case=self.case, by=self.request.user, **data)

    def done(self, agreement):
        messages.success(self.request, f"{agreement} recorded.")
        return redirect(self.url("sharing-detail", pk=agreement.pk))


class SharingDetailView(RecoveryMixin, TemplateView):
    template_name = "recovery/sharing_detail.html"
    post_action = Action.CHANGE

    def agreement(self, action=Action.VIEW):
        from .models import SharingAgreement

        return case_selectors.record_get(SharingAgreement, user=self.request.user, case=self.case,
                                         pk=self.kwargs["pk"], action=action)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        agreement = kwargs.get("agreement") or self.agreement()
        if "change" in self.actions and "form" not in context:
            context["form"] = forms.SharesForm(initial={"shares": "\n".join(
                f"{s.state} {s.share_percent.normalize():f}" for s in agreement.shares.all())})
        context.update(agreement=agreement, assets=agreement.assets.filter(pk__in=self.assets()))
        return context

    def post(self, request, *args, **kwargs):
        agreement = self.agreement(Action.CHANGE)
        form = forms.SharesForm(request.POST)
        if form.is_valid() and service_call(form, services.sharing_set_shares, agreement=agreement, by=request.user,
                                            shares=form.cleaned_data["shares"]) is not None:
            messages.success(request, "Shares updated.")
            return redirect(self.url("sharing-detail", pk=agreement.pk))
        return self.render_to_response(self.get_context_data(form=form, agreement=agreement), status=400)


# --- across the user's cases -------------------------------------------------------------------------------

class DeadlineDashboardView(LoginRequiredMixin, TemplateView):
    template_name = "recovery/deadlines.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        horizon = int_param(self.request.GET, "days", 90, minimum=1, maximum=730, clamp=True)
        case = None
        reference = self.request.GET.get("case", "").strip()
        if reference:
            case = case_selectors.case_get(user=user, reference=reference)
        rows = selectors.deadlines(user=user, case=case, horizon_days=horizon)
        # A list across cases: one audited read per case whose orders it shows.
        audit_request_read(request=self.request, by=user, listed_case_ids=[d.measure.case_id for d in rows])
        context.update(rows=rows, horizon=horizon, case_filter=reference,
                       cases=selectors.cases_with_assets(user=user), today=timezone.localdate())
        return context


class GlobalTotalsView(LoginRequiredMixin, TemplateView):
    template_name = "recovery/global_totals.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        from finance.validation import Invalid, check_currency

        requested = self.request.GET.get("currency", "").strip()
        error = ""
        try:
            currency = check_currency(requested) if requested else None
        except Invalid:
            currency, error = None, f"“{requested}” is not an ISO 4217 currency code; showing the default."
        currency, per_case, overall = selectors.totals_across_cases(user=user, currency=currency)
        context.update(currency=currency, per_case=per_case, overall=overall, error=error,
                       chart=_chart(user, currency), buckets=selectors.BUCKETS)
        return context
