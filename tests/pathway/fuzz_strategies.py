"""Hypothesis strategies for POST-like form data, built by looking at a form's own fields.

Every field of a form is, independently, either filled with a value the field accepts, or
"corrupted": left out, left empty, given an arbitrary or nasty text, or given several values
(a repeated key, as a hand-made POST can send). Which fields are corrupted is itself drawn
(shrinking towards "none"), so a run sees wholly valid forms, forms with one bad answer and
forms that are all garbage. Data is a dict of key -> list of strings, ready for
`MultiValueDict` (form level) or the test client (HTTP level).
"""

from __future__ import annotations

import datetime
import os
import traceback
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from hypothesis import strategies as st

from earlyyears.forms import GovukDateField

MISSING = None  # a drawn value of None means "leave the key out"

# Texts chosen to break parsers, validators and templates.
HUGE = "99999999999999999999"
NASTY = [
    "",
    " ",
    "\t\n ",
    "\x00",
    "a\x00b",
    "\x00" * 3,
    "31",
    "-1",
    "0",
    "00",
    HUGE,
    "-" + HUGE,
    "1e3",
    "1_000",
    "0x1f",
    "3.0",
    "+3",
    "²",  # isdigit() but not int()-able
    "١٢",  # Arabic-Indic digits: int() accepts them
    "３",  # full-width digit
    "①",
    "\u200b",
    "\ufeff",
    "\u202e",
    "🙂",
    "é" * 300,
    "x" * 6000,
    "1" * 4400,  # more digits than int() converts by default
    "<script>alert(1)</script>",
    "{{ form }}{% debug %}",
    "%s %(x)s {0}",
    "'; DROP TABLE earlyyears_child; --",
    "None",
    "null",
    "true",
    "NaN",
    "inf",
    "new",
    "yes",
    "../../etc/passwd",
    "31/02/2024",
    "2024-02-31",
]

# Real HTTP bodies are UTF-8: no lone surrogates.
_CHARS = st.characters(codec="utf-8")
_PRINTABLE = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp"))


NASTY_TEXT = st.one_of(
    st.sampled_from(NASTY),
    st.text(_CHARS, max_size=40),
    st.integers().map(str),
    st.from_regex(r"\s*[-+]?\d{1,25}\s*", fullmatch=True),
)

# Missing, empty, one nasty text, or a repeated key.
CORRUPT_VALUES = st.one_of(
    st.just(MISSING),
    st.just([""]),
    NASTY_TEXT.map(lambda text: [text]),
    st.lists(NASTY_TEXT, min_size=2, max_size=4),
)


def nasty_text() -> st.SearchStrategy[str]:
    return NASTY_TEXT


# --- values a field accepts -------------------------------------------------------------------

VALID_TEXT = {
    "postcode": ["WM1 4AB", "wm37qt", "SW1A 1AA", " b33 8th ", "M1 1AE"],
    "mobile_phone": ["07700 900 456", "+44 7700 900982", "(07700) 900-123", "00447700900111"],
    "parent_mobile": ["07700 900 456", "+447700900982"],
    "nhs_number": ["943 476 5919", "9434765919", "401 023 2137", ""],
}


def _choice_values(field: forms.ChoiceField) -> list[str]:
    values = []
    for key, _label in field.choices:
        value = str(getattr(key, "value", key))
        if value != "":
            values.append(value)
    return values


def _valid_text(field: forms.CharField, name: str) -> st.SearchStrategy[str]:
    if name in VALID_TEXT:
        return st.sampled_from(VALID_TEXT[name])
    limit = min(field.max_length or 200, 200)
    return st.one_of(
        st.sampled_from(["Amina", "O'Neil-Smith", "Zoë Łukasiewicz", "Plays with water"]),
        st.text(_PRINTABLE, min_size=1, max_size=limit).filter(lambda s: s.strip()),
    )


def valid_values(field: forms.Field, name: str) -> st.SearchStrategy[list[str] | None]:
    """Values the field on its own accepts (cross-field rules may still refuse them)."""
    if isinstance(field, forms.MultipleChoiceField):
        return st.lists(
            st.sampled_from(_choice_values(field)), min_size=1 if field.required else 0, unique=True
        ).map(lambda values: values or MISSING)
    if isinstance(field, forms.ChoiceField):  # includes ModelChoiceField
        return st.sampled_from(_choice_values(field)).map(lambda value: [value])
    if isinstance(field, forms.BooleanField):
        return st.sampled_from([["on"], MISSING] if not field.required else [["on"]])
    if isinstance(field, forms.CharField):
        return _valid_text(field, name).map(lambda value: [value])
    raise TypeError(f"No valid-value strategy for {type(field).__name__} {name!r}")


