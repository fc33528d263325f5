"""Funding for settings (issue 23): fund types, bands, windows, budgets, applications,
evidence and payments; the three funds a council starts with; the setting's decision message;
and every existing top-up award (and its budget) in the new shape: each `FundingAward` is
linked to an approved application of the SEN inclusion fund, and each inclusion budget copied.
Awards made before this change get no payment rows: whether they were paid is not known here.
"""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
import pathway.models.funds
from django.conf import settings
from django.db import migrations, models


FUNDS = [
    {
        "name": "SEN inclusion fund",
        "kind": "inclusion",
        "description": "Top-up funding for a setting to meet a child's special educational "
        "needs, in bands, applied for each term.",
        "evidence_required": "The child's support plan with at least one assess, plan, do and "
        "review cycle, and what the setting has already put in place.",
        "uses_windows": True,
        "review_months": 6,
        "bands": [
            ("Band 1", "Low-level additional support", "1250.00"),
            ("Band 2", "Regular additional adult support", "2500.00"),
            ("Band 3", "Significant additional adult support", "4000.00"),
        ],
        "windows": [
            ("Autumn term 2026", "2026-09-01", "2026-10-16"),
            ("Spring term 2027", "2026-11-23", "2027-01-29"),
            ("Summer term 2027", "2027-03-01", "2027-05-14"),
        ],
    },
    {
        "name": "Disability Access Fund",
        "kind": "daf",
        "description": "A yearly payment for a child who gets Disability Living Allowance, "
        "paid to the one setting the family chooses.",
        "evidence_required": "The child's Disability Living Allowance award letter.",
        "yearly_amount": "938.00",
        "once_a_year_per_child": True,
        "needs_disability_living_allowance": True,
    },
    {
        "name": "Inclusive Early Years Fund",
        "kind": "other",
        "description": "Money for settings to make their provision more inclusive (announced "
        "in 2026).",
        "evidence_required": "A short plan of what the money will pay for and how it helps the "
        "child take part.",
    },
]

TEMPLATES = {
    "fund_decision_staff": "{authority}: the Early Years SEND team has decided funding "
    "application {reference} ({fund}) from {setting}. Open Funding applications to see the "
    "decision.",
}


def seed(apps, schema_editor):
    import datetime
    from decimal import Decimal

    FundType = apps.get_model("pathway", "FundType")
    MessageTemplate = apps.get_model("earlyyears", "MessageTemplate")
    for spec in FUNDS:
        spec = dict(spec)
        bands = spec.pop("bands", [])
        windows = spec.pop("windows", [])
        if "yearly_amount" in spec:
            spec["yearly_amount"] = Decimal(spec["yearly_amount"])
        fund, created = FundType.objects.get_or_create(name=spec.pop("name"), defaults=spec)
        if not created:
            continue
        for name, description, amount in bands:
            fund.bands.create(name=name, description=description, amount=Decimal(amount))
        for name, opens, closes in windows:
            fund.windows.create(
                name=name,
                opens_on=datetime.date.fromisoformat(opens),
                closes_on=datetime.date.fromisoformat(closes),
            )
    for key, body in TEMPLATES.items():
        MessageTemplate.objects.get_or_create(key=key, language="en", defaults={"body": body})
    # The SEND manager configures funds, bands, windows and budgets in the staff admin: a
    # group to give them (with the staff admin flag), like the "Data officers".
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Funding managers")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="pathway",
            content_type__model__in=["fundtype", "fundband", "fundwindow", "fundbudget"],
        )
    )


