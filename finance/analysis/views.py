"""Pages of the money-flow analyses (case-scoped; access through CaseMixin)."""
import json

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views import View
from django.views.generic import TemplateView

from cases.access import Action
from cases.bad_input import attachment_header, id_param
from cases.mixins import CaseMixin, paginate, service_call

from . import exports, forms, selectors, services
from .flow_svg import flow_svg
from .models import Alert, AnalysisKind, AnalysisRun, CryptoTag, ListEntry, Typology

TAB = "analysis:runs"


class RunListView(CaseMixin, TemplateView):
    template_name = "analysis/run_list.html"
    tab = TAB

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        g = self.request.GET
        qs = selectors.run_list(user=self.request.user, case=self.case, kind=g.get("kind", ""), status=g.get("status", ""))
        ctx["page"], ctx["query"] = paginate(self.request, qs)
        ctx["kinds"], ctx["statuses"] = AnalysisKind.choices, AnalysisRun.Status.choices
        return ctx


class RunCreateView(CaseMixin, TemplateView):
    """The analysis form; `?kind=` chooses the analysis, `?seizure=`, `?firearm=`, `?account=`, `?party=` seed it."""
    template_name = "analysis/run_form.html"
    case_action = Action.ADD
    tab = TAB

    def kind(self):
        kind = self.request.POST.get("kind") or self.request.GET.get("kind") or AnalysisKind.TRACE
        if kind not in forms.KIND_FORMS:
            raise Http404
        return kind

    def initial(self):
        g = self.request.GET
        seeds = [f"{name}:{g[name]}" for name in ("seizure", "firearm", "account", "party", "entity")
                 if g.get(name, "").isdigit()]
        return {"seeds": "\n".join(seeds)} if seeds else {}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        kind = self.kind()
        ctx["kind"], ctx["kinds"] = kind, AnalysisKind.choices
        ctx.setdefault("form", forms.KIND_FORMS[kind](initial=self.initial()))
        ctx["seed_hint"] = self.initial().get("seeds", "")
        return ctx

    def post(self, request, reference):
        kind = self.kind()
        form = forms.KIND_FORMS[kind](request.POST)
        if form.is_valid():
            run = service_call(form, services.analysis_start, case=self.case, by=request.user, kind=kind,
                               params=form.params(), title=form.cleaned_data.get("title", ""))
            if run:
                messages.success(request, f"{run.get_kind_display()} started.")
                return redirect("cases:job-detail", reference=self.case.reference, pk=run.job_id)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class RunMixin(CaseMixin):
    tab = TAB

    def run(self):
        if not hasattr(self, "_run"):
            self._run = self.get_record(AnalysisRun, self.kwargs["pk"])
        return self._run


class RunDetailView(RunMixin, TemplateView):
    template_name = "analysis/run_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        run = self.run()
        services.run_viewed(run=run, by=self.request.user)
        ctx["run"] = ctx["record"] = run
        ctx["release_form"] = forms.ReleaseForm()
        if run.handling == "fiu" and run.fiu_released_at is None and "release_fiu" in self.actions:
            ctx["release_sources"] = services.run_unreleased_sources(run)
        if run.kind == AnalysisKind.TRACE and run.status == AnalysisRun.Status.SUCCEEDED:
            edge_url = reverse("analysis:run-edge", kwargs={"reference": self.case.reference, "pk": run.pk})
            ctx["flow_svg"] = mark_safe(flow_svg(run.result, edge_url=edge_url))  # built with escape()
            nodes = {n["key"]: n for n in run.result.get("nodes", [])}
            ctx["paths"] = [{**p, "labels": [nodes.get(k, {}).get("label", k) for k in p["nodes"]]}
                            for p in run.result.get("paths", [])[:15]]
            ctx["endpoints"] = selectors.taint_endpoints(run)[:20]
            ctx["flows"] = [{**e, "source_label": nodes.get(e["source"], {}).get("label", e["source"]),
                             "target_label": nodes.get(e["target"], {}).get("label", e["target"])}
                            for e in run.result.get("edges", [])[:200]]
        if run.kind == AnalysisKind.TYPOLOGIES:
            ctx["alerts"] = selectors.alert_list(user=self.request.user, case=self.case, run=run.pk)[:200]
        if run.kind == AnalysisKind.TAINT:
            ctx["endpoints"] = selectors.taint_endpoints(run)
        return ctx


