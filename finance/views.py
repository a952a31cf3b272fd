"""Pages of the finance app. Access: `CaseMixin`; reads: `selectors`; writes: `services`."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.generic import TemplateView

from cases import csv_safe
from cases import services as case_services
from cases.access import Action
from cases.bad_input import attachment_header
from cases.deconfliction import deconfliction_notices
from cases.forms import ReleaseForm
from cases.mixins import CaseMixin, paginate, service_call
from finance import forms, selectors, services
from finance.models import Account, CryptoTransaction, Import, Transaction
from finance.parsers.tabular import FIELDS
from finance.resolution import suggestion_decide


class FinancePage(CaseMixin, TemplateView):
    tab = "finance:ledger"


# --- ledger ------------------------------------------------------------------------------

class LedgerView(FinancePage):
    template_name = "finance/ledger.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = forms.LedgerFilterForm(self.request.GET or None)
        filters = form.filters()
        transactions = selectors.transaction_list(user=self.request.user, case=self.case, **filters)
        page, query = paginate(self.request, transactions, per_page=50)
        context.update(form=form, page=page, query=query, filtered=bool(filters),
                       account=selectors.account_list(user=self.request.user, case=self.case)
                       .filter(pk=filters["account"]).first() if filters.get("account") else None,
                       party=selectors.party_list(user=self.request.user, case=self.case, include_merged=True)
                       .filter(pk=filters["party"]).first() if filters.get("party") else None)
        return context


class TransactionDetailView(FinancePage):
    template_name = "finance/transaction_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tx = self.get_record(Transaction, self.kwargs["pk"])
        case_services.record_viewed(record=tx, by=self.request.user)
        context.update(tx=tx, duplicates=selectors.transaction_list(user=self.request.user, case=self.case)
                       .filter(probable_duplicate_of=tx))
        return context


# --- imports ---------------------------------------------------------------------------------

class ImportListView(FinancePage):
    template_name = "finance/import_list.html"
    post_action = Action.ADD
    tab = "finance:imports"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        imports = selectors.import_list(user=self.request.user, case=self.case, status=self.request.GET.get("status", ""))
        page, query = paginate(self.request, imports)
        if "add" in self.actions:
            context.setdefault("form", forms.ImportUploadForm(initial={
                "handling": services.default_handling(by=self.request.user, case=self.case)}))
        context.update(page=page, query=query, statuses=Import.Status.choices,
                       profiles=selectors.profile_list(user=self.request.user, case=self.case))
        return context

    def post(self, request, reference):
        form = forms.ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            imp = service_call(form, services.import_start, case=self.case, by=request.user,
                               upload=form.cleaned_data["file"], format=form.cleaned_data["format"],
                               handling=form.cleaned_data["handling"], source_label=form.cleaned_data["source_label"])
            if imp:
                messages.success(request, "File stored as evidence. " + (
                    "Check the column mapping to start the import." if imp.status == Import.Status.NEEDS_MAPPING
                    else "The import is running."))
                return redirect("finance:import-detail", reference=reference, pk=imp.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ImportDetailView(FinancePage):
    template_name = "finance/import_detail.html"
    tab = "finance:imports"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        imp = context.get("imp") or self.get_record(Import, self.kwargs["pk"])
        context["imp"] = imp
        context["job"] = imp.job
        if imp.status == Import.Status.NEEDS_MAPPING and "add" in self.actions:
            header = imp.options.get("header", [])
            initial = {f"map_{field}": column for field, column in imp.options.get("mapping", {}).items()}
            initial.update(decimal=imp.options.get("decimal", "."), date_format=imp.options.get("date_format", ""),
                           currency=imp.options.get("currency", ""), account=imp.options.get("account", ""),
                           profile_name=imp.profile.name if imp.profile else "")
            context.setdefault("mapping_form", forms.MappingForm(initial=initial, header=header))
            context["samples"] = _samples(imp)
        context.update(release_form=ReleaseForm(), errors=imp.errors[:100], field_labels={k: v[0] for k, v in FIELDS.items()},
                       ledger_url=reverse("finance:ledger", kwargs={"reference": self.case.reference})
                       + f"?source_import={imp.pk}")
        return context

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        if request.htmx and request.GET.get("part") == "status":
            return render(request, "finance/_import_status.html", context)
        case_services.record_viewed(record=context["imp"], by=request.user)
        return self.render_to_response(context)


def _samples(imp):
    from cases.evidence import evidence_path
    from finance.parsers import FileRejected, tabular

    try:
        data = evidence_path(imp.evidence.storage_name).read_bytes()
        return tabular.inspect(data, imp.original_name, imp.format, {**imp.options})["samples"]
    except (OSError, FileRejected):
        return []


class ImportMappingView(ImportDetailView):
    """The analyst confirms the column mapping (POST only)."""

    case_action = Action.ADD
    http_method_names = ["post"]

    def post(self, request, reference, pk):
        imp = self.get_record(Import, pk, Action.ADD)
        form = forms.MappingForm(request.POST, header=imp.options.get("header", []))
        if form.is_valid():
            done = service_call(form, services.import_confirm_mapping, imp=imp, by=request.user,
                                mapping=form.mapping(), decimal=form.cleaned_data["decimal"],
                                date_format=form.cleaned_data["date_format"], currency=form.cleaned_data["currency"],
                                account=form.cleaned_data["account"], profile_name=form.cleaned_data["profile_name"])
            if done:
                messages.success(request, "Mapping confirmed; the import is running.")
                return redirect("finance:import-detail", reference=reference, pk=pk)
        return self.render_to_response(self.get_context_data(imp=imp, mapping_form=form), status=400)


class ImportErrorReportView(FinancePage):
    """The import's problems as CSV: row, field, value, reason."""

    case_action = Action.EXPORT

    def get(self, request, reference, pk):
        imp = self.get_record(Import, pk, Action.EXPORT)
        services.import_error_report_viewed(imp=imp, by=request.user)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = attachment_header(f"import-{imp.pk}-errors.csv")
        response.write("\ufeff")
        writer = csv_safe.writer(response)
        writer.writerow(["row", "field", "value", "reason"])
        for error in imp.errors:
            writer.writerow([error.get("row", ""), error.get("field", ""), error.get("value", ""), error.get("reason", "")])
        if imp.error_count > len(imp.errors):
            writer.writerow(["", "", "", f"… and {imp.error_count - len(imp.errors)} more problems not listed"])
        return response


