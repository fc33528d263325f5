"""The blocks a lesson is written in. Each one renders GOV.UK-styled markup in the public site."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

from earlyyears.needs import BroadAreaOfNeed, EYFSArea

RICH_TEXT_FEATURES = ["bold", "italic", "ol", "ul", "link", "document-link"]


class HeadingBlock(blocks.StructBlock):
    """A section heading or a subheading. On the page a subheading with no section heading
    before it is shown as a section heading, so headings never skip a level (LessonPage)."""

    text = blocks.CharBlock(max_length=120, label="Heading text")
    level = blocks.ChoiceBlock(
        choices=[("h2", "Section heading"), ("h3", "Subheading")],
        default="h2",
        label="Level",
        help_text="A subheading belongs under a section heading.",
    )

    class Meta:
        icon = "title"
        template = "training/blocks/heading.html"


class ImageBlock(blocks.StructBlock):
    """An image always has alt text: it is required here, not left to the image library."""

    image = ImageChooserBlock()
    alt = blocks.CharBlock(
        label="Alt text",
        max_length=250,
        help_text="What the image shows, for people who cannot see it.",
    )
    caption = blocks.CharBlock(required=False, max_length=250, label="Caption")

    class Meta:
        icon = "image"
        template = "training/blocks/image.html"


class VideoBlock(blocks.StructBlock):
    """A video must carry its transcript, so the lesson works without sound or the video."""

    title = blocks.CharBlock(max_length=120, label="Video title")
    video = EmbedBlock(
        label="Video link", help_text="A link to the video, for example on YouTube or Vimeo."
    )
    transcript = blocks.TextBlock(
        label="Transcript", help_text="Everything said and shown, in words."
    )

    class Meta:
        icon = "media"
        template = "training/blocks/video.html"


class SignsValue(blocks.StructValue):
    @property
    def eyfs_area_label(self) -> str:
        return EYFSArea(self["eyfs_area"]).label

    @property
    def broad_area_label(self) -> str:
        return BroadAreaOfNeed(self["broad_area_of_need"]).label


class SignBlock(blocks.CharBlock):
    """One sign in the list. Wagtail shows a list's items without their block's label, so the
    input carries its name itself (axe: every input has a label)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.field.widget.attrs["aria-label"] = "Sign to look out for"


class SignsCalloutBlock(blocks.StructBlock):
    """Signs to look out for, tagged so the concern wizard can link here by area."""

    title = blocks.CharBlock(max_length=120, default="Signs to look out for", label="Title")
    eyfs_area = blocks.ChoiceBlock(choices=EYFSArea.choices, label="EYFS area")
    broad_area_of_need = blocks.ChoiceBlock(
        choices=BroadAreaOfNeed.choices, label="Broad area of need"
    )
    # Each item's own label: without it Wagtail renders the list's inputs unlabelled.
    signs = blocks.ListBlock(SignBlock(max_length=300, label="Sign"), min_num=1, label="Signs")
    note = blocks.TextBlock(
        required=False, label="Note", help_text="Shown under the list of signs."
    )

    class Meta:
        icon = "warning"
        template = "training/blocks/signs.html"
        value_class = SignsValue


class ResourceBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label="Document")
    description = blocks.CharBlock(required=False, max_length=250, label="Description")

    class Meta:
        icon = "doc-full"
        template = "training/blocks/resource.html"


class AnswerBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=300, label="Answer text")
    correct = blocks.BooleanBlock(required=False, label="This is the right answer")
    feedback = blocks.TextBlock(
        required=False,
        label="Feedback",
        help_text="Why this answer is right or not, shown after answering.",
    )

    class Meta:
        label = "Answer"


EMPTY_ANSWER = {"text": "", "correct": False, "feedback": ""}


class QuestionBlock(blocks.StructBlock):
    """A knowledge-check question with one right answer, scored on the server."""

    question = blocks.CharBlock(max_length=300, label="Question")
    # A new question starts with the two answers it needs at least.
    answers = blocks.ListBlock(
        AnswerBlock(),
        min_num=2,
        max_num=6,
        label="Answers",
        default=[EMPTY_ANSWER, EMPTY_ANSWER],
    )
    explanation = blocks.TextBlock(
        required=False,
        label="Explanation",
        help_text="Shown after answering, whatever the answer.",
    )

    class Meta:
        icon = "help"
        label = "Knowledge-check question"

    def clean(self, value):
        value = super().clean(value)
        correct = [answer for answer in value["answers"] if answer["correct"]]
        if len(correct) != 1:
            raise StructBlockValidationError(
                block_errors={"answers": ValidationError("Mark exactly one answer as correct.")}
            )
        return value


class LessonStreamBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES, template="training/blocks/text.html", label="Paragraph"
    )
    heading = HeadingBlock(label="Heading")
    image = ImageBlock(label="Image")
    video = VideoBlock(label="Video")
    signs = SignsCalloutBlock(label="Signs to look out for")
    resource = ResourceBlock(label="Downloadable resource")
    question = QuestionBlock()
