"""PostgreSQL: the audit table refuses UPDATE and DELETE, whoever sends them.

The one exception is the retention job, which deletes events past their own retention period:
it runs `SELECT set_config('app.audit_purge', 'on', true)` inside its transaction (so the
setting ends with that transaction), and the trigger lets DELETE through only then. UPDATE is
never allowed. TRUNCATE is not covered (row triggers do not fire for it, and the test runner's
flush uses it): it needs the table owner's rights, which is a database administrator's matter.
On other databases (SQLite, the embedded default) this migration does nothing; the model and
its queryset refuse changes there."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION dataprotection_accessevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('app.audit_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'dataprotection_accessevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS dataprotection_accessevent_append_only ON dataprotection_accessevent;
CREATE TRIGGER dataprotection_accessevent_append_only
    BEFORE UPDATE OR DELETE ON dataprotection_accessevent
    FOR EACH ROW EXECUTE FUNCTION dataprotection_accessevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS dataprotection_accessevent_append_only ON dataprotection_accessevent;
DROP FUNCTION IF EXISTS dataprotection_accessevent_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("dataprotection", "0001_initial")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
