"""Backups: everything the site keeps, as one consistent snapshot in one portable file.

The archive is a zip file holding `manifest.json` (what made it, from which migrations,
how many records of each kind) and `data.jsonl` (every record, one JSON object a line,
in Django's own serialization). It is the same on SQLite and PostgreSQL, so a backup
taken on one restores into the other: a laptop's site moves to production this way.

- **Consistent:** on SQLite the database is first copied with SQLite's online backup
  API (a snapshot of one moment, taken without stopping writers) and the copy is read;
  on PostgreSQL everything is read in one REPEATABLE READ transaction, which sees one
  moment while editors keep saving.
- **Everything:** venues, areas, papers, topics and their links, the search text, every
  historical record, users, groups and their permissions, two-factor devices, the
  admin's log. Not kept: content types and permissions (every migrated database makes
  its own, so records refer to them by name), sign-in sessions (people sign in again) and
  django-axes' record of failed sign-ins.
- **Restore** goes into a freshly migrated, empty database at the same migrations as the
  backup, in one transaction that checks every reference at the end: a backup restores
  whole or not at all. Records go in as they were stored, ids and times included; the
  search index is rebuilt as the search text goes in (SQLite triggers; PostgreSQL
  generated columns).
"""

import contextlib
import datetime
import io
import json
import sqlite3
import tempfile
import zipfile
from pathlib import Path

from django.apps import apps
from django.contrib.auth.models import Permission
from django.core import serializers
from django.core.cache import caches
from django.core.management.color import no_style
from django.core.serializers import jsonl
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "paper-notes-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATA = "data.jsonl"

# Made afresh by every migrated database: records refer to them by natural key.
REMADE_BY_MIGRATE = {"contenttypes.contenttype", "auth.permission"}
# Nothing worth keeping: sign-in sessions, and the record of failed sign-ins.
NOT_KEPT = {"sessions.session"} | {
    model._meta.label_lower for model in apps.get_app_config("axes").get_models()
}
# Records read at a time: a large site never sits in memory whole.
CHUNK = 2000


class BackupError(Exception):
    pass


def kept_models():
    """Every model a backup holds, in an order that loads (referenced models first)."""
    models = [
        model
        for model in apps.get_models()
        if model._meta.managed
        and not model._meta.proxy
        and model._meta.label_lower not in REMADE_BY_MIGRATE | NOT_KEPT
    ]
    by_app = {}
    for model in models:
        by_app.setdefault(apps.get_app_config(model._meta.app_label), []).append(model)
    return serializers.sort_dependencies(by_app.items(), allow_cycles=True)


def back_up(target):
    """Write a backup archive to `target` (a path or a binary file object); return its
    manifest."""
    with _snapshot() as alias:
        manifest = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "created_at": timezone.now().isoformat(),
            "database": connections[alias].vendor,
            "migrations": applied_migrations(alias),
            "counts": {},
        }
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            with archive.open(DATA, "w", force_zip64=True) as raw:
                for model in kept_models():
                    counted = _Counter(_records(model, alias))
                    ArchiveSerializer().serialize(counted, stream=_Utf8(raw), cls=FullPrecisionEncoder)
                    manifest["counts"][model._meta.label] = counted.count
            archive.writestr(MANIFEST, json.dumps(manifest, indent=2))
    return manifest


def restore(source):
    """Load a backup archive (a path) into this database, which must be migrated to the
    same migrations and hold no records yet; return the archive's manifest."""
    with zipfile.ZipFile(source) as archive:
        manifest = read_manifest(archive)
        _check_target(manifest)
        with archive.open(DATA) as raw:
            _load(io.TextIOWrapper(raw, encoding="utf-8"))
    restored = {model._meta.label: model._base_manager.count() for model in kept_models()}
    expected = {label: count for label, count in manifest["counts"].items() if label in restored}
    if restored != expected:
        raise BackupError(f"The restored counts differ from the backup's: {restored} != {expected}")
    # Cached pages were made from whatever the database held before.
    caches["pages"].clear()
    return manifest


def _load(lines):
    """Insert every record as it was stored, ids included, in one transaction: like
    loaddata, without save() or signals (nothing is recomputed or recorded anew), but a
    batch of records a statement instead of two statements a record."""
    connection = connections[DEFAULT_DB_ALIAS]
    models, batch, many_to_many = set(), [], []
    try:
        with transaction.atomic():
            with connection.constraint_checks_disabled():
                for item in serializers.deserialize("jsonl", lines):
                    if batch and (type(item.object) is not type(batch[0]) or len(batch) == CHUNK):
                        _insert(batch)
                        batch = []
                    batch.append(item.object)
                    models.add(type(item.object))
                    if item.m2m_data:
                        many_to_many.append((item.object, item.m2m_data))
                if batch:
                    _insert(batch)
                for record, relations in many_to_many:
                    for name, ids in relations.items():
                        getattr(record, name).set(ids)
            # References were not checked while loading: check them all now.
            connection.check_constraints(table_names=[model._meta.db_table for model in models])
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(statement)
    except (DeserializationError, IntegrityError) as error:
        raise BackupError(f"The backup could not be restored, nothing was written: {error}") from error


