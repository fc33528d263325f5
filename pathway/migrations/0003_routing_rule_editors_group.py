"""A group that lets the SEND manager edit draft routing rules, and nothing else, in the admin."""

from django.db import migrations

PERMISSIONS = [
    ("routingruleset", "view"),
    ("routingruleset", "change"),
    ("routingrule", "view"),
    ("routingrule", "add"),
    ("routingrule", "change"),
    ("routingrule", "delete"),
]


def create_group(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Routing rule editors")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="pathway",
            codename__in=[f"{action}_{model}" for model, action in PERMISSIONS],
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("pathway", "0002_default_routing_rules"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
