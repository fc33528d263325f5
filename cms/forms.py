"""Forms for the local offer's editors: the import page, and Wagtail's document and image forms.

The public directory's search form is in `cms.directory`, beside the query it makes."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

from earlyyears import uploads
from earlyyears.forms import GovukForm

from .models import ServiceImport


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
