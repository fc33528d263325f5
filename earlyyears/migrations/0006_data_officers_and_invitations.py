"""The "Data officers" group (imports and exports of areas, settings and staff accounts in the
staff admin, and the audit of them) and the email that invites a new member of staff to set
their password."""

from django.db import migrations

INVITATION = {
    "staff_invitation": {
        "en": "Hello {name},\n\n{authority} has made you an account on the {service} (username "
        "{username}). Set your password here: {link}\n\nThe link works once and expires on "
        "{expires}. If you were not expecting this email, you can ignore it.",
    },
}

DATA_OFFICER_PERMISSIONS = [
    "import_area",
    "export_area",
    "import_setting",
    "export_setting",
    "import_user",
    "export_user",
    "view_area",
    "view_setting",
    "view_user",
    "view_importexportaudit",
]


def seed(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    MessageTemplate = apps.get_model("earlyyears", "MessageTemplate")
    for key, versions in INVITATION.items():
        for language, body in versions.items():
            MessageTemplate.objects.get_or_create(
                key=key, language=language, defaults={"body": body}
            )
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Data officers")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="earlyyears", codename__in=DATA_OFFICER_PERMISSIONS
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("earlyyears", "0005_importjob_invitation_importexportaudit"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
