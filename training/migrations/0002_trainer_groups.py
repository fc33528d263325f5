"""The trainer and approver groups: Wagtail admin access only. Their page permissions (on the
training index's tree, nothing else) are granted by `training.services.ensure_training_section`,
which needs the index page to exist."""

from django.db import migrations

GROUPS = ("Trainers", "Training approvers")


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    access_admin = Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    ).first()
    for name in GROUPS:
        group, _ = Group.objects.get_or_create(name=name)
        if access_admin is not None:
            group.permissions.add(access_admin)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0001_initial"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
