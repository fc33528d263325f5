"""Forms for what the family tells us. The family's forms are translated (gettext_lazy); the
staff forms are English, as staff pages are."""

from __future__ import annotations

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from earlyyears.forms import GovukForm
from earlyyears.needs import EYFSArea

from .services import ANSWER_LENGTH, NOTE_LENGTH

TEXT_LIMIT = 4000


def _limit(message, limit: int) -> str:
    """A length message with its limit ("4,000"), put together when the error is shown, so in
    the page's language (a lazy string formatted here would be English, fixed at import)."""
    return lazy(lambda: str(message) % {"count": f"{limit:,}"}, str)()


def _text(label, help_text="", rows: int = 4) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "max_length": _limit(_("Each answer must be %(count)s characters or fewer"), TEXT_LIMIT)
        },
    )


class AllAboutMeForm(GovukForm):
    """ "All about me" and "what matters to us", in the family's words. Every box is optional;
    at least one must be written (the service says so)."""

    what_people_like_about_me = _text(_("What people like about me"))
    what_is_important_to_me = _text(
        _("What is important to me"), _("People, things, routines and places")
    )
    how_i_communicate = _text(
        _("How I communicate"), _("Words, signs, sounds, pictures or gestures")
    )
    strengths = _text(_("What I am good at"))
    what_works = _text(_("What works for me"), _("What helps me, at home and elsewhere"))
    what_is_hard = _text(_("What is hard for me"))
    hopes = _text(_("What we hope for"))

    ABOUT_ME = ("what_people_like_about_me", "what_is_important_to_me", "how_i_communicate")
    MATTERS = ("strengths", "what_works", "what_is_hard", "hopes")

    def about_me_fields(self):
        return [self[name] for name in self.ABOUT_ME]

    def matters_fields(self):
        return [self[name] for name in self.MATTERS]


class AssistedAllAboutMeForm(AllAboutMeForm):
    """The same, completed with the family by their portage worker (staff page, English)."""

    completed_with = forms.CharField(
        label="Name of the family member you are completing this with",
        max_length=200,
        error_messages={
            "required": "Enter the name of the family member you are completing this with",
            "max_length": "The name must be 200 characters or fewer",
        },
    )
    relationship = forms.CharField(
        label="Their relationship to the child",
        help_text="For example, mother, grandparent or foster carer",
        max_length=100,
        required=False,
        error_messages={"max_length": "The relationship must be 100 characters or fewer"},
    )

    field_order = ["completed_with", "relationship"]


class HomeObservationForm(GovukForm):
    eyfs_area = forms.ChoiceField(
        label=_("What is it about?"),
        choices=EYFSArea.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what it is about"),
            "invalid_choice": _("Choose what it is about"),
        },
    )
    note = forms.CharField(
        label=_("What did you see?"),
        help_text=_("For example, what your child said or did, and where"),
        max_length=NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": _("Write what you saw"),
            "max_length": _limit(
                _("What you saw must be %(count)s characters or fewer"), NOTE_LENGTH
            ),
        },
    )
    media = forms.FileField(
        label=_("A photo or short video (optional)"),
        help_text=_("JPG, PNG, HEIC, MP4, MOV or WebM"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,video/*"}),
        error_messages={"invalid": _("The selected file could not be read. Try again.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # EYFS labels are staff English; the family sees them in their language.
        self.fields["eyfs_area"].choices = [
            (EYFSArea.COMMUNICATION_AND_LANGUAGE, _("Talking, listening and understanding")),
            (EYFSArea.PHYSICAL_DEVELOPMENT, _("Moving, eating, sleeping and using their hands")),
            (
                EYFSArea.PERSONAL_SOCIAL_EMOTIONAL,
                _("Feelings, behaviour and playing with others"),
            ),
            (EYFSArea.LITERACY, _("Books, stories and marks on paper")),
            (EYFSArea.MATHEMATICS, _("Numbers, shapes and sizes")),
            (EYFSArea.UNDERSTANDING_THE_WORLD, _("People, places and how things work")),
            (
                EYFSArea.EXPRESSIVE_ARTS_AND_DESIGN,
                _("Making things, music, dance and pretend play"),
            ),
        ]


class AnswerForm(GovukForm):
    answer = forms.CharField(
        label=_("Your answer"),
        max_length=ANSWER_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("Write your answer"),
            "max_length": _limit(
                _("Your answer must be %(count)s characters or fewer"), ANSWER_LENGTH
            ),
        },
    )


class ReviewForm(GovukForm):
    decision = forms.ChoiceField(
        label="Add it to the child's record?",
        choices=[("accept", "Yes, add it"), ("decline", "No, do not add it")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to add it to the child's record"},
    )
    reason = forms.CharField(
        label="Why it is not being added",
        help_text="The family will read this. Use plain words.",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "The reason must be 1,000 characters or fewer"},
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "decline" and not (data.get("reason") or "").strip():
            self.add_error(
                "reason", "Enter why it is not being added, in words the family will read"
            )
        return data


class QuestionForm(GovukForm):
    question = forms.CharField(
        label="Your question to the family",
        help_text="The family reads this on their phone. Use plain words and ask one thing.",
        max_length=NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Enter the question",
            "max_length": f"The question must be {NOTE_LENGTH:,} characters or fewer",
        },
    )
