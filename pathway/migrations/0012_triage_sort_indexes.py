"""Indexes for the triage queue's sorts by child and by setting (pathway.casework.selectors.
QUEUE_SORTS): the first and last pages walk the names in order and stop after a page, instead
of sorting every waiting referral. They are on earlyyears' tables, which the queue joins, and
are kept out of those models' state so that app's migrations are not touched."""

from django.db import migrations

SORT_INDEXES = [
    (
        "triage_sort_child_name",
        "CREATE INDEX IF NOT EXISTS triage_sort_child_name "
        "ON earlyyears_child (last_name, first_name, id)",
    ),
    (
        "triage_sort_setting_name",
        "CREATE INDEX IF NOT EXISTS triage_sort_setting_name ON earlyyears_setting (name, id)",
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("earlyyears", "0009_sms_opted_out"),
        ("pathway", "0011_triage_sorts_counts_and_needs"),
    ]

    operations = [
        migrations.RunSQL(create, f"DROP INDEX IF EXISTS {name}", elidable=False)
        for name, create in SORT_INDEXES
    ]
