import pycountry
from django import forms
from django.conf import settings

from cases.access import Handling, Role
from cases.models import Agency, Case, Entity, EntityIdentifier, EntityLink, Task, User

COUNTRY_CHOICES = [("", "—")] + sorted(((c.alpha_2, c.name) for c in pycountry.countries), key=lambda c: c[1])
CURRENCY_CHOICES = sorted(((c.alpha_3, f"{c.alpha_3} — {c.name}") for c in pycountry.currencies), key=lambda c: c[0])


class DateInput(forms.DateInput):
    input_type = "date"


def handling_field():
    return forms.ChoiceField(
        choices=Handling.choices, initial=Handling.TEAM,
        help_text="Who in the team may see this record. FIU intelligence stays with FIU members and financial analysts until released.",
    )


class CaseFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Search", widget=forms.TextInput(attrs={"placeholder": "Reference, title or summary"}))
    status = forms.ChoiceField(required=False, choices=[("", "Any status")] + Case.Status.choices)
    tag = forms.CharField(required=False)


class CaseOpenForm(forms.Form):
    reference = forms.CharField(required=False, max_length=40,
                                help_text="Leave empty to number the case automatically (agency-year-sequence).")
    title = forms.CharField(max_length=200)
    lead_agency = forms.ModelChoiceField(queryset=Agency.objects.all())
    summary = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 5}))
    tags = forms.CharField(required=False, help_text="Comma-separated, e.g. darknet, balkan-route")
    reference_currency = forms.ChoiceField(choices=CURRENCY_CHOICES, initial="EUR")

    def clean_tags(self):
        return [t.strip() for t in self.cleaned_data["tags"].split(",") if t.strip()]


class CaseEditForm(forms.Form):
    title = forms.CharField(max_length=200)
    status = forms.ChoiceField(choices=Case.Status.choices)
    summary = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 6}))
    tags = forms.CharField(required=False)
    reference_currency = forms.ChoiceField(choices=CURRENCY_CHOICES)

    def clean_tags(self):
        return [t.strip() for t in self.cleaned_data["tags"].split(",") if t.strip()]


class MemberAddForm(forms.Form):
    username = forms.CharField(help_text="User name of the colleague to invite (any agency)")
    role = forms.ChoiceField(choices=Role.choices)

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        try:
            return User.objects.get(username=username, is_active=True)
        except User.DoesNotExist:
            raise forms.ValidationError(f"No active user is called “{username}”.")


class EntityForm(forms.Form):
    kind = forms.ChoiceField(choices=Entity.Kind.choices)
    name = forms.CharField(max_length=200)
    role_in_case = forms.ChoiceField(choices=Entity.CaseRole.choices, label="Role in the case")
    aliases = forms.CharField(required=False, help_text="Comma-separated")
    sex = forms.ChoiceField(required=False, choices=[("", "—")] + Entity.Sex.choices)
    date_of_birth = forms.DateField(required=False, widget=DateInput)
    nationality = forms.ChoiceField(required=False, choices=COUNTRY_CHOICES)
    country = forms.ChoiceField(required=False, choices=COUNTRY_CHOICES, label="Country of residence / registration")
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    handling = handling_field()

    def clean_aliases(self):
        return [a.strip() for a in self.cleaned_data["aliases"].split(",") if a.strip()]

    def clean(self):
        data = super().clean()
        if data.get("kind") == Entity.Kind.ORGANISATION:
            for field in ("sex", "date_of_birth", "nationality"):
                if data.get(field):
                    self.add_error(field, "Applies to persons only.")
        return data


class IdentifierForm(forms.Form):
    kind = forms.ChoiceField(choices=EntityIdentifier.Kind.choices)
    value = forms.CharField(max_length=100)
    country = forms.ChoiceField(required=False, choices=COUNTRY_CHOICES, label="Issuing country")


class LinkForm(forms.Form):
    kind = forms.ChoiceField(choices=EntityLink.Kind.choices, label="Relation")
    target = forms.ModelChoiceField(queryset=Entity.objects.none(), label="With")
    since = forms.DateField(required=False, widget=DateInput)
    until = forms.DateField(required=False, widget=DateInput)
    description = forms.CharField(required=False, max_length=300)

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = targets


class NoteForm(forms.Form):
    title = forms.CharField(required=False, max_length=200)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), label="Note")
    handling = handling_field()


class TaskForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    assignee = forms.ModelChoiceField(queryset=User.objects.none(), required=False)
    due_date = forms.DateField(required=False, widget=DateInput)
    handling = handling_field()

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = members


class TaskStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Task.Status.choices)


class EvidenceUploadForm(forms.Form):
    file = forms.FileField(help_text="PDF, images, office documents, archives, XML, CSV or text.")
    title = forms.CharField(required=False, max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    source = forms.CharField(required=False, max_length=200, help_text="Where the file was obtained")
    handling = handling_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_mb = settings.UPLOAD_MAX_BYTES / (1024 * 1024)
        self.fields["file"].help_text += f" At most {limit_mb:,.0f} MB."


class ReleaseForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="The FIU's consent: reference of the dissemination decision and its purpose.")


class OTPLoginForm(forms.Form):
    otp_token = forms.CharField(required=False, label="Authenticator code", max_length=8,
                                widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))
