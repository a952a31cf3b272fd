"""Forms of the asset-recovery pages (input shape only; rules live in services)."""
from django import forms

from cases.access import Handling

from .models import AssetHolder, AssetIdentifier, AssetKind, AssetState, MlaRequest, RequestLetter

DATE = forms.DateInput(attrs={"type": "date"})


class AssetForm(forms.Form):
    kind = forms.ChoiceField(choices=AssetKind.choices)
    label = forms.CharField(max_length=200, help_text="Short name, e.g. “Business account at Zagrebačka banka”")
    jurisdiction = forms.CharField(max_length=3, help_text="ISO country code where it is located or registered")
    institution = forms.CharField(max_length=200, required=False, help_text="Bank, exchange, registry or custodian")
    location = forms.CharField(max_length=300, required=False)
    estimated_value = forms.DecimalField(max_digits=20, decimal_places=2, min_value=0, required=False)
    currency = forms.CharField(max_length=3, required=False, help_text="ISO 4217, e.g. EUR")
    valuation_date = forms.DateField(required=False, widget=DATE)
    valuation_source = forms.CharField(max_length=200, required=False)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    handling = forms.ChoiceField(choices=Handling.choices, initial=Handling.TEAM)


class AssetCreateForm(AssetForm):
    identifier_kind = forms.ChoiceField(choices=[("", "— none —"), *AssetIdentifier.Kind.choices], required=False,
                                        label="Identifier")
    identifier_value = forms.CharField(max_length=150, required=False, label="Identifier value",
                                       help_text="IBAN, address, VIN, registration, land-registry reference …")
    identifier_chain = forms.CharField(max_length=20, required=False, label="Blockchain",
                                       help_text="For crypto addresses: btc, eth, ltc …")

    def clean(self):
        data = super().clean()
        if bool(data.get("identifier_kind")) != bool(data.get("identifier_value")):
            self.add_error("identifier_value", "Give both the kind and the value of the identifier, or neither.")
        return data


class IdentifierForm(forms.Form):
    kind = forms.ChoiceField(choices=AssetIdentifier.Kind.choices)
    value = forms.CharField(max_length=150)
    chain = forms.CharField(max_length=20, required=False, help_text="For crypto addresses")


class HolderForm(forms.Form):
    entity = forms.ModelChoiceField(queryset=None, label="Person or organisation")
    role = forms.ChoiceField(choices=AssetHolder.Role.choices)
    share_percent = forms.DecimalField(max_digits=5, decimal_places=2, required=False, label="Share (%)")
    note = forms.CharField(max_length=300, required=False)

    def __init__(self, *args, entities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entity"].queryset = entities


class OriginForm(forms.Form):
    target = forms.ChoiceField(label="Record showing the illicit origin")
    explanation = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [("", "— choose —"), *candidates]


class MeasureForm(forms.Form):
    to_state = forms.ChoiceField(label="Measure", choices=AssetState.choices)
    authority = forms.CharField(max_length=200, help_text="Court, prosecutor or agency")
    legal_basis = forms.CharField(max_length=300)
    order_reference = forms.CharField(max_length=100, required=False)
    issued_on = forms.DateField(widget=DATE)
    served_on = forms.DateField(required=False, widget=DATE)
    expires_on = forms.DateField(required=False, widget=DATE, help_text="The order lapses on this date unless renewed")
    review_on = forms.DateField(required=False, widget=DATE)
    amount_covered = forms.DecimalField(max_digits=20, decimal_places=2, min_value=0, required=False)
    amount_currency = forms.CharField(max_length=3, required=False)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False,
                             help_text="Required for a release")
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    documents = forms.ModelMultipleChoiceField(queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
                                               help_text="The order and related documents, uploaded as evidence")

    def __init__(self, *args, next_states, documents, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(AssetState.choices)
        self.fields["to_state"].choices = [(s, labels[s]) for s in next_states]
        self.fields["documents"].queryset = documents


class LetterCreateForm(forms.Form):
    kind = forms.ChoiceField(choices=RequestLetter.Kind.choices)
    assets = forms.ModelMultipleChoiceField(queryset=None, widget=forms.CheckboxSelectMultiple)
    addressee = forms.CharField(max_length=200, help_text="The bank or exchange")
    addressee_kind = forms.ChoiceField(choices=RequestLetter.AddresseeKind.choices)
    addressee_address = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    legal_basis = forms.CharField(max_length=300)

    def __init__(self, *args, assets, endpoints=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assets"].queryset = assets
        self.endpoints = list(endpoints)
        if self.endpoints:
            # A letter drafted from an analysis: its endpoints are the subject, assets optional.
            self.fields["assets"].required = False
            self.fields["endpoints"] = forms.MultipleChoiceField(
                label="Crypto endpoints of the analysis", widget=forms.CheckboxSelectMultiple,
                choices=[(str(i), f"{e['address']} — {e['note']} — {e['amount']} {e['asset']}")
                         for i, e in enumerate(self.endpoints)],
                initial=[str(i) for i in range(len(self.endpoints))])

    def clean_endpoints(self):
        return [self.endpoints[int(i)] for i in self.cleaned_data.get("endpoints", [])]


class LetterEditForm(forms.Form):
    addressee = forms.CharField(max_length=200)
    addressee_address = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    legal_basis = forms.CharField(max_length=300)
    subject = forms.CharField(max_length=300)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 24, "class": "letter-text"}))


