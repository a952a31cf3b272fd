"""Forms of the finance pages. They check shapes; the services decide."""
from django import forms

from cases.access import Handling
from finance.models import Account, ImportFormat, Transaction
from finance.parsers.tabular import FIELDS

FORMAT_CHOICES = [("auto", "Detect from the file")] + list(ImportFormat.choices)


class ImportUploadForm(forms.Form):
    file = forms.FileField(help_text="Bank CSV/XLSX export, goAML XML, camt.053 XML, MT940 or a crypto CSV export. "
                                     "The file is stored unchanged as evidence and hashed (SHA-256).")
    format = forms.ChoiceField(choices=FORMAT_CHOICES, initial="auto")
    handling = forms.ChoiceField(choices=Handling.choices, initial=Handling.FIU,
                                 help_text="Financial intelligence stays FIU-only until the FIU releases it.")
    source_label = forms.CharField(required=False, max_length=200, label="Source",
                                   help_text="Bank, exchange or reporting entity that produced the file")


class MappingForm(forms.Form):
    """One select per ledger field, listing the file's columns."""

    decimal = forms.ChoiceField(choices=[(".", "Dot (1,234.56)"), (",", "Comma (1.234,56)")], label="Decimal separator")
    date_format = forms.CharField(required=False, max_length=40, label="Date format",
                                  help_text="strftime pattern, e.g. %d.%m.%Y; empty = recognise ISO and common formats")
    currency = forms.CharField(required=False, max_length=3, label="Default currency",
                               help_text="ISO 4217 code used when the file has no currency column")
    account = forms.CharField(required=False, max_length=120, label="Own account",
                              help_text="IBAN or number of the account the statement belongs to, if no column holds it")
    profile_name = forms.CharField(required=False, max_length=100, label="Save mapping as",
                                   help_text="Name of the bank export layout; files with the same header reuse it")

    def __init__(self, *args, header=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "— not in this file —")] + [(h, h) for h in header if h]
        self.mapped = []
        for field, (label, _required) in FIELDS.items():
            self.fields[f"map_{field}"] = forms.ChoiceField(choices=choices, required=False, label=label)
            self.mapped.append(f"map_{field}")
        self.order_fields(self.mapped + ["decimal", "date_format", "currency", "account", "profile_name"])

    def mapping(self):
        return {name[4:]: value for name, value in self.cleaned_data.items() if name.startswith("map_") and value}


class LedgerFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Text")
    account = forms.IntegerField(required=False, widget=forms.HiddenInput)
    party = forms.IntegerField(required=False, widget=forms.HiddenInput)
    date_from = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))
    amount_min = forms.DecimalField(required=False, label="Min amount", min_value=0)
    amount_max = forms.DecimalField(required=False, label="Max amount", min_value=0)
    channel = forms.ChoiceField(required=False, choices=[("", "Any channel")] + list(Transaction.Channel.choices))
    currency = forms.CharField(required=False, max_length=3, label="Currency")
    source_import = forms.IntegerField(required=False, widget=forms.HiddenInput)
    duplicates = forms.BooleanField(required=False, label="Probable duplicates only")

    def filters(self):
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "", False)}


class AccountFilterForm(forms.Form):
    q = forms.CharField(required=False, label="IBAN, number, address, bank or holder")
    kind = forms.ChoiceField(required=False, choices=[("", "Any kind")] + list(Account.Kind.choices))
