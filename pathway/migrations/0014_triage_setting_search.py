"""Indexes for the triage queue's setting search (pathway.casework.selectors.settings_starting):
the accessible autocomplete asks, as each letter is typed, for settings whose name or Ofsted URN
starts with the text, which Django writes as UPPER(column::text) LIKE UPPER('text%'). These
serve that prefix match however many settings the county has. PostgreSQL only (text_pattern_ops
has no SQLite equivalent; SQLite scans its few settings). On earlyyears' table, like 0012, and
kept out of that model's state so that app's migrations are not touched."""

from django.db import migrations

SEARCH_INDEXES = {
    "triage_setting_name_prefix": (
        "CREATE INDEX IF NOT EXISTS triage_setting_name_prefix "
        "ON earlyyears_setting (UPPER(name::text) text_pattern_ops)"
    ),
    "triage_setting_urn_prefix": (
        "CREATE INDEX IF NOT EXISTS triage_setting_urn_prefix "
        "ON earlyyears_setting (UPPER(urn::text) text_pattern_ops)"
    ),
}


def add_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for create in SEARCH_INDEXES.values():
            schema_editor.execute(create)


def drop_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in SEARCH_INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("earlyyears", "0009_sms_opted_out"),
        ("pathway", "0013_routing_reasons_as_data"),
    ]

    operations = [
        migrations.RunPython(add_search_indexes, drop_search_indexes, elidable=False),
    ]
