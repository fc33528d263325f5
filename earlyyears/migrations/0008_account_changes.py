"""Account changes that wait for a SEND manager, and the emails that tell staff about their
account: a change asked for (to the address the account has now) and a password reset link."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


TEMPLATES = {
    "account_change_requested": {
        "en": "Hello {name},\n\nAn administrator of the {service} asked to change your account "
        "(username {username}): {what}. A SEND team manager must approve it before it takes "
        "effect. If you did not expect this, tell the Early Years SEND team at {authority} "
        "today.",
    },
    "password_reset": {
        "en": "Hello {name},\n\nAn administrator of the {service} at {authority} sent you a link "
        "to set a new password for your account (username {username}): {link}\n\nThe link works "
        "once and expires on {expires}. Until you use it, your current password still works. If "
        "you did not ask for this, tell the Early Years SEND team.",
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
    dependencies = [
        ("earlyyears", "0007_contacts_provenance_and_safeguarding"),
    ]

    operations = [
        migrations.CreateModel(
            name="AccountChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("new", "New account"), ("change", "Change to an account")],
                        default="change",
                        max_length=10,
                    ),
                ),
                (
                    "before",
                    models.JSONField(
                        default=dict, help_text="The values when the change was asked for"
                    ),
                ),
                ("proposed", models.JSONField(default=dict, help_text="The values asked for")),
                ("requested_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Waiting for approval"),
                            ("approved", "Approved"),
                            ("rejected", "Rejected"),
                            ("replaced", "Replaced by a later request"),
                        ],
                        default="pending",
                        max_length=10,
                    ),
                ),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                ("reason", models.TextField(blank=True, help_text="Why it was rejected")),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="account_changes",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-requested_at", "-pk"],
                "indexes": [
                    models.Index(
                        fields=["status", "-requested_at"], name="earlyyears__status_2de40f_idx"
                    )
                ],
            },
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