def link_existing_awards(apps, schema_editor):
    FundType = apps.get_model("pathway", "FundType")
    FundApplication = apps.get_model("pathway", "FundApplication")
    FundBudget = apps.get_model("pathway", "FundBudget")
    FundingAward = apps.get_model("pathway", "FundingAward")
    FundingBudget = apps.get_model("pathway", "FundingBudget")
    fund = FundType.objects.filter(kind="inclusion").order_by("pk").first()
    if fund is None:
        return
    for budget in FundingBudget.objects.all():
        FundBudget.objects.get_or_create(
            fund_type=fund,
            financial_year=budget.financial_year,
            area_id=budget.area_id,
            defaults={"amount": budget.amount},
        )
    for award in FundingAward.objects.select_related("referral", "decision"):
        if FundApplication.objects.filter(award=award).exists():
            continue
        FundApplication.objects.create(
            fund_type=fund,
            child_id=award.referral.child_id,
            setting_id=award.setting_id,
            area_id=award.area_id,
            financial_year=award.financial_year,
            amount_requested=award.amount,
            what_for="Top-up funding decided on referral " + award.referral.reference,
            status="approved",
            submitted_by_id=award.awarded_by_id,
            submitted_at=award.awarded_at,
            amount_awarded=award.amount,
            decision_reason=award.decision.reason,
            decided_by_id=award.awarded_by_id,
            decided_at=award.awarded_at,
            decided_at_panel_id=award.decision.at_panel_id,
            award=award,
            review_on=award.review_on,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("earlyyears", "0011_family_text_says_what_happens_next"),
        ("pathway", "0019_family_messages"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="FundBand",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=80)),
                ("description", models.CharField(blank=True, max_length=300)),
                ("amount", models.DecimalField(decimal_places=2, max_digits=10)),
            ],
            options={
                "ordering": ["fund_type", "amount", "name"],
            },
        ),
        migrations.CreateModel(
            name="FundType",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=120, unique=True)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("inclusion", "SEN inclusion fund"),
                            ("daf", "Disability Access Fund"),
                            ("other", "Another fund"),
                        ],
                        default="other",
                        max_length=20,
                    ),
                ),
                (
                    "description",
                    models.TextField(blank=True, help_text="What the fund is for, for settings"),
                ),
                (
                    "evidence_required",
                    models.TextField(
                        help_text="What a setting must send with an application, in plain words"
                    ),
                ),
                (
                    "yearly_amount",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        help_text="A fixed yearly amount for each child (the Disability Access Fund)",
                        max_digits=10,
                        null=True,
                    ),
                ),
                (
                    "once_a_year_per_child",
                    models.BooleanField(
                        default=False,
                        help_text="Paid once a year for each child, to the one setting the family nominates",
                    ),
                ),
                (
                    "needs_disability_living_allowance",
                    models.BooleanField(
                        default=False, help_text="The child must get Disability Living Allowance"
                    ),
                ),
                (
                    "uses_windows",
                    models.BooleanField(
                        default=False,
                        help_text="Settings may apply only while an application window is open",
                    ),
                ),
                (
                    "review_months",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        help_text="Months after an award that it is reviewed (6)",
                        null=True,
                    ),
                ),
                ("active", models.BooleanField(default=True)),
            ],
            options={
                "ordering": ["name"],
            },
        ),
        migrations.CreateModel(
            name="FundApplication",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("financial_year", models.PositiveSmallIntegerField()),
                ("amount_requested", models.DecimalField(decimal_places=2, max_digits=10)),
                (
                    "what_for",
                    models.TextField(
                        help_text="What the money will pay for and how it helps the child"
                    ),
                ),
                ("gets_disability_living_allowance", models.BooleanField(default=False)),
                ("family_nominated_setting", models.BooleanField(default=False)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("submitted", "Waiting for a decision"),
                            ("at_panel", "Waiting for the Early Years panel"),
                            ("approved", "Approved"),
                            ("refused", "Refused"),
                            ("withdrawn", "Withdrawn"),
                        ],
                        default="submitted",
                        max_length=20,
                    ),
                ),
                ("submitted_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "amount_awarded",
                    models.DecimalField(blank=True, decimal_places=2, max_digits=10, null=True),
                ),
                ("decision_reason", models.TextField(blank=True)),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                ("review_on", models.DateField(blank=True, null=True)),
                (
                    "area",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="earlyyears.area",
                    ),
                ),
                (
                    "award",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="fund_application",
                        to="pathway.fundingaward",
                    ),
                ),
                (
                    "child",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="fund_applications",
                        to="earlyyears.child",
                    ),
                ),
                (
                    "decided_at_panel",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="pathway.panelmeeting",
                    ),
                ),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "previous",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="reapplications",
                        to="pathway.fundapplication",
                    ),
                ),
                (
                    "setting",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="fund_applications",
                        to="earlyyears.setting",
                    ),
                ),
                (
                    "submitted_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "band",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="applications",
                        to="pathway.fundband",
                    ),
                ),
                (
                    "fund_type",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="applications",
                        to="pathway.fundtype",
                    ),
                ),
            ],
            options={
                "ordering": ["-submitted_at", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="FundEvidence",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "file",
                    models.FileField(
                        storage=pathway.models.funds.fund_evidence_storage,
                        upload_to=pathway.models.funds.fund_evidence_upload_to,
                    ),
                ),
                (
                    "name",
                    models.CharField(help_text="The name it was uploaded with", max_length=200),
                ),
                ("description", models.CharField(max_length=200)),
                ("uploaded_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "application",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="evidence",
                        to="pathway.fundapplication",
                    ),
                ),
                (
                    "uploaded_by",
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
                "verbose_name_plural": "fund evidence",
                "ordering": ["uploaded_at", "pk"],
            },
        ),
        migrations.AddField(
            model_name="fundband",
            name="fund_type",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="bands",
                to="pathway.fundtype",
            ),
        ),
        migrations.CreateModel(
            name="FundWindow",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "name",
                    models.CharField(help_text="For example, Spring term 2027", max_length=80),
                ),
                ("opens_on", models.DateField()),
                ("closes_on", models.DateField()),
                (
                    "fund_type",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="windows",
                        to="pathway.fundtype",
                    ),
                ),
            ],
            options={
                "ordering": ["fund_type", "opens_on"],
            },
        ),
        migrations.AddField(
            model_name="fundapplication",
            name="window",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="applications",
                to="pathway.fundwindow",
            ),
        ),
        migrations.CreateModel(
            name="FundPayment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("amount", models.DecimalField(decimal_places=2, max_digits=10)),
                ("due_on", models.DateField()),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("due", "Due"),
                            ("approved", "Approved for payment"),
                            ("paid", "Paid"),
                        ],
                        default="due",
                        max_length=10,
                    ),
                ),
                ("approved_at", models.DateTimeField(blank=True, null=True)),
                ("paid_on", models.DateField(blank=True, null=True)),
                (
                    "application",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="payments",
                        to="pathway.fundapplication",
                    ),
                ),
                (
                    "approved_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "paid_recorded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["due_on", "pk"],
                "indexes": [
                    models.Index(fields=["status", "due_on"], name="pathway_fun_status_1ed9da_idx")
                ],
            },
        ),
        migrations.CreateModel(
            name="FundBudget",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "financial_year",
                    models.PositiveSmallIntegerField(
                        help_text="The year the financial year starts in: 2026 means April 2026 to March 2027"
                    ),
                ),
                ("amount", models.DecimalField(decimal_places=2, max_digits=12)),
                (
                    "area",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="earlyyears.area",
                    ),
                ),
                (
                    "fund_type",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="budgets",
                        to="pathway.fundtype",
                    ),
                ),
            ],
            options={
                "ordering": ["fund_type", "-financial_year"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("fund_type", "financial_year", "area"),
                        name="one_fund_budget_per_area",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("area__isnull", True)),
                        fields=("fund_type", "financial_year"),
                        name="one_county_fund_budget_per_year",
                    ),
                ],
            },
        ),
        migrations.AddConstraint(
            model_name="fundband",
            constraint=models.UniqueConstraint(
                fields=("fund_type", "name"), name="one_band_name_per_fund"
            ),
        ),
        migrations.AddIndex(
            model_name="fundapplication",
            index=models.Index(
                fields=["child", "fund_type", "financial_year"],
                name="pathway_fun_child_i_c0b279_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="fundapplication",
            index=models.Index(
                fields=["setting", "-submitted_at"], name="pathway_fun_setting_892a02_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="fundapplication",
            index=models.Index(
                fields=["fund_type", "financial_year", "status"],
                name="pathway_fun_fund_ty_f22095_idx",
            ),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(link_existing_awards, migrations.RunPython.noop),
    ]