class RunGraphView(RunMixin, View):
    """The trace as JSON for the interactive graph (static/parallax/analysis.js)."""

    def get(self, request, reference, pk):
        run = self.run()
        if run.kind != AnalysisKind.TRACE:
            raise Http404
        edge_url = reverse("analysis:run-edge", kwargs={"reference": reference, "pk": run.pk})
        return JsonResponse({"nodes": run.result.get("nodes", []), "edges": [
            {k: v for k, v in e.items() if k != "tx"} for e in run.result.get("edges", [])],
            "paths": run.result.get("paths", [])[:10], "edge_url": edge_url,
            "currency": run.result.get("currency", "")})


class RunEdgeView(RunMixin, TemplateView):
    """The transactions behind one edge (full page, or a fragment for the graph panel)."""
    template_name = "analysis/edge_detail.html"

    def get_template_names(self):
        return ["analysis/_edge_transactions.html"] if self.request.GET.get("fragment") else [self.template_name]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        run = self.run()
        source, target = self.request.GET.get("source", ""), self.request.GET.get("target", "")
        nodes = {n["key"]: n for n in run.result.get("nodes", [])}
        if not source and not target:  # the list of all flows of the run
            ctx.update(run=run, edge=None, flows=[{**e, "source_label": nodes.get(e["source"], {}).get("label", e["source"]),
                                                    "target_label": nodes.get(e["target"], {}).get("label", e["target"])}
                                                   for e in run.result.get("edges", [])],
                       currency=run.result.get("currency", ""))
            return ctx
        edge, txs = selectors.edge_transactions(user=self.request.user, case=self.case, run=run, source=source,
                                                target=target)
        if edge is None:
            raise Http404
        crypto = selectors.crypto_transactions_by_ids(user=self.request.user, case=self.case,
                                                      ids=edge.get("crypto_tx", [])[:200])
        ctx.update(run=run, edge=edge, transactions=txs[:500], crypto_transactions=crypto, source=nodes.get(source, {}),
                   target=nodes.get(target, {}), currency=run.result.get("currency", ""))
        return ctx


