"""Seed the clocks (the LA's triage target and the statutory EHC ones) and the advice templates.
Both are rows the LA can edit afterwards in the staff admin."""

from django.db import migrations

CLOCKS = [
    {
        "key": "triage",
        "name": "Triage decision",
        "description": "The LA's target: a first decision within 10 working days of the referral.",
        "length": 10,
        "counting": "working_days",
        "applies_to": "every_referral",
        "due_soon_days": 3,
        "stopped_by": ["accept", "reroute", "funding", "signpost", "close"],
        "statutory": False,
        "position": 1,
    },
    {
        "key": "ehc-assessment-decision",
        "name": "EHC needs assessment decision",
        "description": "The law: decide whether to assess within 6 weeks of the request "
        "(SEND Regulations 2014, regulation 5).",
        "length": 42,
        "counting": "calendar_days",
        "applies_to": "ehc_request",
        "due_soon_days": 7,
        "stopped_by": ["ehc_assess", "ehc_not_assess", "close"],
        "statutory": True,
        "position": 2,
    },
    {
        "key": "ehc-final-plan",
        "name": "Final EHC plan",
        "description": "The law: issue the final plan within 20 weeks of the request "
        "(SEND Regulations 2014, regulation 13).",
        "length": 140,
        "counting": "calendar_days",
        "applies_to": "ehc_request",
        "due_soon_days": 14,
        "stopped_by": ["ehc_plan_issued", "ehc_not_assess", "close"],
        "statutory": True,
        "position": 3,
    },
]


def _questions(*items):
    return [{"key": key, "label": label, "hint": hint} for key, label, hint in items]


COMMON_END = [
    ("outcomes", "What outcomes should the child work towards?", "Specific and measurable."),
    (
        "provision",
        "What provision does the child need to reach them?",
        "Who, what, how often, and for how long.",
    ),
]

TEMPLATES = [
    (
        "slt",
        "Speech and language therapy advice",
        [
            ("attention", "Attention and listening", "What you saw, and in which situations."),
            ("understanding", "Understanding of language", ""),
            ("expressive", "Talking (expressive language) and speech sounds", ""),
            ("social", "Social communication and interaction", ""),
            ("eating", "Eating, drinking and swallowing", "Write 'not assessed' if you did not."),
        ],
    ),
    (
        "ot",
        "Occupational therapy advice",
        [
            ("sensory", "Sensory processing", "Responses to noise, touch, movement."),
            ("fine_motor", "Fine motor skills", ""),
            ("self_care", "Self-care: dressing, eating, toileting", ""),
            ("equipment", "Equipment or adaptations needed", ""),
        ],
    ),
    (
        "physiotherapy",
        "Physiotherapy advice",
        [
            ("gross_motor", "Gross motor skills and mobility", ""),
            ("posture", "Posture, seating and positioning", ""),
            ("equipment", "Equipment or adaptations needed", ""),
        ],
    ),
    (
        "educational_psychology",
        "Educational psychology advice",
        [
            ("learning", "How the child learns best", ""),
            ("cognition", "Cognition and play", ""),
            ("emotional", "Social, emotional and mental health", ""),
            ("views", "The child's and family's views", "How you gathered them."),
        ],
    ),
    (
        "paediatrics",
        "Paediatric (health) advice",
        [
            ("diagnoses", "Diagnoses and health conditions", ""),
            ("medication", "Medication and health care needs in the setting", ""),
            ("hearing_vision", "Hearing and vision", ""),
            ("referrals", "Other health referrals made", ""),
        ],
    ),
    (
        "social_care",
        "Social care advice",
        [
            ("family", "Family circumstances relevant to the child's needs", ""),
            ("support", "Support the family already has", ""),
            ("short_breaks", "Short breaks or care needs", ""),
        ],
    ),
    (
        "health_visiting",
        "Health visiting advice",
        [
            ("development", "Development reviews (2 to 2 and a half year check)", ""),
            ("health", "Health and growth", ""),
            ("family", "Family's views and wellbeing", ""),
        ],
    ),
]


def seed(apps, schema_editor):
    ClockPolicy = apps.get_model("pathway", "ClockPolicy")
    AdviceTemplate = apps.get_model("pathway", "AdviceTemplate")
    for clock in CLOCKS:
        ClockPolicy.objects.update_or_create(key=clock["key"], defaults=clock)
    for discipline, title, items in TEMPLATES:
        AdviceTemplate.objects.update_or_create(
            discipline=discipline,
            defaults={"title": title, "questions": _questions(*items, *COMMON_END)},
        )


class Migration(migrations.Migration):
    dependencies = [("pathway", "0004_casework")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
