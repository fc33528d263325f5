#!/usr/bin/env bash
# An encrypted backup of the database (and of the files, when they are on local disk), with the
# manifest the restore check compares against. docs/deploying.md, "Backups and recovery".
#
#   DATABASE_URL=postgres://... BACKUP_PASSPHRASE_FILE=/secure/passphrase ops/backup.sh DIR
#
# Writes DIR/earlyyears-<UTC time>.tar.gpg (AES-256, gpg symmetric) and prints its path. The
# passphrase file is kept apart from the backups (a secrets manager); without it no backup can
# be read. Files in an object store are not copied here: the bucket's versioning and
# replication keep them (docs/deploying.md).
set -euo pipefail

out_dir="${1:?usage: ops/backup.sh OUTPUT_DIR}"
: "${DATABASE_URL:?DATABASE_URL must name the PostgreSQL database to back up}"
: "${BACKUP_PASSPHRASE_FILE:?BACKUP_PASSPHRASE_FILE must name the file holding the passphrase}"
python="${PYTHON:-python}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$python" manage.py integrity_check --write-manifest "$work/manifest.json" >/dev/null
pg_dump --format=custom --no-owner --no-privileges --file "$work/database.dump" "$DATABASE_URL"
if [ -z "${AWS_STORAGE_BUCKET_NAME:-}" ]; then
  for folder in "${PRIVATE_MEDIA_ROOT:-private_media}" "${MEDIA_ROOT:-media}"; do
    if [ -d "$folder" ]; then
      tar --create --file "$work/$(basename "$folder").tar" --directory "$folder" .
    fi
  done
fi
mkdir -p "$out_dir"
target="$out_dir/earlyyears-$stamp.tar.gpg"
tar --create --directory "$work" . | gpg --batch --yes --quiet --symmetric \
  --cipher-algo AES256 --pinentry-mode loopback --passphrase-file "$BACKUP_PASSPHRASE_FILE" \
  --output "$target"
echo "$target"
