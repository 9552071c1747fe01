"""The upload form of the import pages. It parses the input; the import services check the file,
the kind and who may import it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.imports.base import IMPORTERS
from core.imports.models import ImportBatch


class ImportUploadForm(forms.Form):
    """A kind and a file. Every registered kind is accepted, as the API accepts it (the service
    refuses a kind the user may not import); the list offers the kinds ``kinds`` names."""

    kind = forms.ChoiceField(label=ImportBatch._meta.get_field("kind").verbose_name)
    file = forms.FileField(
        label=_("File"),
        help_text=_("An Excel workbook (.xlsx) or a CSV file (.csv), as in the template."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args, kinds: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["kind"]
        field.choices = [(kind, IMPORTERS[kind].label) for kind in sorted(IMPORTERS)]
        field.widget.choices = kinds
