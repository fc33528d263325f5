"""Walks the concern wizard through the test client, one step (one URL) at a time."""

from __future__ import annotations

from django.urls import reverse

from pathway.models import ConcernDraft


def date(prefix: str, day="3", month="2", year="2026") -> dict[str, str]:
    return {f"{prefix}_day": day, f"{prefix}_month": month, f"{prefix}_year": year}


def step_url(draft: ConcernDraft, step: str) -> str:
    return reverse("concern-step", kwargs={"draft_id": draft.pk, "step": step})


def post_step(client, draft: ConcernDraft, step: str, fields: dict[str, str], query: str = ""):
    data = {f"concern_{draft.pk}-current_step": step}
    for name, value in fields.items():
        data[f"{step}-{name}"] = value
    return client.post(step_url(draft, step) + query, data)


CHILD_NEW = {
    "child": "new",
    "first_name": "Zara",
    "last_name": "Ahmed",
    **date("date_of_birth", "10", "5", "2024"),
    "postcode": "wm3 7qt",
}

DEVELOPMENT = {
    "communication_language_level": "significant",
    "communication_language_age_band": "8-20",
    "communication_language_evidence": "Uses about 10 words; does not point to share interest.",
    "physical_level": "none",
    "personal_social_emotional_level": "emerging",
    "personal_social_emotional_age_band": "16-26",
    "personal_social_emotional_evidence": "Plays alone; distressed at changes of routine.",
    "specific_concerns": "no",
}

SUPPORT = {
    "TOTAL_FORMS": "3",
    "INITIAL_FORMS": "0",
    "MIN_NUM_FORMS": "0",
    "MAX_NUM_FORMS": "6",
    "0-tried": "Small group language sessions twice a week",
    **{f"0-{k}": v for k, v in date("started_on", "6", "1", "2026").items()},
    **{f"0-{k}": v for k, v in date("reviewed_on", "6", "3", "2026").items()},
    "0-outcome": "some_progress",
}

CHECKS = {
    "progress_check": "some_concerns",
    **date("progress_check_on"),
    "wellcomm_result": "red",
    **date("wellcomm_on"),
}

HEALTH_FAMILY = {
    "diagnoses": "",
    "professionals": "health_visitor",
    "hearing": "clear",
    "vision": "not_known",
    "family_circumstances": "no",
    "ehc_assessment_requested": "no",
}

EARLY_HELP = {"needs": "housing", "details": "Temporary accommodation", "family_agrees": "yes"}

FAMILY = {
    "family_views": "She loves music and water play; we worry she is not talking yet.",
    "consent_given_by": "Amina Ahmed",
    "relationship": "mother",
    **date("consent_given_on", "20", "3", "2026"),
    "share_with": ["send_team", "portage"],
    "sms_consent": "yes",
    "mobile_phone": "07700 900 456",
    "preferred_language": "en",
}


def walk_to_check(client, draft: ConcernDraft, child=None, health=None, family=None) -> None:
    """Posts every step up to check-your-answers, asserting each moves on."""
    steps = [
        ("child", child or CHILD_NEW),
        ("development", DEVELOPMENT),
        ("support", SUPPORT),
        ("checks", CHECKS),
        ("health_family", health or HEALTH_FAMILY),
    ]
    if (health or HEALTH_FAMILY)["family_circumstances"] == "yes":
        steps.append(("early_help", EARLY_HELP))
    steps.append(("family", family or FAMILY))
    for step, fields in steps:
        response = post_step(client, draft, step, fields)
        assert response.status_code == 302, (step, _errors(response))


def _errors(response) -> str:
    content = response.content.decode()
    start = content.find("govuk-error-summary__list")
    return content[start : start + 800] if start >= 0 else content[:300]