def _insert(records):
    model = type(records[0])
    fields = [field for field in model._meta.local_concrete_fields if not field.generated]
    size = connections[DEFAULT_DB_ALIAS].ops.bulk_batch_size(fields, records)
    for start in range(0, len(records), size):
        # raw=True: the values as stored (bulk_create would reset auto_now fields).
        model._base_manager._insert(records[start : start + size], fields=fields, raw=True)


def read_manifest(archive):
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except (KeyError, ValueError) as error:
        raise BackupError(f"Not a Paper Notes backup (no readable {MANIFEST}).") from error
    if manifest.get("format") != FORMAT or manifest.get("version") != FORMAT_VERSION:
        raise BackupError(f"Not a Paper Notes backup of version {FORMAT_VERSION}.")
    return manifest


def applied_migrations(alias=DEFAULT_DB_ALIAS):
    recorder = MigrationRecorder(connections[alias])
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def _check_target(manifest):
    here = set(applied_migrations())
    there = set(manifest["migrations"])
    if here != there:
        missing, extra = sorted(there - here), sorted(here - there)
        raise BackupError(
            "This database is not at the backup's migrations: run the version of the site that "
            f"made the backup and `manage.py migrate` (not applied here: {missing or 'none'}; "
            f"applied here only: {extra or 'none'})."
        )
    not_empty = [model._meta.label for model in kept_models() if model._base_manager.exists()]
    if not_empty:
        raise BackupError(
            "A backup restores only into an empty database (freshly migrated); this one has "
            f"records in {', '.join(not_empty)}."
        )


@contextlib.contextmanager
def _snapshot():
    """The name of a database connection that sees the whole database as at one moment."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            copy_path = Path(folder) / "snapshot.sqlite3"
            connection.ensure_connection()
            copy = sqlite3.connect(copy_path)
            try:
                connection.connection.backup(copy)
            finally:
                copy.close()
            alias = "backup_snapshot"
            snapshot_settings = {**connection.settings_dict, "NAME": str(copy_path)}
            connections[alias] = connection.__class__(snapshot_settings, alias)
            try:
                yield alias
            finally:
                connections[alias].close()
                del connections[alias]
    else:
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            if outermost:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield DEFAULT_DB_ALIAS


def _named(model):
    """Whether references to `model` are written by name rather than by id."""
    return model._meta.label_lower in REMADE_BY_MIGRATE


def _records(model, alias):
    """The model's records in key order, with what the names of their content types and
    permissions are made of fetched in the same queries (else a query a record)."""
    queryset = model._base_manager.using(alias).order_by(model._meta.pk.attname)
    named = [
        field.name
        for field in model._meta.concrete_fields
        if field.is_relation and field.many_to_one and _named(field.related_model)
    ]
    if named:
        queryset = queryset.select_related(*named)
    for field in model._meta.many_to_many:
        if field.serialize:
            # A permission's name includes its content type's.
            lookup = f"{field.name}__content_type" if field.related_model is Permission else field.name
            queryset = queryset.prefetch_related(lookup)
    return queryset.iterator(chunk_size=CHUNK)


class ArchiveSerializer(jsonl.Serializer):
    """Django's JSON lines, with references to content types and permissions written by
    name (each database numbers its own) and every other reference by id, as stored."""

    def handle_fk_field(self, obj, field):
        self.use_natural_foreign_keys = _named(field.related_model)
        super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj, field):
        self.use_natural_foreign_keys = _named(field.remote_field.model)
        super().handle_m2m_field(obj, field)


class FullPrecisionEncoder(DjangoJSONEncoder):
    """Django's JSON encoder keeps times to the millisecond (as JavaScript does); a backup
    keeps them to the microsecond, as the database does."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class _Counter:
    def __init__(self, iterable):
        self.iterable = iterable
        self.count = 0

    def __iter__(self):
        for item in self.iterable:
            self.count += 1
            yield item


class _Utf8:
    """A text stream over the archive's binary member, for the serializer."""

    def __init__(self, raw):
        self.raw = raw

    def write(self, text):
        self.raw.write(text.encode())

    def flush(self):
        pass
