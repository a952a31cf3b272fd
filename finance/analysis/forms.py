from django import forms

from .models import Alert, AnalysisKind, CryptoTag, ListEntry


class TraceForm(forms.Form):
    title = forms.CharField(max_length=200, required=False)
    seeds = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line: account:ID, party:ID, entity:ID, seizure:ID, firearm:ID, or an IBAN / account number / address.")
    direction = forms.ChoiceField(choices=[("downstream", "Downstream — where did the money go?"),
                                           ("upstream", "Upstream — where did the money come from?"),
                                           ("both", "Both directions")])
    hops = forms.IntegerField(min_value=1, max_value=8, initial=4, help_text="At most 8 transactions from a seed.")
    date_from = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    min_amount = forms.DecimalField(required=False, min_value=0, help_text="In the case's reference currency.")
    tolerance = forms.DecimalField(required=False, min_value=0, max_value=10,
                                   help_text="Amount conservation: 0.1 lets an outgoing payment exceed what the trace "
                                             "brought into the account before it by at most 10 %. Empty: off.")
    stop_degree = forms.IntegerField(min_value=2, initial=200,
                                     help_text="Accounts with more transactions than this (payment processors, "
                                               "exchanges) are shown but not followed.")
    stop_accounts = forms.CharField(required=False, help_text="Account ids not to follow through, space separated.")

    def params(self):
        d = dict(self.cleaned_data)
        d.pop("title")
        d["seeds"] = [s.strip() for s in d["seeds"].splitlines() if s.strip()]
        for k in ("date_from", "date_to"):
            d[k] = d[k].isoformat() if d[k] else None
        d["min_amount"] = str(d["min_amount"] or 0)
        d["tolerance"] = str(d["tolerance"]) if d["tolerance"] is not None else None
        return d


class TypologyRunForm(forms.Form):
    title = forms.CharField(max_length=200, required=False)

    def params(self):
        return {}


class ClusterForm(forms.Form):
    title = forms.CharField(max_length=200, required=False)
    chain = forms.CharField(max_length=20, required=False, help_text="btc, ltc … (empty: all chains)")
    change_heuristic = forms.BooleanField(required=False, help_text="Also merge likely change outputs into the "
                                                                    "sender's cluster (confidence is shown).")
    change_min_confidence = forms.DecimalField(min_value=0, max_value=1, initial=0.7)

    def params(self):
        d = dict(self.cleaned_data)
        d.pop("title")
        d["change_min_confidence"] = float(d["change_min_confidence"])
        return d


class TaintForm(forms.Form):
    title = forms.CharField(max_length=200, required=False)
    seeds = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}),
                            help_text="Crypto addresses (or account:ID), one per line.")
    method = forms.ChoiceField(choices=[("haircut", "Haircut — proportional share"),
                                        ("fifo", "FIFO — first in, first out"),
                                        ("poison", "Poison — any taint taints everything")])
    chain = forms.CharField(max_length=20, required=False)
    stop_at_labels = forms.MultipleChoiceField(choices=CryptoTag.Label.choices, initial=["exchange"],
                                               widget=forms.CheckboxSelectMultiple)

    def params(self):
        d = dict(self.cleaned_data)
        d.pop("title")
        d["seeds"] = [s.strip() for s in d["seeds"].splitlines() if s.strip()]
        return d


KIND_FORMS = {AnalysisKind.TRACE: TraceForm, AnalysisKind.TYPOLOGIES: TypologyRunForm,
              AnalysisKind.CRYPTO_CLUSTER: ClusterForm, AnalysisKind.TAINT: TaintForm}


class DecisionForm(forms.Form):
    status = forms.ChoiceField(choices=Alert.Status.choices)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class DetectorSettingsForm(forms.Form):
    settings = forms.JSONField(widget=forms.Textarea(attrs={"rows": 18, "class": "mono"}),
                               help_text="Only what differs from the defaults, e.g. {\"structuring\": {\"threshold\": 15000}}.")


class ListEntryForm(forms.Form):
    kind = forms.ChoiceField(choices=ListEntry.Kind.choices)
    value = forms.CharField(max_length=300)
    list_name = forms.CharField(max_length=100)
    reason = forms.CharField(max_length=300, required=False)


class ListImportForm(forms.Form):
    list_name = forms.CharField(max_length=100)
    file = forms.FileField(help_text="CSV with columns kind (jurisdiction, name or identifier), value, reason.")


class CryptoTagForm(forms.Form):
    chain = forms.CharField(max_length=20, required=False)
    address = forms.CharField(max_length=120)
    label = forms.ChoiceField(choices=CryptoTag.Label.choices)
    name = forms.CharField(max_length=200)
    source = forms.CharField(max_length=300)
    confidence = forms.DecimalField(min_value=0, max_value=1, initial=1)


class CryptoTagImportForm(forms.Form):
    file = forms.FileField(help_text="CSV with columns chain, address, label, name, source, confidence.")


class SeizurePaymentForm(forms.Form):
    seizure = forms.IntegerField(widget=forms.HiddenInput)
    transaction = forms.IntegerField(required=False, help_text="Ledger transaction id")
    crypto_transaction = forms.IntegerField(required=False, help_text="Crypto transaction id")
    note = forms.CharField(max_length=300, required=False)


class ReleaseForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    confirm_sources = forms.BooleanField(
        required=False, label="Also disclose the unreleased FIU sources named above",
        help_text="Needed when the result rests on FIU intelligence that is not released.")
