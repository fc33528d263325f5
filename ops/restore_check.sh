#!/usr/bin/env bash
# `make restore-check`: restore a backup into a fresh database and run the service's own
# integrity checks on it (dataprotection/integrity.py). Without BACKUP_FILE it first takes a
# backup of DATABASE_URL with ops/backup.sh (and, without BACKUP_PASSPHRASE_FILE, a throwaway
# passphrase), so CI proves the whole round trip.
#
#   DATABASE_URL=postgres://user@host:5432/earlyyears make restore-check
#   BACKUP_FILE=/backups/earlyyears-20270101T020000Z.tar.gpg BACKUP_PASSPHRASE_FILE=... \
#     DATABASE_URL=postgres://user@host:5432/earlyyears make restore-check
#
# The fresh database is RESTORE_DATABASE (default: the source's name with _restore_check),
# dropped and made anew on the same server, and dropped again at the end.
set -euo pipefail

: "${DATABASE_URL:?DATABASE_URL must name a PostgreSQL database (the restore goes beside it)}"
python="${PYTHON:-python}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [ "${RESTORE_CHECK_SEED:-}" = "demo" ]; then
  # CI: a source database made here, with the demo authority's referrals, files and audit rows.
  echo "Making the source database with the demo data"
  psql --quiet "${DATABASE_URL%/*}/postgres" -c "DROP DATABASE IF EXISTS \"${DATABASE_URL##*/}\"" >/dev/null
  psql --quiet "${DATABASE_URL%/*}/postgres" -c "CREATE DATABASE \"${DATABASE_URL##*/}\"" >/dev/null
  "$python" manage.py migrate --verbosity 0
  "$python" manage.py demo_data >/dev/null
  "$python" manage.py demo_pathway >/dev/null
fi
if [ -z "${BACKUP_PASSPHRASE_FILE:-}" ]; then
  BACKUP_PASSPHRASE_FILE="$work/passphrase"
  "$python" -c 'import secrets; print(secrets.token_urlsafe(32))' >"$BACKUP_PASSPHRASE_FILE"
  export BACKUP_PASSPHRASE_FILE
fi
if [ -z "${BACKUP_FILE:-}" ]; then
  echo "Taking a backup of the database first"
  BACKUP_FILE="$(PYTHON="$python" bash ops/backup.sh "$work/backups")"
fi

base="${DATABASE_URL%/*}"
source_name="${DATABASE_URL##*/}"
source_name="${source_name%%\?*}"
restore_name="${RESTORE_DATABASE:-${source_name}_restore_check}"
restore_url="$base/$restore_name"

mkdir "$work/backup"
gpg --batch --quiet --decrypt --pinentry-mode loopback \
  --passphrase-file "$BACKUP_PASSPHRASE_FILE" "$BACKUP_FILE" | tar --extract --directory "$work/backup"

admin_url="$base/postgres"
psql --quiet "$admin_url" -c "DROP DATABASE IF EXISTS \"$restore_name\"" >/dev/null
psql --quiet "$admin_url" -c "CREATE DATABASE \"$restore_name\"" >/dev/null
cleanup() { psql --quiet "$admin_url" -c "DROP DATABASE IF EXISTS \"$restore_name\"" >/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
echo "Restoring $(basename "$BACKUP_FILE") into $restore_name"
pg_restore --no-owner --no-privileges --exit-on-error --dbname "$restore_url" "$work/backup/database.dump"

files_env=()
if [ -f "$work/backup/private_media.tar" ]; then
  mkdir "$work/private_media" && tar --extract --file "$work/backup/private_media.tar" --directory "$work/private_media"
  files_env+=("PRIVATE_MEDIA_ROOT=$work/private_media")
fi
if [ -f "$work/backup/media.tar" ]; then
  mkdir "$work/media" && tar --extract --file "$work/backup/media.tar" --directory "$work/media"
  files_env+=("MEDIA_ROOT=$work/media")
fi
env "${files_env[@]}" DATABASE_URL="$restore_url" \
  "$python" manage.py integrity_check --manifest "$work/backup/manifest.json"
