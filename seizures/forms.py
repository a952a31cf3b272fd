"""Forms of the seizures pages. They only shape input; services validate and write."""
from django import forms
from django.conf import settings

from cases.access import Handling
from cases.forms import COUNTRY_CHOICES, DateInput
from cases.models import Agency

from .models import CustodyEvent, Firearm, TracingRequest, TransferDocument
from .models.choices import CriminalContext, PartKind, PartyRole, RecoveryType, SeizureContext, WeaponType, \
    LegalBasis, MarkingStatus


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def country_field(label, required=False, help_text=""):
    return forms.ChoiceField(choices=COUNTRY_CHOICES, required=required, label=label, help_text=help_text)


def handling_field():
    return forms.ChoiceField(choices=Handling.choices, initial=Handling.TEAM,
                             help_text="Who in the team may see this record.")


class SeizureForm(forms.Form):
    reference = forms.CharField(max_length=40, required=False, help_text="Seizure report number; left empty: SZ-n")
    occurred_at = forms.DateTimeField(label="Date and time", widget=DateTimeInput())
    recovery_type = forms.ChoiceField(choices=RecoveryType.choices)
    context = forms.ChoiceField(choices=SeizureContext.choices)
    legal_basis = forms.ChoiceField(choices=LegalBasis.choices, help_text="The ground on which the items were taken")
    legal_basis_detail = forms.CharField(max_length=300, required=False, label="Legal basis — statute or detail")
    criminal_context = forms.ChoiceField(choices=CriminalContext.choices, initial=CriminalContext.UNKNOWN,
                                         help_text="Kept separately; can change later, with its history kept")
    country = country_field("Country", required=True)
    region = forms.CharField(max_length=100, required=False)
    place = forms.CharField(max_length=300, required=False, label="Address or place")
    latitude = forms.DecimalField(max_digits=9, decimal_places=6, required=False)
    longitude = forms.DecimalField(max_digits=9, decimal_places=6, required=False)
    seizing_agency = forms.ModelChoiceField(queryset=Agency.objects.all(), required=False,
                                            help_text="Defaults to your agency")
    seizing_officer = forms.CharField(max_length=200, required=False)
    route_departure = country_field("Route — country of departure")
    route_transit = forms.CharField(required=False, label="Route — transit countries",
                                    help_text="ISO codes separated by commas, in order, e.g. RS, HU")
    route_destination = country_field("Route — country of destination")
    concealment = forms.CharField(max_length=300, required=False, label="Concealment method")
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["criminal_context"]


class ContextChangeForm(forms.Form):
    context = forms.ChoiceField(choices=CriminalContext.choices, label="New criminal context")
    reason = forms.CharField(max_length=500, help_text="What established it (e.g. financial analysis, testimony)")


