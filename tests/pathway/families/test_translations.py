"""The family pages' words (issue 21): English complete and plain (Flesch-Kincaid grade 5 at
most, textstat); Welsh and Polish translated for every family-facing string, none fuzzy, the
compiled catalogues (committed, so a fresh clone needs no gettext tools) in step with the .po
files, and the catalogues in step with the code."""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import textstat
from django.utils import translation

ROOT = Path(__file__).resolve().parents[3]
LOCALE = ROOT / "pathway" / "locale"
SHIPPED = ("cy", "pl")


def entries(language: str) -> list[dict]:
    """The catalogue's entries: msgid, msgstr and flags (the header left out)."""
    text = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    found = []
    for block in text.strip().split("\n\n"):
        flags = " ".join(line for line in block.splitlines() if line.startswith("#,"))
        body = "\n".join(line for line in block.splitlines() if not line.startswith("#"))
        match = re.match(r'msgid ((?:".*"\n?)+)msgstr ((?:".*"\n?)+)', body + "\n")
        if not match:
            continue

        def joined(part: str) -> str:
            return (
                "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', part))
                .encode()
                .decode("unicode_escape")
                .encode("latin-1")
                .decode("utf-8")
            )

        msgid, msgstr = joined(match.group(1)), joined(match.group(2))
        if msgid:
            found.append({"msgid": msgid, "msgstr": msgstr, "fuzzy": "fuzzy" in flags})
    return found


@pytest.mark.parametrize("language", SHIPPED)
def test_every_family_string_is_translated_and_none_is_fuzzy(language):
    rows = entries(language)
    assert len(rows) > 80
    untranslated = [r["msgid"] for r in rows if not r["msgstr"].strip()]
    fuzzy = [r["msgid"] for r in rows if r["fuzzy"]]
    assert untranslated == [] and fuzzy == []
    header = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    assert "AWAITING PROFESSIONAL REVIEW" in header


@pytest.mark.parametrize("language", SHIPPED)
def test_the_compiled_catalogue_is_in_step_with_the_po_file(language):
    with (LOCALE / language / "LC_MESSAGES" / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [r["msgid"] for r in entries(language) if compiled.gettext(r["msgid"]) != r["msgstr"]]
    assert stale == [], "Run manage.py compilemessages in pathway/ and commit the .mo files"
    with translation.override(language):
        assert translation.gettext("Enter your code") != "Enter your code"


def test_the_catalogues_hold_every_string_in_the_code(tmp_path):
    """makemessages over a copy of the family code finds nothing the catalogues lack."""
    if not shutil.which("xgettext"):
        pytest.skip("gettext tools are not installed")
    for part in ("families", "templates/pathway/families", "templatetags"):
        shutil.copytree(ROOT / "pathway" / part, tmp_path / "pathway" / part)
    (tmp_path / "pathway" / "locale").mkdir()
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "makemessages", "-l", "pl", "--no-location"],
        cwd=tmp_path / "pathway",
        check=True,
        capture_output=True,
    )
    fresh = (tmp_path / "pathway" / "locale" / "pl" / "LC_MESSAGES" / "django.po").read_text(
        encoding="utf-8"
    )
    shipped = {r["msgid"] for r in entries("pl")}
    wanted = {
        "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m)).replace('\\"', '"')
        for m in re.findall(r'^msgid ((?:".*"\n)+)', fresh, re.M)
    } - {""}
    assert sorted(wanted - shipped) == [], "Run makemessages in pathway/ and translate"


def test_the_english_is_plain_enough_for_grade_5():
    """The fixed English of the family pages, every string as a sentence, with the names and
    dates it is given standing in as short words."""
    sentences = []
    for row in entries("pl"):
        text = re.sub(r"%\(\w+\)s", "it", row["msgid"])
        sentences.append(text if text.endswith((".", "?", ":")) else text + ".")
    grade = textstat.flesch_kincaid_grade(" ".join(sentences))
    assert grade <= 5, grade
    long_ones = [s for s in sentences if len(s.split()) >= 8]
    hard = [(s, textstat.flesch_kincaid_grade(s)) for s in long_ones]
    assert [h for h in hard if h[1] > 8] == []


def test_dates_are_written_as_each_language_writes_them():
    import datetime

    from pathway.families.selectors import long_date

    day = datetime.date(2026, 8, 7)
    expected = {"en": "7 August 2026", "pl": "7 sierpnia 2026", "cy": "7 Awst 2026"}
    for language, words in expected.items():
        with translation.override(language):
            assert long_date(day) == words
