"""Messages for casework: decisions, questions to settings, reminders of clocks and actions,
portage visits and advice requests. Family messages carry a reference and a named worker,
never a child's health details."""

from django.db import migrations

TEMPLATES = {
    "referral_decided_family": {
        "en": "{authority}: there is news about referral {reference}. {worker} from the Early "
        "Years team will contact you to explain. Reply STOP to stop texts.",
        "pl": "{authority}: są nowe informacje w sprawie {reference}. {worker} z zespołu Early "
        "Years skontaktuje się z Tobą, aby to wyjaśnić. Odpowiedz STOP, aby zrezygnować.",
        "cy": "{authority}: mae newyddion am atgyfeiriad {reference}. Bydd {worker} o'r tîm "
        "Blynyddoedd Cynnar yn cysylltu i esbonio. Atebwch STOP i atal negeseuon.",
    },
    "information_requested_staff": {
        "en": "{authority}: the Early Years SEND team has a question about referral "
        "{reference}. Open My concerns to answer it.",
    },
    "information_given_staff": {
        "en": "{authority}: the setting has answered your question about referral {reference}.",
    },
    "clock_due_soon_staff": {
        "en": "{authority}: {clock} for referral {reference} is due on {due}.",
    },
    "clock_overdue_staff": {
        "en": "{authority}: {clock} for referral {reference} was due on {due} and is overdue.",
    },
    "tac_action_due_staff": {
        "en": "{authority}: a Team Around the Child action you own is due on {due}. Open "
        "My actions to see it.",
    },
    "portage_visit_family": {
        "en": "{authority}: your portage worker {worker} will visit on {date}. Reply STOP to "
        "stop texts.",
        "pl": "{authority}: Twój pracownik portage {worker} odwiedzi Cię {date}. Odpowiedz STOP, "
        "aby zrezygnować.",
        "cy": "{authority}: bydd eich gweithiwr portage {worker} yn ymweld ar {date}. Atebwch "
        "STOP i atal negeseuon.",
    },
    "advice_requested_staff": {
        "en": "{authority}: the Early Years SEND team asks for your {discipline} advice by "
        "{due}. Open Advice requests to give it.",
    },
}


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("earlyyears", "MessageTemplate")
    for key, versions in TEMPLATES.items():
        for language, body in versions.items():
            MessageTemplate.objects.get_or_create(
                key=key, language=language, defaults={"body": body}
            )


class Migration(migrations.Migration):
    dependencies = [("earlyyears", "0003_message_templates")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
