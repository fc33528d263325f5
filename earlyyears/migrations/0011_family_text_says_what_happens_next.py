"""The family's text that a concern arrived says what happens next ({next_steps}: the route in
the family's words, never the reasons, which would be health details). English only: a body an
administrator has already changed is left alone, and the translations keep their words until
someone who writes Welsh and Polish adds the sentence."""

from django.db import migrations

BEFORE = (
    "{authority}: {setting} has shared a concern about your child's development with the Early "
    "Years SEND team, as you agreed. Reference {reference}. We will be in touch. Reply STOP to "
    "stop texts."
)
AFTER = (
    "{authority}: {setting} has shared a concern about your child's development with the Early "
    "Years SEND team, as you agreed. {next_steps} Reference {reference}. We will be in touch. "
    "Reply STOP to stop texts."
)


def forwards(apps, schema_editor):
    MessageTemplate = apps.get_model("earlyyears", "MessageTemplate")
    MessageTemplate.objects.filter(
        key="concern_received_family", language="en", body=BEFORE
    ).update(body=AFTER)


def backwards(apps, schema_editor):
    MessageTemplate = apps.get_model("earlyyears", "MessageTemplate")
    MessageTemplate.objects.filter(key="concern_received_family", language="en", body=AFTER).update(
        body=BEFORE
    )


class Migration(migrations.Migration):
    dependencies = [("earlyyears", "0010_outbox_message_body")]

    operations = [migrations.RunPython(forwards, backwards)]