class PartyForm(forms.Form):
    entity = forms.ModelChoiceField(queryset=None, label="Person or organisation")
    role = forms.ChoiceField(choices=PartyRole.choices)

    def __init__(self, *args, entities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entity"].queryset = entities


class FirearmForm(forms.Form):
    item_number = forms.CharField(max_length=20, required=False, help_text="Exhibit number; left empty: numbered for you")
    weapon_type = forms.ChoiceField(choices=WeaponType.choices)
    make = forms.CharField(max_length=100, required=False)
    model = forms.CharField(max_length=100, required=False)
    calibre = forms.CharField(max_length=40, required=False)
    serial_as_read = forms.CharField(max_length=60, required=False, label="Serial number as read",
                                     help_text=Firearm._meta.get_field("serial_as_read").help_text)
    marking_status = forms.ChoiceField(choices=MarkingStatus.choices)
    country_of_manufacture = country_field("Country of manufacture")
    year_of_manufacture = forms.IntegerField(required=False, min_value=1800, max_value=2100)
    import_country = country_field("Import marking — country")
    import_year = forms.IntegerField(required=False, min_value=1800, max_value=2100, label="Import marking — year")
    other_markings = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    craft_produced = forms.BooleanField(required=False)
    converted = forms.BooleanField(required=False)
    converted_from = forms.CharField(max_length=100, required=False)
    printed_3d = forms.BooleanField(required=False, label="3D-printed")
    deactivated = forms.BooleanField(required=False)
    reactivated = forms.BooleanField(required=False)
    condition = forms.CharField(max_length=200, required=False)
    illicit_grounds = forms.CharField(max_length=300, required=False)
    origin_established = forms.BooleanField(required=False, label="Illicit origin established by a competent authority",
                                            help_text="Counts towards SDG 16.4.2 without a trace")
    origin_established_note = forms.CharField(max_length=300, required=False, label="Established by, how")


class PhotoForm(forms.Form):
    file = forms.ImageField(help_text="Stored as an evidence file, hashed at upload")
    caption = forms.CharField(max_length=200, required=False)


class PartForm(forms.Form):
    item_number = forms.CharField(max_length=20, required=False)
    kind = forms.ChoiceField(choices=PartKind.choices)
    firearm = forms.ModelChoiceField(queryset=None, required=False, help_text="The firearm it belongs to, if any")
    make = forms.CharField(max_length=100, required=False)
    serial_as_read = forms.CharField(max_length=60, required=False, label="Serial as read")
    markings = forms.CharField(max_length=300, required=False)
    quantity = forms.IntegerField(min_value=1, initial=1)
    description = forms.CharField(max_length=300, required=False)

    def __init__(self, *args, firearms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["firearm"].queryset = firearms


class AmmunitionForm(forms.Form):
    item_number = forms.CharField(max_length=20, required=False)
    calibre = forms.CharField(max_length=40)
    quantity = forms.IntegerField(min_value=1, label="Rounds")
    headstamp = forms.CharField(max_length=100, required=False)
    lot_number = forms.CharField(max_length=60, required=False)
    country_of_manufacture = country_field("Country of manufacture")
    description = forms.CharField(max_length=300, required=False)


class CustodyForm(forms.Form):
    kind = forms.ChoiceField(choices=CustodyEvent.Kind.choices, label="Event")
    occurred_at = forms.DateTimeField(label="When", widget=DateTimeInput())
    from_holder = forms.CharField(max_length=200, required=False)
    to_holder = forms.CharField(max_length=200, required=False)
    from_location = forms.CharField(max_length=200, required=False)
    to_location = forms.CharField(max_length=200, required=False)
    method = forms.CharField(max_length=200, required=False, help_text="Destruction method")
    witnesses = forms.CharField(max_length=300, required=False)
    ballistic_reference = forms.CharField(max_length=100, required=False, help_text="After examination or test-firing")
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(choices=TransferDocument.Kind.choices)
    number = forms.CharField(max_length=100)
    issuing_authority = forms.CharField(max_length=200)
    issuing_country = country_field("Issuing country", required=True)
    issued_on = forms.DateField(required=False, widget=DateInput)
    valid_until = forms.DateField(required=False, widget=DateInput)
    seizure = forms.ModelChoiceField(queryset=None, required=False, help_text="Found in this seizure")
    exporter = forms.ModelChoiceField(queryset=None, required=False)
    importer = forms.ModelChoiceField(queryset=None, required=False)
    broker = forms.ModelChoiceField(queryset=None, required=False)
    carrier = forms.ModelChoiceField(queryset=None, required=False)
    declared_end_user = forms.ModelChoiceField(queryset=None, required=False)
    items_description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                        label="Items and quantities")
    quantity = forms.IntegerField(required=False, min_value=0)
    non_reexport_clause = forms.BooleanField(required=False, label="Non-re-export clause")
    verification_status = forms.ChoiceField(choices=TransferDocument.Verification.choices)
    verification_method = forms.CharField(max_length=300, required=False, help_text="How it was verified, with whom")
    firearms = forms.ModelMultipleChoiceField(queryset=None, required=False, widget=forms.CheckboxSelectMultiple)
    handling = handling_field()

    def __init__(self, *args, entities, seizures, firearms, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("exporter", "importer", "broker", "carrier", "declared_end_user"):
            self.fields[name].queryset = entities
        self.fields["seizure"].queryset = seizures
        self.fields["firearms"].queryset = firearms
        if editing:
            del self.fields["handling"]


class TracingForm(forms.Form):
    firearms = forms.ModelMultipleChoiceField(queryset=None, widget=forms.CheckboxSelectMultiple)
    destination = forms.ChoiceField(choices=TracingRequest.Destination.choices)
    destination_country = country_field("Destination country", help_text="Country of manufacture or last import")
    destination_name = forms.CharField(max_length=200, required=False, label="Authority or manufacturer")
    priority = forms.ChoiceField(choices=TracingRequest.Priority.choices)
    justification = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                    help_text="Required for an urgent request")
    handling = handling_field()

    def __init__(self, *args, firearms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["firearms"].queryset = firearms


class AcknowledgeForm(forms.Form):
    their_reference = forms.CharField(max_length=60, required=False)


class ResponseForm(forms.Form):
    outcome = forms.ChoiceField(choices=TracingRequest.Outcome.choices)
    last_legal_owner = forms.CharField(max_length=200, required=False)
    last_legal_transfer = forms.CharField(max_length=300, required=False)
    last_legal_country = country_field("Country of the last legal owner or transfer")
    diversion_point = forms.CharField(max_length=300, required=False, label="Point of diversion")
    diversion_type = forms.ChoiceField(choices=[("", "—")] + TracingRequest.DiversionType.choices, required=False)
    not_traced_reason = forms.CharField(max_length=300, required=False)
    response_text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Answer received")


class ImportForm(forms.Form):
    file = forms.FileField(help_text="CSV (UTF-8) or XLSX, one row per firearm; rows with the same "
                                     "seizure_reference form one seizure")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text += f". At most {settings.UPLOAD_MAX_BYTES / (1024 * 1024):,.0f} MB."


class StatisticsForm(forms.Form):
    date_from = forms.DateField(required=False, widget=DateInput, label="From")
    date_to = forms.DateField(required=False, widget=DateInput, label="To")
