"""Indexes for the triage queue's setting search (pathway.casework.selectors.settings_starting):
the accessible autocomplete asks, as each letter is typed, for settings whose name or Ofsted URN
starts with the text, which Django writes as UPPER(column::text) LIKE UPPER('text%'). These
serve that prefix match however many settings the county has. PostgreSQL only (text_pattern_ops
has no SQLite equivalent; SQLite scans its few settings). On earlyyears' table, like 0012, and
kept out of that model's state so that app's migrations are not touched."""

from django.db import connection as default_connection
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


def _run(schema_editor, statements) -> None:
    """Each statement on PostgreSQL. (The tests' reference-data seeding calls RunPython
    functions without a schema editor: then the default connection, where the index exists
    already and IF NOT EXISTS makes this a no-op.)"""
    connection = schema_editor.connection if schema_editor else default_connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def add_search_indexes(apps, schema_editor):
    _run(schema_editor, SEARCH_INDEXES.values())


def drop_search_indexes(apps, schema_editor):
    _run(schema_editor, [f"DROP INDEX IF EXISTS {name}" for name in SEARCH_INDEXES])


class Migration(migrations.Migration):
    dependencies = [
        ("earlyyears", "0009_sms_opted_out"),
        ("pathway", "0013_routing_reasons_as_data"),
    ]

    operations = [
        migrations.RunPython(add_search_indexes, drop_search_indexes, elidable=False),
    ]
