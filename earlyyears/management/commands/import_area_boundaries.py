"""Set area boundaries from a GeoJSON FeatureCollection, matching each feature to an area by a
code in its properties. All or nothing: a feature that matches no area, or a geometry that is
not a polygon, stops the import and nothing is saved."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from earlyyears.bulk.services import audit
from earlyyears.models import Area, ImportExportAudit

POLYGONS = ("Polygon", "MultiPolygon")
# Property names ONS boundary files use for codes, tried after --code-property.
COMMON_CODE_PROPERTIES = (
    "code",
    "CODE",
    "area_code",
    "WD24CD",
    "WD23CD",
    "WD22CD",
    "LAD24CD",
    "LAD23CD",
)


def _valid_ring(ring) -> bool:
    return (
        isinstance(ring, list)
        and len(ring) >= 4
        and all(
            isinstance(p, list | tuple)
            and len(p) >= 2
            and all(isinstance(c, int | float) for c in p[:2])
            and -180 <= p[0] <= 180
            and -90 <= p[1] <= 90
            for p in ring
        )
        and list(ring[0][:2]) == list(ring[-1][:2])
    )


def check_geometry(geometry) -> str | None:
    """What is wrong with a geometry, or None."""
    if not isinstance(geometry, dict) or geometry.get("type") not in POLYGONS:
        return "the geometry must be a Polygon or MultiPolygon"
    coordinates = geometry.get("coordinates")
    polygons = [coordinates] if geometry["type"] == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        return "the geometry has no coordinates"
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon or not all(map(_valid_ring, polygon)):
            return (
                "each ring must be a closed list of at least 4 longitude, latitude points (WGS84)"
            )
    return None


class Command(BaseCommand):
    help = "Set area boundaries from a GeoJSON FeatureCollection (matched by a code property)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="A GeoJSON FeatureCollection in WGS84")
        parser.add_argument(
            "--code-property",
            default="code",
            help="The feature property holding the area code (default: code; ONS names such "
            "as WD24CD are tried if it is missing)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and save nothing"
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        except ValueError as error:
            raise CommandError(f"{path} is not valid JSON: {error}") from error
        if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
            raise CommandError(f"{path} must be a GeoJSON FeatureCollection")
        features = data.get("features") or []
        if not features:
            raise CommandError(f"{path} has no features")
        prop = options["code_property"]
        areas = {area.code.upper(): area for area in Area.objects.all()}
        problems, unmatched, matched, seen = [], [], {}, {}
        for number, feature in enumerate(features, 1):
            properties = (feature or {}).get("properties") or {}
            code = properties.get(prop)
            if code in (None, ""):
                code = next(
                    (properties[p] for p in COMMON_CODE_PROPERTIES if properties.get(p)), ""
                )
            code = str(code or "").strip().upper()
            if not code:
                problems.append(f"Feature {number} has no '{prop}' property")
                continue
            if code in seen:
                problems.append(f"Feature {number} ({code}) repeats feature {seen[code]}")
                continue
            seen[code] = number
            if code not in areas:
                unmatched.append(f"Feature {number} ({code}) matches no area")
                continue
            error = check_geometry(feature.get("geometry"))
            if error:
                problems.append(f"Feature {number} ({code}): {error}")
                continue
            matched[code] = feature["geometry"]
        for line in unmatched + problems:
            self.stderr.write(line)
        if unmatched or problems:
            raise CommandError(
                f"Nothing saved: {len(unmatched)} feature(s) matched no area and "
                f"{len(problems)} had other problems"
            )
        if options["dry_run"]:
            self.stdout.write(f"Checked: {len(matched)} boundaries would be set. Nothing saved.")
            return
        with transaction.atomic():
            for code, geometry in matched.items():
                area = areas[code]
                area.boundary = geometry
                area.save(update_fields=["boundary"])
            audit(
                user=None,
                resource="area_boundaries",
                direction=ImportExportAudit.Direction.IMPORT,
                file_name=path.name,
                rows_total=len(features),
                detail={"boundaries_set": len(matched)},
            )
        missing = len(areas) - len(matched)
        self.stdout.write(
            f"Set {len(matched)} boundaries. {missing} area(s) not in the file keep theirs."
        )