# --- dates: three boxes -------------------------------------------------------------------------

DATE_PARTS = ["31", "30", "29", "28", "2", "12", "13", "0", "00", "-1", "2023", "2024", "1899"]
IMPOSSIBLE_DATES = [
    ("31", "2", "2024"),  # 31/02
    ("29", "2", "2023"),  # not a leap year
    ("31", "4", "2025"),
    ("1", "13", "2024"),
    ("0", "0", "0"),
    ("1", "1", "1899"),
    ("1", "1", "9999"),  # the future
    ("1", "1", "10000"),
    ("-1", "-1", "-1"),
]


def _today() -> datetime.date:
    return timezone.localdate()


def valid_date_parts(*, past_only: bool) -> st.SearchStrategy[tuple[str, str, str]]:
    today = _today()
    latest = today if past_only else today + datetime.timedelta(days=365)
    return st.tuples(
        st.dates(min_value=datetime.date(2015, 1, 1), max_value=latest),
        st.booleans(),
        st.booleans(),
    ).map(
        lambda d: (
            f"{d[0].day:02d}" if d[1] else str(d[0].day),
            f"{d[0].month:02d}" if d[2] else str(d[0].month),
            str(d[0].year),
        )
    )


DATE_PART = st.one_of(
    st.just(MISSING),
    st.just(""),
    st.sampled_from(DATE_PARTS),
    st.integers(min_value=-5, max_value=3000).map(str),
    NASTY_TEXT,
)
CORRUPT_DATE_PARTS = st.one_of(
    st.sampled_from(IMPOSSIBLE_DATES),
    st.tuples(DATE_PART, DATE_PART, DATE_PART),
    st.just((MISSING, MISSING, MISSING)),
)


# --- whole forms -------------------------------------------------------------------------------


def field_keys(form: forms.BaseForm, name: str) -> list[str]:
    html_name = form.add_prefix(name)
    field = form.fields[name]
    if isinstance(field, GovukDateField):
        return [f"{html_name}_{part}" for part in ("day", "month", "year")]
    return [html_name]


def form_data(
    form: forms.BaseForm, valid: dict[str, st.SearchStrategy] | None = None
) -> st.SearchStrategy[dict[str, list[str]]]:
    """POST data for `form` (an unbound instance: its fields, choices and prefix are used).

    The per-field strategies are built once here, not at each draw: build this once per form
    and reuse it across examples."""
    valid = valid or {}
    plan = []  # (keys, is_date, corrupt strategy, valid strategy)
    for name, field in form.fields.items():
        if isinstance(field, forms.FileField):
            continue
        keys = field_keys(form, name)
        if isinstance(field, GovukDateField):
            good = valid_date_parts(past_only=field.past_only)
            if not field.required:
                good = st.one_of(st.just(("", "", "")), good)
            plan.append((name, keys, True, CORRUPT_DATE_PARTS, good))
        else:
            good = valid[name] if name in valid else valid_values(field, name)
            plan.append((name, keys, False, CORRUPT_VALUES, good))
    names = [name for name, *_ in plan]
    # About one example in four corrupts nothing, so valid forms are well represented.
    some = st.sets(st.sampled_from(names)) if names else st.just(frozenset())
    which = st.integers(0, 3).flatmap(lambda n: some if n else st.just(frozenset()))

    @st.composite
    def build(draw) -> dict[str, list[str]]:
        corrupted = draw(which)
        data: dict[str, list[str]] = {}
        for name, keys, is_date, bad, good in plan:
            value = draw(bad if name in corrupted else good)
            if is_date:
                for key, part in zip(keys, value, strict=True):
                    if part is not MISSING:
                        data[key] = [part]
            elif value is not MISSING:
                data[keys[0]] = value
        return data

    return build()


MANAGEMENT_NASTY = ["-1", "0", "1", "6", "7", "1000", HUGE, "", "abc", "1.5", "²", "\x00"]


