"""Indexes for the triage queue's filters at county scale (issue 18).

- waiting_queue_filters: waiting_queue_counts' keys, plus every column a queue
  filter tests (INCLUDE, PostgreSQL only), so the counts of a filtered queue (route, area,
  setting, need, waiting time, the child for the age band) are an index-only scan of the
  waiting referrals instead of a read of the referral table. waiting_queue_counts stays: being
  narrow, it is what the planner reads for the due soon counts and page (without it, 17 ms and
  44 ms instead of 1 ms and 22 ms).
- waiting_queue_received now covers the counts, so the counts filtered by waiting time read a
  range of it (the planner expects a few hundred rows where there are 16,000, and read the
  table through the status index).
- waiting_queue_setting: the waiting referrals at a setting, covering the counts (without it
  the planner takes the needs GIN index as its index of waiting referrals and reads all of it).
- waiting_queue_area: the same for an area, with the columns the other filters test (the
  counts of a district, alone or with other filters, were a BitmapAnd of 100,000 rows of the
  whole table's area index).
- pathway_ref_status_0fe9f0_idx (status, next_due_on, submitted_at) goes: waiting_queue_order
  holds the same order for the only statuses with a clock, and the planner, expecting 26 due
  soon referrals where there are 3,500, read them all through it and sorted them (119 ms)
  instead of walking waiting_queue_order to the first page (0.5 ms).
- waiting_queue_no_setting: the waiting referrals without a setting, by id (the run after the
  last setting when the queue is sorted by setting).
- triage_child_born: children by date of birth with their id, so the age band's join reads an
  index range, not the children table. On earlyyears' table, kept out of its model state like
  0012's indexes so that app's migrations are not touched."""

from django.db import migrations, models

WAITING = models.Q(("status__in", ["submitted", "in_triage", "more_information"]))


class Migration(migrations.Migration):
    dependencies = [
        ("earlyyears", "0011_family_text_says_what_happens_next"),
        ("pathway", "0014_triage_setting_search"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="referral", name="waiting_queue_received"),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(
                condition=WAITING,
                fields=["submitted_at", "id"],
                include=("allocated_to", "next_due_on", "next_due_soon_from", "status"),
                name="waiting_queue_received",
            ),
        ),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(
                condition=WAITING,
                fields=["allocated_to", "next_due_on", "next_due_soon_from", "status", "id"],
                include=(
                    "setting",
                    "area",
                    "child",
                    "submitted_at",
                    "routes",
                    "broad_areas_of_need",
                ),
                name="waiting_queue_filters",
            ),
        ),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(
                condition=WAITING,
                fields=["setting", "id"],
                include=("allocated_to", "next_due_on", "next_due_soon_from", "status"),
                name="waiting_queue_setting",
            ),
        ),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(
                condition=WAITING,
                fields=["area", "id"],
                include=(
                    "allocated_to",
                    "next_due_on",
                    "next_due_soon_from",
                    "status",
                    "submitted_at",
                    "routes",
                    "broad_areas_of_need",
                ),
                name="waiting_queue_area",
            ),
        ),
        migrations.RemoveIndex(model_name="referral", name="pathway_ref_status_0fe9f0_idx"),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(
                condition=models.Q(("setting__isnull", True)) & WAITING,
                fields=["id"],
                name="waiting_queue_no_setting",
            ),
        ),
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS triage_child_born ON earlyyears_child (date_of_birth, id)",
            "DROP INDEX IF EXISTS triage_child_born",
            elidable=False,
        ),
    ]
