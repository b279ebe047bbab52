"""`manage.py backup` and `manage.py restore`: every record back, equal, from one moment."""

import json
import zipfile
from datetime import timedelta

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.management.sql import emit_post_migrate_signal
from django.db import connections
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from papers import backup
from papers.models import Paper, Topic
from papers.services import merge_topics, publish_papers
from tests.factories import PaperFactory, TopicFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site():
    """Content, users and history of every kind the site keeps."""
    call_command("setup_roles", stdout=None)
    chief = User.objects.create_user("chief", "chief@example.org", "pw", is_staff=True)
    chief.groups.add(Group.objects.get(name="Chief editors"))
    User.objects.create_superuser("root", "root@example.org", "pw")
    TOTPDevice.objects.create(user=chief, name="phone", confirmed=True)
    StaticDevice.objects.create(user=chief, name="recovery").token_set.create(token="abc123")

    published = PaperFactory(
        title="Attention is all", body="## Method\n\nTransformers 注意力机制.", topics=["LLM"]
    )
    draft = PaperFactory(title="A draft on RLHF", draft=True, topics=["LLMs", "Alignment"])
    PaperFactory(title="Scheduled", published_at=timezone.now() + timedelta(days=3))
    publish_papers(Paper.objects.filter(pk=draft.pk), user=chief)
    merge_topics(Topic.objects.filter(name="LLMs"), Topic.objects.get(name="LLM"), user=chief)
    PaperFactory(title="Deleted later").delete()
    TopicFactory(name="Unused")
    LogEntry.objects.create(
        user=chief,
        content_type=ContentType.objects.get_for_model(Paper),
        object_id=str(published.pk),
        object_repr=str(published),
        action_flag=CHANGE,
        change_message="[]",
    )
    return published


def everything():
    """Every kept record, references written by natural key (so content type and
    permission ids do not matter), by model."""
    return {
        model._meta.label: serializers.serialize(
            "python", model._base_manager.order_by("pk"), use_natural_foreign_keys=True
        )
        for model in backup.kept_models()
    }


def empty_the_database():
    """As a fresh `migrate` leaves it, with content types and permissions made in another
    order (other ids) than in the database the backup came from."""
    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    ContentType.objects.clear_cache()
    ContentType.objects.create(app_label="gone", model="old")  # shifts every id by one
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")


def test_a_restore_brings_back_every_record_equal(site, tmp_path, client):
    before = everything()
    call_command("backup", str(tmp_path / "site.zip"), stdout=None)
    empty_the_database()
    assert not any(everything().values())

    call_command("restore", str(tmp_path / "site.zip"), stdout=None)

    after = everything()
    assert after == before
    assert sum(map(len, after.values())) > 40
    assert {"papers.HistoricalPaper", "auth.User", "otp_totp.TOTPDevice", "admin.LogEntry"} <= {
        label for label, records in after.items() if records
    }
    # The search index is rebuilt from the restored search text, on either database.
    assert "Attention is all" in client.get("/papers/?q=注意力").content.decode()
    # Sequences continue after the restored keys.
    assert PaperFactory().pk > max(record["pk"] for record in before["papers.Paper"])
    # Group permissions are whole again, found by name in the new ids.
    chief = User.objects.get(username="chief")
    assert chief.has_perm("papers.publish_paper")


def test_the_manifest_says_what_is_inside(site, tmp_path):
    call_command("backup", str(tmp_path / "site.zip"), stdout=None)

    with zipfile.ZipFile(tmp_path / "site.zip") as archive:
        manifest = json.loads(archive.read("manifest.json"))
        lines = archive.read("data.jsonl").decode().splitlines()

    assert manifest["format"] == "paper-notes-backup"
    assert manifest["counts"]["papers.Paper"] == Paper.objects.count() == 3
    assert "papers.0001_initial" in manifest["migrations"]
    assert len(lines) == sum(manifest["counts"].values())
    kinds = {json.loads(line)["model"] for line in lines}
    assert not kinds & {"sessions.session", "contenttypes.contenttype", "auth.permission"}


def test_the_backup_is_one_moment(site, tmp_path, monkeypatch):
    """A topic added through another connection while the backup runs is not in it."""
    writer = connections.create_connection("default")
    records = backup._records

    def write_then_read(model, alias):
        if not getattr(write_then_read, "done", False):
            write_then_read.done = True
            with writer.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO papers_topic (name, slug) VALUES ('Written meanwhile', 'meanwhile')"
                )
        return records(model, alias)

    monkeypatch.setattr(backup, "_records", write_then_read)
    try:
        topics_before = Topic.objects.count()
        call_command("backup", str(tmp_path / "site.zip"), stdout=None)
    finally:
        writer.close()

    with zipfile.ZipFile(tmp_path / "site.zip") as archive:
        manifest = json.loads(archive.read("manifest.json"))
        data = archive.read("data.jsonl").decode()
    assert Topic.objects.filter(name="Written meanwhile").exists()
    assert manifest["counts"]["papers.Topic"] == topics_before
    assert "Written meanwhile" not in data


def test_a_restore_refuses_a_database_with_records(site, tmp_path):
    call_command("backup", str(tmp_path / "site.zip"), stdout=None)

    with pytest.raises(CommandError, match="only into an empty database"):
        call_command("restore", str(tmp_path / "site.zip"))


def test_a_restore_refuses_other_migrations(tmp_path):
    call_command("backup", str(tmp_path / "site.zip"), stdout=None)
    with zipfile.ZipFile(tmp_path / "site.zip") as archive:
        manifest = json.loads(archive.read("manifest.json"))
        data = archive.read("data.jsonl")
    manifest["migrations"].append("papers.9999_from_a_newer_release")
    with zipfile.ZipFile(tmp_path / "newer.zip", "w") as archive:
        archive.writestr("manifest.json", json.dumps(manifest))
        archive.writestr("data.jsonl", data)

    with pytest.raises(CommandError, match=r"papers\.9999_from_a_newer_release"):
        call_command("restore", str(tmp_path / "newer.zip"))


def test_backup_to_standard_output(site, capsysbinary):
    call_command("backup", "-", stderr=None)

    archive = capsysbinary.readouterr().out
    assert archive.startswith(b"PK")


def test_bad_paths_are_clear_errors(tmp_path):
    (tmp_path / "exists.zip").write_bytes(b"")
    (tmp_path / "notes.txt").write_text("not a backup")

    with pytest.raises(CommandError, match="exists"):
        call_command("backup", str(tmp_path / "exists.zip"))
    with pytest.raises(CommandError, match="not a file"):
        call_command("restore", str(tmp_path / "missing.zip"))
    with pytest.raises(CommandError, match="not a backup"):
        call_command("restore", str(tmp_path / "notes.txt"))


def test_a_restore_that_fails_writes_nothing(site, tmp_path):
    call_command("backup", str(tmp_path / "site.zip"), stdout=None)
    with zipfile.ZipFile(tmp_path / "site.zip") as archive:
        manifest = archive.read("manifest.json")
        lines = archive.read("data.jsonl").decode().splitlines()
    # Papers whose venues are missing: a broken reference found at the end of the load.
    without_venues = [line for line in lines if json.loads(line)["model"] != "venues.venue"]
    with zipfile.ZipFile(tmp_path / "broken.zip", "w") as archive:
        archive.writestr("manifest.json", manifest)
        archive.writestr("data.jsonl", "\n".join(without_venues) + "\n")
    empty_the_database()

    with pytest.raises(CommandError, match="nothing was written"):
        call_command("restore", str(tmp_path / "broken.zip"))

    assert not any(everything().values())
