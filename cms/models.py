from wagtail.fields import RichTextField
from wagtail.models import Page


class StandardPage(Page):
    """A plain content page editors publish (guidance, about the service)."""

    body = RichTextField(blank=True)

    content_panels = [*Page.content_panels, "body"]