def formset_data(
    formset: forms.BaseFormSet, *, huge_counts: bool = True
) -> st.SearchStrategy[dict[str, list[str]]]:
    """Management form (valid or tampered) plus data for each form it announces.

    `huge_counts` lets TOTAL_FORMS be "1000" or more: Django then builds (and a page renders)
    up to max_num + 1000 forms, correct but slow, so HTTP runs leave it out."""
    prefix = formset.prefix
    management = {
        "TOTAL_FORMS": str(formset.total_form_count()),
        "INITIAL_FORMS": "0",
        "MIN_NUM_FORMS": "0",
        "MAX_NUM_FORMS": str(formset.max_num),
    }
    nasty = [n for n in MANAGEMENT_NASTY if huge_counts or n not in ("1000", HUGE)]
    tampered_value = st.one_of(st.just(MISSING), st.sampled_from(nasty))
    which = st.sets(st.sampled_from(sorted(management)))
    forms_data = [
        form_data(formset.form(prefix=formset.add_prefix(index), auto_id=formset.auto_id))
        for index in range(8)
    ]

    @st.composite
    def build(draw) -> dict[str, list[str]]:
        tampered = draw(which)
        data: dict[str, list[str]] = {}
        for key, value in management.items():
            if key in tampered:
                value = draw(tampered_value)
            if value is not MISSING:
                data[f"{prefix}-{key}"] = [value]
        try:
            announced = int(data.get(f"{prefix}-TOTAL_FORMS", ["3"])[0])
        except ValueError:
            announced = 3
        count = draw(st.integers(min_value=0, max_value=max(0, min(announced, 7))))
        for index in range(count):
            if draw(st.booleans()):
                data.update(draw(forms_data[index]))
        return data

    return build()


def junk_keys() -> st.SearchStrategy[dict[str, list[str]]]:
    """Keys nobody asked for."""
    return st.dictionaries(
        st.one_of(
            st.sampled_from(["csrfmiddlewaretoken", "__all__", "x", "-", ""]),
            st.text(_CHARS, min_size=1, max_size=12),
        ),
        nasty_text().map(lambda text: [text]),
        max_size=2,
    )


# --- uploads ------------------------------------------------------------------------------------

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"
PNG = b"\x89PNG\r\n\x1a\n"
PDF = b"%PDF-1.7\n"
FILE_NAMES = [
    "photo.jpg",
    "scan.PDF",
    "drawing.png",
    "no_extension",
    ".hidden",
    "../../../etc/passwd",
    "C:\\Users\\x\\photo.jpg",
    "ünïcødé ✓.png",
    "x." + "a" * 120,
    "a" * 250 + ".jpg",
    "photo.jpg.exe",
    "con.pdf",
    "<img src=x>.jpg",
]


@st.composite
def uploads(draw, *, max_bytes: int) -> SimpleUploadedFile:
    head = draw(st.sampled_from([b"", JPEG, PNG, PDF, b"GIF89a", b"\xff\xd8", b"%PDF"]))
    body = draw(
        st.one_of(
            st.binary(max_size=64),
            st.binary(max_size=max_bytes + 16),
            st.integers(min_value=max_bytes - 2, max_value=max_bytes + 2).map(lambda n: b"0" * n),
        )
    )
    name = draw(
        st.one_of(
            st.sampled_from(FILE_NAMES),
            # SimpleUploadedFile itself refuses names whose base name is "", "." or "..".
            st.text(_PRINTABLE, min_size=1, max_size=30).filter(
                lambda n: os.path.basename(n) not in ("", ".", "..")
            ),
        )
    )
    content_type = draw(
        st.sampled_from(["image/jpeg", "image/png", "application/pdf", "text/html", ""])
    )
    return SimpleUploadedFile(name, head + body, content_type=content_type)


# --- bookkeeping --------------------------------------------------------------------------------

COUNTS: Counter[str] = Counter()  # generated inputs, by form or view
VALID: Counter[str] = Counter()  # of which the form accepted
KNOWN_HITS: Counter[str] = Counter()  # examples that hit an already reported bug


@dataclass(frozen=True)
class KnownBug:
    """An already reported crash, recognised by its exception and the frame raising it."""

    name: str
    exception: type[BaseException]
    function: str
    filename: str

    def matches(self, error: BaseException) -> bool:
        if not isinstance(error, self.exception):
            return False
        frames = traceback.extract_tb(error.__traceback__)
        return bool(frames) and any(
            frame.name == self.function and frame.filename.endswith(self.filename)
            for frame in frames[-3:]
        )


def known_bug(error: BaseException, known: list[KnownBug]) -> KnownBug | None:
    return next((bug for bug in known if bug.matches(error)), None)


def as_post(data: dict[str, Any]) -> dict[str, Any]:
    """Test-client data: one value as a string, several as a list."""
    return {key: value[0] if len(value) == 1 else value for key, value in data.items()}