class MlaForm(forms.Form):
    reference = forms.CharField(max_length=60)
    requesting_state = forms.CharField(max_length=3, help_text="ISO country code")
    requested_state = forms.CharField(max_length=3, help_text="ISO country code")
    purpose = forms.ChoiceField(choices=MlaRequest.Purpose.choices)
    status = forms.ChoiceField(choices=MlaRequest.Status.choices)
    legal_basis = forms.CharField(max_length=300, required=False)
    central_authority = forms.CharField(max_length=200, required=False)
    sent_on = forms.DateField(required=False, widget=DATE)
    received_on = forms.DateField(required=False, widget=DATE)
    response_due_on = forms.DateField(required=False, widget=DATE)
    executed_on = forms.DateField(required=False, widget=DATE)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    assets = forms.ModelMultipleChoiceField(queryset=None, required=False, widget=forms.CheckboxSelectMultiple)
    handling = forms.ChoiceField(choices=Handling.choices, initial=Handling.TEAM)

    def __init__(self, *args, assets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assets"].queryset = assets


class MlaStatusForm(forms.Form):
    status = forms.ChoiceField(choices=MlaRequest.Status.choices)
    sent_on = forms.DateField(required=False, widget=DATE)
    received_on = forms.DateField(required=False, widget=DATE)
    response_due_on = forms.DateField(required=False, widget=DATE)
    executed_on = forms.DateField(required=False, widget=DATE)


def parse_shares(text):
    """'HR 60\\nLU 40' → [("HR", "60"), ("LU", "40")]; raises ValidationError naming the line."""
    shares = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip().replace(",", " ").replace("%", " ").replace(":", " ")
        if not line:
            continue
        parts = line.split()
        if len(parts) != 2:
            raise forms.ValidationError(f"Line {number}: write a country code and a percentage, e.g. “HR 60”.")
        shares.append((parts[0], parts[1]))
    return shares


class SharesField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 3})

    def clean(self, value):
        return parse_shares(super().clean(value))


class SharingForm(forms.Form):
    reference = forms.CharField(max_length=60)
    shares = SharesField(help_text="One state per line: ISO code and percentage, e.g. “HR 60” and “LU 40”; at most 100 % in all")
    concluded_on = forms.DateField(required=False, widget=DATE)
    legal_basis = forms.CharField(max_length=300, required=False)
    assets = forms.ModelMultipleChoiceField(queryset=None, required=False, widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, assets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assets"].queryset = assets


class SharesForm(forms.Form):
    shares = SharesField(help_text="One state per line: ISO code and percentage; at most 100 % in all")
