"""The partnership self-evaluation (issue 27): the areas of partnership working, with a default
set to start from, and each year's versions and judgements."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

# A default set to start from; the council changes it in the staff admin. To be checked against
# the LGA's framework (not available offline): see docs/self-evaluation.md.
DEFAULT_AREAS = [
    (
        "Leadership and governance",
        "Leaders across education, health and care share a vision for early years SEND, own "
        "the outcomes together and hold each other to account.",
    ),
    (
        "Joint commissioning",
        "Partners plan and buy provision together from shared evidence of need.",
    ),
    (
        "Working with families (co-production)",
        "Families shape their own child's support and the services themselves, with the parent "
        "carer forum as an equal partner.",
    ),
    (
        "Identifying needs early",
        "Settings, health visitors and others notice needs early and raise them quickly, and "
        "the pathway responds without waiting for a threshold.",
    ),
    (
        "Assessment and planning",
        "Advice is timely and good, plans are written with families and reviewed, and the "
        "statutory clocks are met.",
    ),
    (
        "Provision and inclusion in settings",
        "Settings can meet needs with the right support, funding and specialist help, so "
        "children are included where they are.",
    ),
    (
        "Workforce and training",
        "Staff in every kind of setting are trained and confident to identify and support "
        "children with SEND.",
    ),
    (
        "Information sharing",
        "Professionals share what they know, with the family's agreement, and work as one "
        "team around the child.",
    ),
]


def seed_areas(apps, schema_editor):
    """The default areas, only when there are none yet: running it again changes nothing, and
    areas the council renamed, retired or deleted are left as they are."""
    PartnershipArea = apps.get_model("pathway", "PartnershipArea")
    if PartnershipArea.objects.exists():
        return
    for position, (name, description) in enumerate(DEFAULT_AREAS, start=1):
        PartnershipArea.objects.get_or_create(
            name=name, defaults={"description": description, "position": position * 10}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("pathway", "0027_consent_from_referrals"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="PartnershipArea",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=200, unique=True)),
                (
                    "description",
                    models.TextField(blank=True, help_text="What good looks like in this area"),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                (
                    "retired",
                    models.BooleanField(default=False, help_text="Not judged in new versions"),
                ),
            ],
            options={
                "ordering": ["position", "name"],
            },
        ),
        migrations.CreateModel(
            name="SelfEvaluation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "year",
                    models.PositiveSmallIntegerField(
                        help_text="The year it starts in", unique=True
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-year"],
            },
        ),
        migrations.CreateModel(
            name="SelfEvaluationVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveIntegerField()),
                (
                    "summary",
                    models.TextField(
                        blank=True, help_text="The overall picture, in a few sentences"
                    ),
                ),
                (
                    "change_note",
                    models.CharField(
                        blank=True,
                        help_text="What changed in this version, and why",
                        max_length=300,
                    ),
                ),
                ("saved_by_name", models.CharField(blank=True, max_length=200)),
                ("saved_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("figures", models.JSONField(blank=True, default=list)),
                ("figures_from", models.DateField(blank=True, null=True)),
                ("figures_to", models.DateField(blank=True, null=True)),
                ("agreed_by_name", models.CharField(blank=True, max_length=200)),
                ("agreed_at", models.DateTimeField(blank=True, null=True)),
                (
                    "agreed_note",
                    models.CharField(
                        blank=True,
                        help_text="Where it was agreed, for example the board",
                        max_length=300,
                    ),
                ),
                (
                    "agreed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "saved_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "self_evaluation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="versions",
                        to="pathway.selfevaluation",
                    ),
                ),
            ],
            options={
                "ordering": ["self_evaluation", "-number"],
            },
        ),
        migrations.CreateModel(
            name="SelfEvaluationJudgement",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("area_name", models.CharField(max_length=200)),
                ("position", models.PositiveSmallIntegerField(default=0)),
                (
                    "level",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("starting", "Starting"),
                            ("developing", "Developing"),
                            ("maturing", "Maturing"),
                            ("embedding", "Embedding"),
                        ],
                        max_length=20,
                    ),
                ),
                ("evidence", models.TextField(blank=True)),
                ("next_steps", models.TextField(blank=True, verbose_name="What would move it on")),
                (
                    "area",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="pathway.partnershiparea",
                    ),
                ),
                (
                    "version",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="judgements",
                        to="pathway.selfevaluationversion",
                    ),
                ),
            ],
            options={
                "ordering": ["version", "position", "pk"],
            },
        ),
        migrations.AddConstraint(
            model_name="selfevaluationversion",
            constraint=models.UniqueConstraint(
                fields=("self_evaluation", "number"), name="one_self_evaluation_version_number"
            ),
        ),
        migrations.AddConstraint(
            model_name="selfevaluationversion",
            constraint=models.UniqueConstraint(
                condition=models.Q(("agreed_at__isnull", False)),
                fields=("self_evaluation",),
                name="one_agreed_self_evaluation_version",
            ),
        ),
        migrations.AddConstraint(
            model_name="selfevaluationjudgement",
            constraint=models.UniqueConstraint(
                fields=("version", "area"), name="one_judgement_per_area_per_version"
            ),
        ),
        migrations.RunPython(seed_areas, migrations.RunPython.noop),
    ]
