"""Forms for the local offer: the public directory's search and filters, and the import page."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

from earlyyears import uploads
from earlyyears.forms import GovukForm
from earlyyears.models import Area
from earlyyears.needs import BroadAreaOfNeed

from .models import ServiceImport
from .selectors import DirectoryQuery, is_postcode, normalise_postcode, postcode_point

AGES = [("", "Any age"), ("0", "Under 1 year")] + [
    (str(years), f"{years} year{'s' if years > 1 else ''}") for years in range(1, 19)
]
DISTANCES = [
    ("1", "1 mile"),
    ("3", "3 miles"),
    ("5", "5 miles"),
    ("10", "10 miles"),
    ("20", "20 miles"),
]
COSTS = [("", "Free or paid"), ("free", "Free only")]


def area_choices() -> list[tuple[str, str]]:
    """Districts, each followed by its wards, for the area filter (one query)."""
    areas = list(Area.objects.exclude(kind=Area.Kind.COUNTY).order_by("code"))
    by_parent: dict[int | None, list[Area]] = {}
    for area in areas:
        by_parent.setdefault(area.parent_id, []).append(area)
    choices = [("", "Anywhere in the county")]
    for area in areas:
        if area.kind == Area.Kind.WARD and area.parent_id in {a.pk for a in areas}:
            continue
        choices.append((area.code, f"{area.name} ({area.get_kind_display().lower()})"))
        for child in by_parent.get(area.pk, []):
            choices.append((child.code, f"{child.name} ({area.name})"))
    return choices


class DirectoryForm(GovukForm):
    """The directory's search box and filters, read from the query string."""

    q = forms.CharField(
        label="Search the local offer",
        required=False,
        max_length=200,
        help_text="For example speech, portage or short breaks",
        error_messages={"max_length": "Search words must be 200 characters or fewer"},
    )
    need = forms.MultipleChoiceField(
        label="Area of need",
        required=False,
        choices=BroadAreaOfNeed.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select areas of need from the list"},
    )
    age = forms.ChoiceField(
        label="Child's age",
        required=False,
        choices=AGES,
        error_messages={"invalid_choice": "Select the child's age from the list"},
    )
    area = forms.ChoiceField(
        label="Area",
        required=False,
        error_messages={"invalid_choice": "Select an area from the list"},
    )
    cost = forms.ChoiceField(
        label="Cost",
        required=False,
        choices=COSTS,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select free only, or free or paid"},
    )
    postcode = forms.CharField(
        label="Near a postcode",
        required=False,
        max_length=10,
        help_text="A Westmoor postcode, like WM1 2AB, or the first half, like WM3",
        error_messages={"max_length": "Enter a real postcode, like WM1 2AB"},
    )
    distance = forms.ChoiceField(
        label="Within",
        required=False,
        choices=DISTANCES,
        error_messages={"invalid_choice": "Select a distance from the list"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = area_choices()
        self.fields["postcode"].widget.attrs.update(
            {"class": "govuk-input--width-10", "autocomplete": "postal-code"}
        )
        self.fields["q"].widget.attrs.update({"type": "search"})
        self._point = None

    def clean_postcode(self) -> str:
        text = self.cleaned_data.get("postcode", "").strip()
        if not text:
            return ""
        if not is_postcode(text):
            raise forms.ValidationError("Enter a real postcode, like WM1 2AB")
        self._point = postcode_point(text)
        if self._point is None:
            raise forms.ValidationError(
                f"We do not have {normalise_postcode(text)} on our map. Enter a postcode in "
                "Westmoor, like WM1 2AB, or leave the postcode empty"
            )
        return normalise_postcode(text)

    def to_query(self) -> DirectoryQuery:
        data = self.cleaned_data
        area = Area.objects.filter(code=data["area"]).first() if data.get("area") else None
        age = data.get("age")
        return DirectoryQuery(
            text=data.get("q", "").strip(),
            needs=tuple(data.get("need") or ()),
            age_months=(int(age) * 12, int(age) * 12 + 11) if age else None,
            area=area,
            free_only=data.get("cost") == "free",
            near=self._point,
            within_miles=float(data.get("distance") or 5) if self._point else None,
        )

    @property
    def active(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.fields)


class ImportForm(GovukForm):
    """Upload a CSV of services or an Open Referral UK JSON file, to preview before importing."""

    format = forms.ChoiceField(
        label="What kind of file is it?",
        choices=ServiceImport.Format.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of file"},
    )
    file = forms.FileField(
        label="Upload a file",
        help_text="Up to 5 MB. A CSV exported from this service, or Open Referral UK JSON",
        error_messages={"required": "Select a file to upload", "empty": "The file is empty"},
    )

    MAX_BYTES = 5 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError("The file must be smaller than 5 MB")
        try:
            self.text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError("The file must be saved as UTF-8 text") from None
        return upload


class DocumentForm(BaseDocumentForm):
    """Wagtail's document form, refusing a file whose content is not what its name says (a
    page of HTML called `leaflet.pdf`), because documents are served with the type the name
    gives."""

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and "file" in self.changed_data:
            upload.seek(0)
            head = upload.read(uploads.HEAD_BYTES)
            upload.seek(0)
            if not uploads.document_matches_extension(upload.name, head):
                raise forms.ValidationError(
                    "The selected file is not what its name says: save it again as a real "
                    "PDF, Word, Excel, PowerPoint, OpenDocument, RTF, CSV or text file"
                )
        return upload


class ReadableImageField(WagtailImageField):
    """Wagtail's image field recognises a file by its first bytes, then reads it in full; a PNG
    header followed by anything else got past the first check and failed the second with a
    server error. Here a file that cannot be read is refused like any other non-image."""

    def check_image_pixel_size(self, f):
        try:
            super().check_image_pixel_size(f)
        except ValidationError:
            raise
        except Exception as error:  # noqa: BLE001 - any decoder failure is a bad image
            raise ValidationError(
                self.error_messages["invalid_image"], code="invalid_image"
            ) from error


class ImageForm(BaseImageForm):
    """Wagtail's image form with `ReadableImageField` for the file."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("file")
        if type(field) is WagtailImageField:
            field.__class__ = ReadableImageField