class RunExportView(RunMixin, View):
    case_action = Action.EXPORT
    def get(self, request, reference, pk, fmt):
        run = self.run()
        if fmt not in ("csv", "ftm.json") or run.kind != AnalysisKind.TRACE or run.status != AnalysisRun.Status.SUCCEEDED:
            raise Http404
        ids = [t for e in run.result.get("edges", []) for t in e["tx"]]
        txs = list(selectors.transactions_by_ids(user=request.user, case=self.case, ids=ids))
        services.run_viewed(run=run, by=request.user, action=f"export.{fmt}")
        name = f"{self.case.reference}-trace-{run.pk}"
        if fmt == "csv":
            response = HttpResponse(exports.trace_csv(run, txs), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = attachment_header(f"{name}.csv")
        else:
            response = HttpResponse(exports.trace_ftm(run, txs), content_type="application/x-ndjson; charset=utf-8")
            response["Content-Disposition"] = attachment_header(f"{name}.ftm.json")
        return response


class RunRerunView(RunMixin, View):
    case_action = Action.ADD

    def post(self, request, reference, pk):
        run = self.run()
        try:
            new = services.analysis_rerun(run=run, by=request.user)
        except Exception as exc:  # ValidationError: e.g. a seed no longer visible
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            return redirect("analysis:run-detail", reference=reference, pk=pk)
        messages.success(request, "Started again; the earlier result stays readable.")
        return redirect("cases:job-detail", reference=reference, pk=new.job_id)


class RunReleaseView(RunMixin, View):
    case_action = Action.RELEASE_FIU

    def post(self, request, reference, pk):
        run = self.run()
        form = forms.ReleaseForm(request.POST)
        if form.is_valid() and service_call(form, services.run_release_fiu, run=run, by=request.user,
                                            reason=form.cleaned_data["reason"],
                                            confirm_sources=form.cleaned_data["confirm_sources"]):
            messages.success(request, "Released for use by the team and in evidence.")
            return redirect("analysis:run-detail", reference=reference, pk=pk)
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("analysis:run-detail", reference=reference, pk=pk)


class AlertListView(CaseMixin, TemplateView):
    template_name = "analysis/alert_list.html"
    tab = TAB

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        g = self.request.GET
        filters = dict(typology=g.get("typology", ""), status=g.get("status", ""), q=g.get("q", "").strip(),
                       min_score=g.get("min_score") or None)
        run = id_param(g, "run")
        if run is not None:
            qs = selectors.alert_list(user=self.request.user, case=self.case, run=run, **filters)
            latest = None
        else:
            qs, latest = selectors.latest_alerts(user=self.request.user, case=self.case, **filters)
        ctx["page"], ctx["query"] = paginate(self.request, qs)
        ctx.update(latest=latest, typologies=Typology.choices, statuses=Alert.Status.choices)
        return ctx


class AlertDetailView(CaseMixin, TemplateView):
    template_name = "analysis/alert_detail.html"
    post_action = Action.CHANGE
    tab = TAB

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        alert = self.get_record(Alert, self.kwargs["pk"])
        ctx["alert"] = alert
        ctx["evidence"] = selectors.transactions_by_ids(user=self.request.user, case=self.case,
                                                        ids=alert.evidence.values_list("pk", flat=True))
        ctx.setdefault("form", forms.DecisionForm(initial={"status": alert.status, "reason": alert.decision_reason}))
        return ctx

    def post(self, request, reference, pk):
        alert = self.get_record(Alert, pk, Action.CHANGE)
        form = forms.DecisionForm(request.POST)
        if form.is_valid() and service_call(form, services.alert_decide, alert=alert, by=request.user,
                                            status=form.cleaned_data["status"], reason=form.cleaned_data["reason"]):
            messages.success(request, f"Alert marked {alert.get_status_display().lower()}.")
            return redirect(request.POST.get("next") or reverse("analysis:alert-detail",
                                                                kwargs={"reference": reference, "pk": pk}))
        return self.render_to_response(self.get_context_data(form=form), status=400)


class SettingsView(CaseMixin, TemplateView):
    template_name = "analysis/settings.html"
    post_action = Action.CHANGE
    tab = TAB

    def get_context_data(self, **kwargs):
        from .compute import case_detector_settings
        from .engine.typologies import DEFAULTS

        ctx = super().get_context_data(**kwargs)
        current = case_detector_settings(self.case)
        ctx.setdefault("form", forms.DetectorSettingsForm(initial={"settings": current}))
        ctx["defaults"] = json.dumps(DEFAULTS, indent=2)
        return ctx

    def post(self, request, reference):
        form = forms.DetectorSettingsForm(request.POST)
        if form.is_valid() and service_call(form, services.detector_settings_update, case=self.case, by=request.user,
                                            settings=form.cleaned_data["settings"] or {}):
            messages.success(request, "Detector settings saved; they apply to the next typology scan.")
            return redirect("analysis:settings", reference=reference)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ListsView(CaseMixin, TemplateView):
    template_name = "analysis/lists.html"
    post_action = Action.ADD
    tab = TAB

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        g = self.request.GET
        qs = selectors.list_entries(user=self.request.user, case=self.case, kind=g.get("kind", ""),
                                    list_name=g.get("list", ""))
        ctx["page"], ctx["query"] = paginate(self.request, qs, per_page=50)
        ctx["kinds"] = ListEntry.Kind.choices
        ctx.setdefault("form", forms.ListEntryForm())
        ctx.setdefault("import_form", forms.ListImportForm())
        return ctx

    def post(self, request, reference):
        if "file" in request.FILES or request.POST.get("import"):
            form = forms.ListImportForm(request.POST, request.FILES)
            if form.is_valid():
                n = service_call(form, services.list_import, case=self.case, by=request.user,
                                 upload=form.cleaned_data["file"], list_name=form.cleaned_data["list_name"])
                if n is not None:
                    messages.success(request, f"{n} entries added to the list.")
                    return redirect("analysis:lists", reference=reference)
            return self.render_to_response(self.get_context_data(import_form=form), status=400)
        form = forms.ListEntryForm(request.POST)
        if form.is_valid() and service_call(form, services.list_entry_add, case=self.case, by=request.user,
                                            **form.cleaned_data):
            messages.success(request, "Entry added.")
            return redirect("analysis:lists", reference=reference)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class TagsView(CaseMixin, TemplateView):
    template_name = "analysis/tags.html"
    post_action = Action.ADD
    tab = TAB

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        qs = selectors.crypto_tags(user=self.request.user, case=self.case, label=self.request.GET.get("label", ""))
        ctx["page"], ctx["query"] = paginate(self.request, qs, per_page=50)
        ctx["labels"] = CryptoTag.Label.choices
        ctx.setdefault("form", forms.CryptoTagForm())
        ctx.setdefault("import_form", forms.CryptoTagImportForm())
        return ctx

    def post(self, request, reference):
        if "file" in request.FILES or request.POST.get("import"):
            form = forms.CryptoTagImportForm(request.POST, request.FILES)
            if form.is_valid():
                n = service_call(form, services.crypto_tags_import, case=self.case, by=request.user,
                                 upload=form.cleaned_data["file"])
                if n is not None:
                    messages.success(request, f"{n} tags imported.")
                    return redirect("analysis:tags", reference=reference)
            return self.render_to_response(self.get_context_data(import_form=form), status=400)
        form = forms.CryptoTagForm(request.POST)
        if form.is_valid() and service_call(form, services.crypto_tag_add, case=self.case, by=request.user,
                                            **form.cleaned_data):
            messages.success(request, "Tag added.")
            return redirect("analysis:tags", reference=reference)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class OverviewView(CaseMixin, TemplateView):
    """Firearms and money side by side: seizures with their linked parties' accounts and payments,
    next to the latest traces and alerts."""
    template_name = "analysis/overview.html"
    post_action = Action.ADD
    tab = "analysis:overview"

    def get_context_data(self, **kwargs):
        from cases.selectors import visible
        from seizures.models import Firearm, Seizure, SeizureParty

        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        seizures = list(visible(Seizure, user=user, case=self.case).order_by("-occurred_at")[:20])
        firearms = {}
        for f in visible(Firearm, user=user, case=self.case).filter(seizure__in=seizures):
            firearms.setdefault(f.seizure_id, []).append(f)
        parties = {}
        for sp in visible(SeizureParty, user=user, case=self.case).filter(seizure__in=seizures).select_related("entity"):
            parties.setdefault(sp.seizure_id, []).append(sp)
        payments = {}
        for p in selectors.seizure_payments(user=user, case=self.case):
            payments.setdefault(p.seizure_id, []).append(p)
        runs = {}
        for r in selectors.run_list(user=user, case=self.case).filter(seizure__in=seizures):
            runs.setdefault(r.seizure_id, []).append(r)
        ctx["rows"] = [{"seizure": s, "firearms": firearms.get(s.pk, []), "parties": parties.get(s.pk, []),
                        "payments": payments.get(s.pk, []), "runs": runs.get(s.pk, [])[:3]} for s in seizures]
        trace = selectors.run_list(user=user, case=self.case, kind=AnalysisKind.TRACE,
                                   status=AnalysisRun.Status.SUCCEEDED).first()
        if trace:
            edge_url = reverse("analysis:run-edge", kwargs={"reference": self.case.reference, "pk": trace.pk})
            ctx["trace"], ctx["trace_svg"] = trace, mark_safe(flow_svg(trace.result, edge_url=edge_url, width=640,
                                                                       max_edges=25))
            ctx["endpoints"] = selectors.taint_endpoints(trace)[:6]
        ctx["alerts"], ctx["latest"] = selectors.latest_alerts(user=user, case=self.case)
        ctx["alerts"] = ctx["alerts"][:8]
        ctx["form"] = kwargs.get("form") or forms.SeizurePaymentForm()
        return ctx

    def post(self, request, reference):
        from cases.selectors import visible
        from finance.models import CryptoTransaction, Transaction
        from seizures.models import Seizure

        form = forms.SeizurePaymentForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            seizure = visible(Seizure, user=request.user, case=self.case).filter(pk=d["seizure"]).first()
            tx = (visible(Transaction, user=request.user, case=self.case).filter(pk=d["transaction"]).first()
                  if d["transaction"] else None)
            ctx_ = (visible(CryptoTransaction, user=request.user, case=self.case).filter(pk=d["crypto_transaction"]).first()
                    if d["crypto_transaction"] else None)
            if seizure is None:
                form.add_error(None, "Unknown seizure.")
            elif d["transaction"] and tx is None:
                form.add_error("transaction", "No such transaction in this case.")
            elif d["crypto_transaction"] and ctx_ is None:
                form.add_error("crypto_transaction", "No such crypto transaction in this case.")
            elif service_call(form, services.seizure_payment_mark, case=self.case, by=request.user, seizure=seizure,
                              transaction=tx, crypto_transaction=ctx_, note=d["note"]):
                messages.success(request, "Payment linked to the seizure.")
                return redirect("analysis:overview", reference=reference)
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return self.render_to_response(self.get_context_data(form=form), status=400)
