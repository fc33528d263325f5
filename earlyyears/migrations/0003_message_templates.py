"""The first message templates: English, Polish and Welsh where the family gets them."""

from django.db import migrations

TEMPLATES = {
    "concern_received_family": {
        "en": "{authority}: {setting} has shared a concern about your child's development with "
        "the Early Years SEND team, as you agreed. Reference {reference}. We will be in touch. "
        "Reply STOP to stop texts.",
        "pl": "{authority}: {setting} przekazał(a) zespołowi Early Years SEND informacje o "
        "rozwoju Twojego dziecka, zgodnie z Twoją zgodą. Numer sprawy {reference}. Skontaktujemy "
        "się z Tobą. Odpowiedz STOP, aby zrezygnować.",
        "cy": "{authority}: Mae {setting} wedi rhannu pryder am ddatblygiad eich plentyn gyda'r "
        "tîm SEND Blynyddoedd Cynnar, fel y cytunoch. Cyfeirnod {reference}. Byddwn mewn "
        "cysylltiad. Atebwch STOP i atal negeseuon.",
    },
    "concern_submitted_staff": {
        "en": "Concern {reference} was received by the Early Years SEND team. You can follow it "
        "in My concerns.",
    },
    "draft_expiring_staff": {
        "en": "{authority}: a draft concern you started will be deleted on {due} unless you "
        "carry on with it. Open My concerns to finish it.",
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
    dependencies = [("earlyyears", "0002_notifications")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
