"""The services' own search vector (with a GIN index on PostgreSQL) and an index on the
locations' coordinates for distance searches (issue 18)."""

import json

import django.contrib.postgres.search
from django.db import migrations, models

from earlyyears.needs import BroadAreaOfNeed, EYFSArea

FILL = """
    UPDATE cms_servicepage AS s SET search_vector = to_tsvector(concat_ws(
        ' ', p.title, s.description, s.fees,
        (SELECT string_agg(%s::jsonb ->> code, ' ')
         FROM unnest(string_to_array(s.needs || s.eyfs_areas, ',')) AS code),
        (SELECT o.name FROM cms_organisation o WHERE o.id = s.organisation_id),
        (SELECT string_agg(t.name, ' ') FROM cms_taxonomyterm t
         JOIN cms_servicepage_taxonomy_terms st ON st.taxonomyterm_id = t.id
         WHERE st.servicepage_id = s.page_ptr_id),
        (SELECT string_agg(concat_ws(' ', l.name, l.city), ' ')
         FROM cms_servicelocation l WHERE l.page_id = s.page_ptr_id)))
    FROM wagtailcore_page AS p
    WHERE p.id = s.page_ptr_id
"""


def index_and_fill(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    labels = {str(code): str(label) for code, label in BroadAreaOfNeed.choices}
    labels |= {str(code): str(label) for code, label in EYFSArea.choices}
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS cms_servicepage_search_vector "
        "ON cms_servicepage USING gin (search_vector)"
    )
    schema_editor.execute(FILL, [json.dumps(labels)])


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS cms_servicepage_search_vector")


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0002_local_offer"),
    ]

    operations = [
        migrations.AddField(
            model_name="servicepage",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(
                editable=False, null=True, serialize=False
            ),
        ),
        migrations.AddIndex(
            model_name="servicelocation",
            index=models.Index(fields=["latitude", "longitude"], name="cms_location_lat_lng"),
        ),
        migrations.RunPython(index_and_fill, drop_index),
    ]
