"""Issue 6.2: closing a round builds its archive; archives download, verify and import."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from kaoping.archive import build_bundle, verify_bundle
from kaoping.cli.main import app
from kaoping.scoring import evaluate, load_scheme
from kaoping.tables import read_base_data
from kaoping.web.audit.models import AuditEntry
from kaoping.web.rounds.models import ArchiveBuild, RoundArchive
from kaoping.web.submissions import actions as sub
from kaoping.web.submissions.models import Attachment, Submission
from kaoping.web.workflow.actions import do_transition

from .conftest import EXAMPLES

PDF = b"%PDF-1.4\n% a check report\n"


def published_round(world):
    """A round with a supporting document and a check record, its results published."""
    round = world.collecting()
    world.submit_all(round, verify=False)
    s = Submission.objects.get(round=round, unit=world.dongcheng)
    sub.do_attach(s, SimpleUploadedFile("决算.pdf", PDF), acting_user=world.dong_user)
    sub.do_record_check(
        s,
        kind="spot_check",
        when=date(2024, 6, 1),
        method="现场抽查",
        finding="一致",
        acting_user=world.agency,
        attachment=SimpleUploadedFile("抽查.pdf", PDF),
    )
    for s in Submission.objects.filter(round=round):
        sub.do_verify(s, acting_user=world.agency)
    from kaoping.web.results.actions import do_start_scoring_run

    do_transition(round, "start_verification", acting_user=world.office)
    do_transition(round, "start_scoring", acting_user=world.office)
    do_start_scoring_run(round, acting_user=world.agency)
    do_transition(round, "submit_for_review", acting_user=world.office)
    do_transition(round, "approve", acting_user=world.committee)
    do_transition(round, "publish_results", acting_user=world.office)
    return round


@pytest.fixture
def closed(world):
    round = published_round(world)
    do_transition(round, "close", acting_user=world.office)
    round.refresh_from_db()
    return round


@pytest.mark.postgres
def test_a_failed_build_leaves_the_round_closed_and_can_be_started_again(world):
    round = published_round(world)
    document = Attachment.objects.get(submission__round=round)
    stored = Path(document.file.path)
    kept = stored.read_bytes()
    stored.unlink()  # the upload volume lost the file: streaming it into the zip fails
    do_transition(round, "close", acting_user=world.office)
    round.refresh_from_db()
    assert round.state == "closed"  # closing stands; only the build failed
    build = ArchiveBuild.objects.get(round=round)
    assert build.status == "failed" and "FileNotFoundError" in build.message
    assert not RoundArchive.objects.filter(round=round).exists()
    assert not AuditEntry.objects.filter(round=round, action="round.archive").exists()
    office = world.client(world.office)
    page = office.get(reverse("rounds:detail", args=[round.pk])).content.decode()
    assert 'id="archive-failure"' in page and "FileNotFoundError" in page
    assert 'id="archive-retry"' in page
    unit = world.client(world.dong_user)
    retry = reverse("workflow:archive_retry", args=[round.pk])
    assert unit.post(retry).status_code == 403  # only who may close may build again
    stored.write_bytes(kept)
    response = office.post(retry)
    assert response.status_code == 302
    builds = list(ArchiveBuild.objects.filter(round=round).order_by("id"))
    assert [b.status for b in builds] == ["failed", "done"]
    archive = RoundArchive.objects.get(round=round)
    assert builds[1].archive == archive and verify_bundle(archive.file.path).ok
    retried = AuditEntry.objects.get(round=round, action="round.archive_retry")
    assert retried.data["failed_build"] == builds[0].pk
    page = office.get(reverse("rounds:detail", args=[round.pk])).content.decode()
    assert 'id="archive-retry"' not in page
    assert reverse("workflow:archive_download", args=[archive.pk]) in page
    assert office.post(retry).status_code == 302  # a built archive is not built twice
    assert ArchiveBuild.objects.filter(round=round).count() == 2


def test_closing_builds_an_archive_that_verifies_and_is_pinned_in_the_log(world, closed):
    archive = RoundArchive.objects.get(round=closed)
    report = verify_bundle(archive.file.path)
    assert report.ok, report.render("en")
    assert report.manifest_sha256 == archive.manifest_sha256
    assert (
        hashlib.sha256(zipfile.ZipFile(archive.file.path).read("manifest.json")).hexdigest()
        == archive.manifest_sha256
    )
    # Closing queued the build; the build's own entry pins the manifest in the chain.
    closing = AuditEntry.objects.get(round=closed, action="round.close")
    build = ArchiveBuild.objects.get(round=closed)
    assert closing.data["archive_build"] == build.pk
    assert build.status == "done" and build.archive == archive
    pinned = AuditEntry.objects.get(round=closed, action="round.archive")
    assert pinned.data["archive_manifest_sha256"] == archive.manifest_sha256
    assert pinned.data["archive_id"] == archive.pk and pinned.id > closing.id
    with zipfile.ZipFile(archive.file.path) as zf:
        names = set(zf.namelist())
        entries = [json.loads(line) for line in zf.read("log/entries.jsonl").splitlines()]
        head = zf.read("log/chain-head.txt").decode()
        checks = json.loads(zf.read("checks/checks.json"))
        results = json.loads(zf.read("results/results.json"))
    assert {
        "scheme/scheme.toml",
        "data/base-data.csv",
        "results/results.xlsx",
        "experts/scores.json",
    } <= names
    assert (
        zipfile.ZipFile(archive.file.path).read("scheme/scheme.toml").decode() == closed.scheme_text
    )
    assert any(n.startswith("attachments/110101/") and n.endswith("决算.pdf") for n in names)
    assert checks[0]["finding"] == "一致" and checks[0]["attachment"] in names
    actions = [e["action"] for e in entries]
    assert actions[0] == "round.create" and "round.publish_results" in actions
    assert "round.close" in actions  # built after closing, the archive keeps that entry too
    assert "round.archive" not in actions  # the entry recording the archive comes after it
    previous = AuditEntry.objects.filter(id__lt=pinned.id).order_by("-id").first()
    assert head == previous.hash
    published = dict(closed.runs.get().unit_results.values_list("unit__code", "total"))
    archived = {u["code"]: u["total"] for u in results["units"]}
    assert len(archived) == 16 and archived == pytest.approx(published, abs=1e-9)


def test_kaoping_archive_verify_confirms_the_download(world, closed, tmp_path):
    archive = RoundArchive.objects.get(round=closed)
    office = world.client(world.office)
    detail = office.get(reverse("rounds:detail", args=[closed.pk])).content.decode()
    url = reverse("workflow:archive_download", args=[archive.pk])
    assert url in detail and archive.manifest_sha256 in detail
    response = office.get(url)
    path = tmp_path / "archive.zip"
    path.write_bytes(
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    done = CliRunner().invoke(app, ["archive", "verify", str(path), "--lang", "zh"])
    assert done.exit_code == 0, done.output
    assert archive.manifest_sha256 in done.output
    assert world.client(world.dong_user).get(url).status_code == 403
    assert world.client(world.dong_user).get(reverse("workflow:archives")).status_code == 403


@pytest.fixture
def other_key(settings, tmp_path):
    """The signing key of another installation, whose public key this one trusts."""
    from kaoping.archive import signing

    key = signing.rotate(tmp_path / "other-keys")
    pub = tmp_path / "other-keys" / f"{signing.key_id(key.public_key())}.pub"
    settings.KAOPING_TRUSTED_KEYS = [str(pub)]
    return key


def bundle_from_files(path, key=None) -> bytes:
    scheme = load_scheme("mof-2012")
    data = read_base_data(EXAMPLES / "mof-2012-demo-2024.csv", scheme)
    from kaoping.cli.archive import scheme_text

    build_bundle(
        path,
        scheme=scheme,
        scheme_text=scheme_text("mof-2012"),
        data=data,
        result=evaluate(scheme, data),
        meta={"round": {"name": "外省2024年度评价", "year": 2024}},
        signing_key=key,
    )
    return path.read_bytes()


def tampered(content: bytes) -> bytes:
    source, out = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name in source.namelist():
            blob = source.read(name)
            if name == "data/base-data.csv":
                blob = blob.replace(b"110101", b"110199", 1)
            zf.writestr(name, blob)
    return out.getvalue()


@pytest.mark.postgres
def test_a_bundle_from_another_installation_is_verified_then_stored_read_only(
    world, tmp_path, other_key
):
    content = bundle_from_files(tmp_path / "other.zip", other_key)
    client = world.client(world.office)
    bad = client.post(
        reverse("workflow:archive_import"),
        {"file": SimpleUploadedFile("other.zip", tampered(content))},
    )
    assert bad.status_code == 400
    assert "data/base-data.csv" in bad.content.decode() and not RoundArchive.objects.exists()
    good = client.post(
        reverse("workflow:archive_import"), {"file": SimpleUploadedFile("other.zip", content)}
    )
    assert good.status_code == 302
    archive = RoundArchive.objects.get()
    assert archive.source == "imported" and archive.round is None
    assert archive.title == "外省2024年度评价（2024）"
    entry = AuditEntry.objects.get(action="archive.import")
    assert entry.data["manifest_sha256"] == archive.manifest_sha256 and entry.actor == world.office
    with pytest.raises(ValueError):
        archive.save()  # read-only once stored
    unit_import = world.client(world.dong_user).post(
        reverse("workflow:archive_import"), {"file": SimpleUploadedFile("other.zip", content)}
    )
    assert unit_import.status_code == 403


@pytest.mark.postgres
def test_the_import_command_refuses_a_tampered_bundle_and_imports_a_good_one(
    world, tmp_path, other_key
):
    content = bundle_from_files(tmp_path / "other.zip", other_key)
    bad = tmp_path / "bad.zip"
    bad.write_bytes(tampered(content))
    with pytest.raises(CommandError, match="档案校验未通过"):
        call_command("import_archive", str(bad), "--user", "office", stdout=io.StringIO())
    out = io.StringIO()
    call_command("import_archive", str(tmp_path / "other.zip"), "--user", "office", stdout=out)
    assert RoundArchive.objects.get().manifest_sha256 in out.getvalue()


def test_an_unsigned_or_consistently_rewritten_bundle_is_not_imported(world, tmp_path, other_key):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from test_archive import rewrite_consistently  # tests/ is on the path (pytest rootdir)

    client = world.client(world.office)
    unsigned = bundle_from_files(tmp_path / "unsigned.zip")
    answer = client.post(
        reverse("workflow:archive_import"), {"file": SimpleUploadedFile("u.zip", unsigned)}
    )
    assert answer.status_code == 400 and "未签名" in answer.content.decode()
    path = tmp_path / "rewritten.zip"
    bundle_from_files(path, other_key)
    rewrite_consistently(path, Ed25519PrivateKey.generate())
    answer = client.post(
        reverse("workflow:archive_import"), {"file": SimpleUploadedFile("r.zip", path.read_bytes())}
    )
    assert answer.status_code == 400 and "不在受信任的公钥中" in answer.content.decode()
    assert not RoundArchive.objects.exists()


def test_a_closed_rounds_archive_is_signed_and_carries_the_log_head(world, closed, settings):
    from kaoping.archive import signing

    archive = RoundArchive.objects.get(round=closed)
    report = verify_bundle(archive.file.path, signing.public_keys([settings.KAOPING_KEYS_DIR]))
    assert report.ok, report.render()
    with zipfile.ZipFile(archive.file.path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    assert (manifest["chain_count"], manifest["chain_head"]) == (
        archive.log_count,
        archive.log_head,
    )
    assert AuditEntry.objects.order_by("id")[archive.log_count - 1].hash == archive.log_head


def test_a_replaced_archive_file_is_not_served(world, closed):
    archive = RoundArchive.objects.get(round=closed)
    with open(archive.file.path, "ab") as handle:
        handle.write(b"tampered")
    client = world.client(world.office)
    answer = client.get(reverse("workflow:archive_download", args=[archive.pk]), follow=True)
    assert answer.headers["Content-Type"].startswith("text/html")
    assert "SHA-256 不符" in answer.content.decode()


@pytest.mark.postgres
def test_the_archive_keeps_every_publication_not_only_the_last(world):
    from kaoping.web.results.actions import do_start_scoring_run

    round = world.published()
    from kaoping.web.workflow.changes import do_decide, do_request_reopen

    change = do_request_reopen(
        round, target="scoring", reason="更正加分项", acting_user=world.office
    )
    do_decide(change, approve=True, note="", acting_user=world.committee)
    do_start_scoring_run(round, acting_user=world.agency)
    do_transition(round, "submit_for_review", acting_user=world.office)
    do_transition(round, "approve", acting_user=world.committee)
    do_transition(round, "publish_results", acting_user=world.office)
    do_transition(round, "close", acting_user=world.office)
    archive = RoundArchive.objects.get(round=round)
    with zipfile.ZipFile(archive.file.path) as zf:
        index = json.loads(zf.read("publications/index.json"))
        first = json.loads(zf.read("publications/v1/results.json"))
        second = json.loads(zf.read("publications/v2/results.json"))
    assert [p["version"] for p in index] == [1, 2]
    assert (first["run"], second["run"]) == (1, 2)
    assert len(first["results"]) == 16 and first["published_by"] == "office"