class ImportReleaseView(FinancePage):
    case_action = Action.RELEASE_FIU
    template_name = "finance/import_detail.html"
    http_method_names = ["post"]

    def post(self, request, reference, pk):
        imp = self.get_record(Import, pk, Action.RELEASE_FIU)
        form = ReleaseForm(request.POST)
        if form.is_valid() and service_call(form, services.import_release, imp=imp, by=request.user,
                                            reason=form.cleaned_data["reason"]):
            messages.success(request, "Released: the file and its ledger rows are now visible to the whole team.")
        else:
            messages.error(request, "Not released: " + "; ".join(e for errs in form.errors.values() for e in errs))
        return redirect("finance:import-detail", reference=reference, pk=pk)


# --- accounts, parties, crypto ------------------------------------------------------------------

class AccountListView(FinancePage):
    template_name = "finance/account_list.html"
    tab = "finance:ledger"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = forms.AccountFilterForm(self.request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        accounts = selectors.account_list(user=self.request.user, case=self.case, **{k: v for k, v in filters.items() if v})
        page, query = paginate(self.request, accounts, per_page=50)
        context.update(form=form, page=page, query=query)
        return context


class AccountDetailView(FinancePage):
    template_name = "finance/account_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        account = selectors.account_get(user=self.request.user, case=self.case, pk=self.kwargs["pk"])
        case_services.record_viewed(record=account, by=self.request.user)
        flows = selectors.account_flows(user=self.request.user, case=self.case, account=account)
        txs = selectors.transaction_list(user=self.request.user, case=self.case, account=account.pk)
        page, query = paginate(self.request, txs, per_page=25)
        context.update(account=account, flows=flows, page=page, query=query,
                       total_in=sum(f["inflow"] for f in flows), total_out=sum(f["outflow"] for f in flows),
                       notices=deconfliction_notices(user=self.request.user, case=self.case, subject=account),
                       crypto=selectors.crypto_list(user=self.request.user, case=self.case, address=account.pk)[:50]
                       if account.kind == Account.Kind.CRYPTO else [])
        return context


class PartyListView(FinancePage):
    template_name = "finance/party_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        parties = selectors.party_list(user=self.request.user, case=self.case, q=self.request.GET.get("q", ""))
        page, query = paginate(self.request, parties, per_page=50)
        context.update(page=page, query=query,
                       open_suggestions=selectors.suggestion_list(user=self.request.user, case=self.case).count())
        return context


class SuggestionListView(FinancePage):
    template_name = "finance/suggestion_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        status = self.request.GET.get("status", "open")
        suggestions = selectors.suggestion_list(user=self.request.user, case=self.case,
                                                status="" if status == "all" else status)
        page, query = paginate(self.request, suggestions, per_page=30)
        context.update(page=page, query=query, status=status)
        return context


class SuggestionDecideView(FinancePage):
    case_action = Action.CHANGE
    http_method_names = ["post"]

    def post(self, request, reference, pk):
        suggestion = selectors.suggestion_get(user=request.user, case=self.case, pk=pk, action=Action.CHANGE)
        confirm = request.POST.get("decision") == "confirm"
        try:
            suggestion_decide(suggestion=suggestion, by=request.user, confirm=confirm)
            messages.success(request, f"{'Confirmed' if confirm else 'Rejected'}: {suggestion}.")
        except Exception as exc:  # ValidationError: already decided
            from django.core.exceptions import ValidationError
            if not isinstance(exc, ValidationError):
                raise
            messages.error(request, "; ".join(exc.messages))
        return redirect("finance:suggestions", reference=reference)


class CryptoListView(FinancePage):
    template_name = "finance/crypto_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        chain = self.request.GET.get("chain", "")
        txs = selectors.crypto_list(user=self.request.user, case=self.case, chain=chain)
        page, query = paginate(self.request, txs, per_page=30)
        chains = (CryptoTransaction.objects.visible_to(self.request.user).filter(case=self.case)
                  .order_by("chain").values_list("chain", flat=True).distinct())
        context.update(page=page, query=query, chain=chain, chains=list(chains))
        return context
