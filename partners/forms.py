"""Forms of the partner pages. They parse and label input; the rules are in the services."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.models import EnterpriseRequest, Interaction, Partner


class DateInput(forms.DateInput):
    input_type = "date"


class QuickContactForm(forms.Form):
    """The workbench's “log a contact”: a partner picked by a few characters or pinyin
    initials, the kind, a summary and, optionally, the next follow-up."""

    partner = forms.ModelChoiceField(
        queryset=Partner.objects.filter(archived_at=None),
        label=_("partner"),
        widget=forms.HiddenInput,
        error_messages={"required": _("Choose the partner you contacted.")},
    )
    kind = forms.ChoiceField(
        label=_("kind"), choices=Interaction.Kind.choices, initial=Interaction.Kind.VISIT
    )
    summary = forms.CharField(label=_("summary"), widget=forms.Textarea(attrs={"rows": 3}))
    next_follow_up_on = forms.DateField(
        label=_("next follow-up on"), required=False, widget=DateInput
    )

    def clean_next_follow_up_on(self):
        day = self.cleaned_data.get("next_follow_up_on")
        if day is not None and day < timezone.localdate():
            raise forms.ValidationError(
                _("The next follow-up cannot be in the past."), code="follow_up_in_past"
            )
        return day


class PartnerEditForm(forms.ModelForm):
    """A staff member's or manager's edit of a partner's record; ``version`` is the version the
    user saw, so that a concurrent edit is caught rather than overwritten."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Partner
        fields = (
            "name",
            "short_name",
            "status",
            "address",
            "introduction",
            "business_scope",
            "needs",
            "notes",
        )
        widgets = {
            "introduction": forms.Textarea(attrs={"rows": 3}),
            "business_scope": forms.Textarea(attrs={"rows": 3}),
            "needs": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }


class SelfServiceForm(forms.ModelForm):
    """What a chain-leader unit keeps current itself; a change of name goes to its steward as
    a change request."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Partner
        fields = ("name", "address", "introduction", "business_scope", "needs")
        widgets = {
            "introduction": forms.Textarea(attrs={"rows": 4}),
            "business_scope": forms.Textarea(attrs={"rows": 3}),
            "needs": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"name": _("A new name is checked by your steward before it applies.")}


class RequestRaiseForm(forms.ModelForm):
    class Meta:
        model = EnterpriseRequest
        fields = ("category", "description")
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class RequestRateForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("satisfaction"),
        coerce=int,
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        help_text=_("5 is very satisfied, 1 very dissatisfied."),
    )
