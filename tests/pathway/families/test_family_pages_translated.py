"""The family's pages added for issue 22 in Welsh and Polish: who sees what (the consent page,
its messages and errors), All about me, home observations and the SEND team's questions. A
signed-in parent chooses the language with the switch on every page; each page shows the
language's words and none of a few key English sentences. The catalogues have no untranslated
or fuzzy entry and every translation keeps its placeholders; staff records written while a
family uses Welsh or Polish stay English."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from earlyyears.needs import EYFSArea
from pathway.consent import selectors as consent_selectors
from pathway.family_story import services as story
from pathway.family_story.services import ANSWER_LENGTH
from pathway.models import Agency, ReferralEvent
from tests.pathway.family_story.conftest import agree, make_referral

from .conftest import sign_in
from .test_translations import LOCALE, SHIPPED

LONG = "x" * 4001  # one over All about me's limit of 4,000 characters

# Words each page must show in the language, and English that must be gone.
WORDS = {
    "consent": {
        "cy": [
            "Pwy all weld gwybodaeth am Amara",
            "Chi sy'n penderfynu pwy arall sy'n cael gweld gwybodaeth am Amara",
            "Beth maen nhw'n gallu ei weld",
            "Tîm SEND y Blynyddoedd Cynnar",
            "Gweithwyr iechyd proffesiynol",
            "Tynnu caniatâd yn ôl",
        ],
        "pl": [
            "Kto może widzieć informacje o dziecku: Amara",
            "To Ty decydujesz, kto jeszcze może widzieć informacje",
            "Co mogą zobaczyć",
            "Zespół SEND ds. wczesnego dzieciństwa",
            "Pracownicy służby zdrowia",
            "Wycofaj zgodę",
        ],
        "en": [
            "You decide who else can see information about",
            "What they can see",
            "The Early Years SEND team",
            "Withdrawing consent does not delete anything.",
            "Withdraw consent",
            "Give consent",
        ],
    },
    "all_about_me": {
        "cy": ["Popeth am Amara", "Beth mae pobl yn ei hoffi amdana i", "Sut rydw i'n cyfathrebu"],
        "pl": ["Wszystko o dziecku: Amara", "Co ludzie we mnie lubią", "Jak się porozumiewam"],
        "en": [
            "Tell us about your child once, in your own words.",
            "What people like about me",
            "What matters to us",
        ],
    },
    "home_observations": {
        "cy": ["Beth rydych chi wedi'i weld gartref", "Heb ei ychwanegu", "Pam: "],
        "pl": ["Twoje obserwacje z domu", "Nie dodano", "Dlaczego: "],
        "en": ["What you have seen at home", "Has it been added?", "Not added", "Why: "],
    },
    "home_observation_form": {
        "cy": ["Am beth mae e?", "Siarad, gwrando a deall", "Llun neu fideo byr (dewisol)"],
        "pl": ["Czego to dotyczy?", "Mówienie, słuchanie i rozumienie", "Zdjęcie lub krótki film"],
        "en": [
            "What is it about?",
            "Talking, listening and understanding",
            "A photo or short video (optional)",
            "Send",
        ],
    },
    "questions": {
        "cy": ["Cwestiynau gan y tîm SEND", "Ateb y cwestiwn hwn", "Gofynnwyd ar"],
        "pl": ["Pytania od zespołu SEND", "Odpowiedz na to pytanie", "Pytanie z "],
        "en": ["Questions from the SEND team", "Answer this question", "Asked on"],
    },
    "question": {
        "cy": ["Ateb cwestiwn gan y tîm SEND", "Eich ateb", "Anfon eich ateb"],
        "pl": ["Odpowiedz na pytanie zespołu SEND", "Twoja odpowiedź", "Wyślij odpowiedź"],
        "en": ["Answer a question from the SEND team", "Your answer", "Send your answer"],
    },
    "child": {
        "cy": ["Dywedwch wrthym am eich plentyn", "Popeth amdana i a beth sy'n bwysig i ni"],
        "pl": ["Opowiedz nam o swoim dziecku", "Wszystko o mnie i co jest dla nas ważne"],
        "en": ["Tell us about your child", "All about me and what matters to us"],
    },
}


@pytest.fixture
def contributions(world, family_a):
    """Child A (Amara): a referral, a question from the SEND team, and a home observation the
    setting did not add, with its reason."""
    agree(world.child_a, Agency.SETTING, Agency.SEND_TEAM, Agency.PORTAGE, Agency.HEALTH)
    referral = make_referral(world)
    question = story.ask_family(referral, by=world.send_officer, question="Does she sleep?")
    observation = story.add_home_observation(
        world.child_a,
        family_a.member,
        eyfs_area=EYFSArea.COMMUNICATION_AND_LANGUAGE,
        note="She said ball",
    )
    story.review_home_observation(
        observation, by=world.send_officer, accept=False, reason="Already on her record"
    )
    return {"child": world.child_a, "question": question, "referral": referral}


def _choose(client, token: str, language: str) -> None:
    """Sign in as the parent, then pick the language with the switch on the page."""
    assert sign_in(client, token).status_code == 302
    response = client.post(reverse("family-language"), {"language": language, "next": "/family/"})
    assert response.status_code == 302


def _urls(contributions) -> dict[str, str]:
    child = contributions["child"].pk
    return {
        "consent": reverse("family-consent", args=[child]),
        "all_about_me": reverse("family-all-about-me", args=[child]),
        "home_observations": reverse("family-home-observations", args=[child]),
        "home_observation_form": reverse("family-home-observation-new", args=[child]),
        "questions": reverse("family-questions", args=[child]),
        "question": reverse("family-question", args=[contributions["question"].pk]),
        "child": reverse("family-child", args=[child]),
    }


def _text(response) -> str:
    return response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')


@pytest.mark.parametrize("language", SHIPPED)
def test_each_page_is_in_the_chosen_language(client, family_a, contributions, language):
    _choose(client, family_a.token, language)
    for page, url in _urls(contributions).items():
        response = client.get(url)
        assert response.status_code == 200, page
        assert response["Content-Language"] == language
        text = _text(response)
        missing = [w for w in WORDS[page][language] if w not in text]
        assert missing == [], (page, missing)
        english = [w for w in WORDS[page]["en"] if w in text]
        assert english == [], (page, english)


def test_in_english_the_pages_keep_their_english(client, family_a, contributions):
    assert sign_in(client, family_a.token).status_code == 302
    for page, url in _urls(contributions).items():
        text = _text(client.get(url))
        missing = [w for w in WORDS[page]["en"] if w not in text]
        assert missing == [], (page, missing)


@pytest.mark.parametrize(
    ("language", "done", "english"),
    [
        ("cy", "fydd gweithwyr iechyd proffesiynol", "You withdrew consent"),
        ("pl", "została wycofana", "You withdrew consent"),
    ],
)
def test_a_change_is_confirmed_in_the_language_and_recorded_in_english(
    client, family_a, contributions, language, done, english
):
    _choose(client, family_a.token, language)
    url = reverse("family-consent", args=[contributions["child"].pk])
    response = client.post(url, {"agency": Agency.HEALTH, "decision": "withdraw"}, follow=True)
    text = _text(response)
    assert done in text and english not in text
    # The staff timeline is written in English whatever language the family reads.
    event = ReferralEvent.objects.filter(kind=ReferralEvent.Kind.CONSENT).latest("pk")
    assert event.summary.endswith("withdrew consent to share with " + Agency.HEALTH.label)


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("cy", ["Mae problem", "Dewiswch a ydych chi am roi caniatâd neu ei dynnu'n ôl"]),
        ("pl", ["Wystąpił problem", "Wybierz, czy chcesz wyrazić zgodę, czy ją wycofać"]),
    ],
)
def test_the_consent_form_errors_are_in_the_language(
    client, family_a, contributions, language, words
):
    _choose(client, family_a.token, language)
    url = reverse("family-consent", args=[contributions["child"].pk])
    response = client.post(url, {"agency": Agency.HEALTH})
    assert response.status_code == 400
    text = _text(response)
    assert [w for w in words if w not in text] == []
    assert "There is a problem" not in text and "Choose whether to give" not in text


@pytest.mark.parametrize(
    ("language", "empty", "too_long"),
    [
        (
            "cy",
            "Ysgrifennwch rywbeth mewn o leiaf un o'r blychau",
            "Rhaid i bob ateb fod yn 4,000 nod neu lai",
        ),
        (
            "pl",
            "Wpisz coś w co najmniej jednym polu",
            "Każda odpowiedź może mieć najwyżej 4,000 znaków",
        ),
    ],
)
def test_all_about_me_errors_are_in_the_language(
    client, family_a, contributions, language, empty, too_long
):
    _choose(client, family_a.token, language)
    url = reverse("family-all-about-me", args=[contributions["child"].pk])
    text = _text(client.post(url, {"hopes": ""}))
    assert empty in text and "Write something in at least one" not in text
    response = client.post(url, {"what_people_like_about_me": LONG})
    assert response.status_code == 400
    text = _text(response)
    assert too_long in text and "characters or fewer" not in text


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("cy", ["Ysgrifennwch beth welsoch chi", "Dewiswch am beth mae e"]),
        ("pl", ["Opisz, co się wydarzyło", "Wybierz, czego to dotyczy"]),
    ],
)
def test_home_observation_errors_are_in_the_language(
    client, family_a, contributions, language, words
):
    _choose(client, family_a.token, language)
    url = reverse("family-home-observation-new", args=[contributions["child"].pk])
    response = client.post(url, {"note": ""})
    assert response.status_code == 400
    text = _text(response)
    assert [w for w in words if w not in text] == []
    assert "Write what you saw" not in text and "Choose what it is about" not in text


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("cy", f"Rhaid i'ch ateb fod yn {ANSWER_LENGTH:,} nod neu lai"),
        ("pl", f"Odpowiedź może mieć najwyżej {ANSWER_LENGTH:,} znaków"),
    ],
)
def test_an_answer_too_long_is_refused_in_the_language(
    client, family_a, contributions, language, words
):
    _choose(client, family_a.token, language)
    url = reverse("family-question", args=[contributions["question"].pk])
    response = client.post(url, {"answer": "y" * (ANSWER_LENGTH + 1)})
    assert response.status_code == 400
    text = _text(response)
    assert words in text and "characters or fewer" not in text


# --- The catalogues -----------------------------------------------------------------------------


def _catalogue(language: str) -> list[dict]:
    """Every entry of the .po file, context and plural forms included (the header and
    obsolete entries left out): msgctxt, msgid, msgid_plural, the msgstr forms and flags."""
    text = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    found = []
    for block in text.strip().split("\n\n"):
        entry: dict = {"flags": "", "msgstr": []}
        key = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] += line
                continue
            if line.startswith("#"):
                continue
            head = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) "(.*)"$', line)
            if head:
                key, part = head.group(1), head.group(2)
                if key.startswith("msgstr"):
                    entry["msgstr"].append(part)
                else:
                    entry[key] = part
            elif line.startswith('"') and key:
                if key.startswith("msgstr"):
                    entry["msgstr"][-1] += line[1:-1]
                else:
                    entry[key] += line[1:-1]
        if entry.get("msgid"):
            found.append(entry)
    return found


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\(\w+\)s", text))


@pytest.mark.parametrize("language", SHIPPED)
def test_no_entry_is_untranslated_or_fuzzy_and_placeholders_are_kept(language):
    text = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    assert "#, fuzzy" not in text and "\n#~" not in text
    rows = _catalogue(language)
    assert len(rows) > 200
    assert [r["msgid"] for r in rows if "fuzzy" in r["flags"]] == []
    assert [r["msgid"] for r in rows if not r["msgstr"] or not all(r["msgstr"])] == []
    changed = []
    for row in rows:
        if "msgid_plural" in row:
            # The singular form may say "a question" where the others give the number.
            wanted = _placeholders(row["msgid_plural"])
            if any(_placeholders(form) - wanted for form in row["msgstr"]):
                changed.append(row["msgid"])
            if any(_placeholders(form) != wanted for form in row["msgstr"][1:]):
                changed.append(row["msgid"])
        elif _placeholders(row["msgid"]) != _placeholders(row["msgstr"][0]):
            changed.append(row["msgid"])
    assert changed == []
    contexts = [r for r in rows if r.get("msgctxt") == "agency in a sentence"]
    assert len(contexts) == len(Agency.values)


def test_the_family_copy_of_the_agency_names_is_the_same_english():
    """The consent page's names are the model's labels, translated for the family (and, in a
    sentence, the label starting in lower case, with SEND kept in capitals)."""
    with translation.override("en"):
        for agency in Agency.values:
            label = Agency(agency).label
            assert consent_selectors.family_label(agency) == label
            in_a_sentence = consent_selectors.in_a_sentence(agency)
            assert in_a_sentence.lower() == label.lower()
            assert in_a_sentence[0] == label[0].lower() and "send" not in in_a_sentence
