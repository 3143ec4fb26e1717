"""The evaluation archive: a bundle verifies, and every kind of tampering is caught."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from kaoping.archive import build_bundle, verify_bundle
from kaoping.archive.bundle import CHUNK, MANIFEST, RESULTS_JSON, SCHEME_JSON
from kaoping.cli.main import app
from kaoping.scoring import Adjustment, evaluate, load_scheme
from kaoping.scoring.schemes import scheme_text
from kaoping.tables import read_base_data

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "mof-2012-demo-2024.csv"


@pytest.fixture(scope="module")
def scheme():
    return load_scheme("mof-2012")


@pytest.fixture()
def bundle(tmp_path, scheme) -> Path:
    data = read_base_data(DEMO, scheme)
    adjustments = [Adjustment("110101", 2.0, "临时性任务完成突出", "京社就发〔2024〕1号")]
    result = evaluate(scheme, data, adjustments=adjustments)
    path = tmp_path / "round-2024.zip"
    build_bundle(
        path,
        scheme=scheme,
        scheme_text=scheme_text("mof-2012"),
        data=data,
        result=result,
        adjustments=adjustments,
        files={"reports/110101.txt": "东城区评价报告".encode(), "../../etc/evil": b"x"},
        log_entries=[{"id": 1, "action": "round.closed", "hash": "ab" * 32}],
        chain_head="ab" * 32,
        meta={"round": "2024 年度"},
    )
    return path


def rewrite(path: Path, change) -> None:
    """Rewrite a zip, passing each member's bytes through ``change(name, blob)``."""
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    with zipfile.ZipFile(path, "w") as zf:
        for name, blob in members.items():
            new = change(name, blob)
            if new is not None:
                zf.writestr(name, new)


def check(report, name):
    return next(c for c in report.checks if c.name == name)


def test_a_fresh_bundle_verifies_by_rescoring(bundle):
    report = verify_bundle(bundle)
    assert report.ok, report.render()
    assert [c.name for c in report.checks] == [
        "format",
        "signature",
        "manifest",
        "scheme",
        "data",
        "rescore",
    ]
    with zipfile.ZipFile(bundle) as zf:
        names = set(zf.namelist())
        manifest = json.loads(zf.read(MANIFEST))
    assert "etc/evil" in names and not any(n.startswith("..") for n in names)
    assert manifest["chain_head"] == "ab" * 32
    assert report.manifest_sha256 == hashlib.sha256(zf_read(bundle, MANIFEST)).hexdigest()


def zf_read(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read(name)


def test_an_altered_file_is_named(bundle):
    rewrite(bundle, lambda n, b: b + b" " if n == "reports/110101.txt" else b)
    report = verify_bundle(bundle)
    assert not report.ok
    assert "altered reports/110101.txt" in check(report, "manifest").detail


def test_a_removed_or_added_file_is_named(bundle):
    rewrite(bundle, lambda n, b: None if n == "reports/110101.txt" else b)
    assert "missing reports/110101.txt" in check(verify_bundle(bundle), "manifest").detail
    with zipfile.ZipFile(bundle, "a") as zf:
        zf.writestr("reports/extra.txt", b"x")
    assert "unlisted reports/extra.txt" in check(verify_bundle(bundle), "manifest").detail


def test_changed_results_with_a_rewritten_manifest_fail_the_rescoring(bundle):
    """Someone edits a total AND recomputes the manifest: re-scoring still catches it."""

    def edit(name, blob):
        if name == RESULTS_JSON:
            doc = json.loads(blob)
            doc["units"][0]["total"] += 0.5
            return json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1).encode()
        return blob

    rewrite(bundle, edit)
    fixed = {}
    with zipfile.ZipFile(bundle) as zf:
        manifest = json.loads(zf.read(MANIFEST))
        for name in manifest["files"]:
            fixed[name] = hashlib.sha256(zf.read(name)).hexdigest()
    for name, digest in fixed.items():
        manifest["files"][name]["sha256"] = digest
    rewrite(bundle, lambda n, b: json.dumps(manifest).encode() if n == MANIFEST else b)
    report = verify_bundle(bundle)
    assert check(report, "manifest").ok
    rescore = check(report, "rescore")
    assert not rescore.ok and "/units[0]/total" in rescore.detail


def test_a_changed_weight_is_caught_by_the_scheme_fingerprint(bundle):
    def edit(name, blob):
        if name == SCHEME_JSON:
            raw = json.loads(blob)
            raw["groups"][0]["weight"], raw["groups"][1]["weight"] = 25, 15
            return json.dumps(raw).encode()
        return blob

    rewrite(bundle, edit)
    report = verify_bundle(bundle)
    assert not report.ok  # the manifest hash of scheme.json no longer matches


def test_not_a_zip_is_a_clear_failure(tmp_path):
    path = tmp_path / "x.zip"
    path.write_bytes(b"not a zip")
    report = verify_bundle(path)
    assert not report.ok and report.checks[0].name == "format"
    assert "档案校验未通过" in report.render("zh")


def test_the_commands_create_and_verify(tmp_path):
    runner = CliRunner()
    out = tmp_path / "a.zip"
    created = runner.invoke(app, ["archive", "create", str(DEMO), "-o", str(out), "--lang", "zh"])
    assert created.exit_code == 0, created.output
    verified = runner.invoke(app, ["archive", "verify", str(out), "--lang", "zh"])
    assert verified.exit_code == 0
    assert "重新计算结果与存档一致" in verified.output
    rewrite(out, lambda n, b: b.replace(b"110101", b"110199") if n.endswith(".csv") else b)
    failed = runner.invoke(app, ["archive", "verify", str(out), "--lang", "en"])
    assert failed.exit_code == 2
    assert "did NOT verify" in failed.output


# --- signed manifests (issue 10) ---------------------------------------------------------


def signed_bundle(tmp_path, scheme, key) -> Path:
    data = read_base_data(DEMO, scheme)
    path = tmp_path / "signed.zip"
    build_bundle(
        path,
        scheme=scheme,
        scheme_text=scheme_text("mof-2012"),
        data=data,
        result=evaluate(scheme, data),
        signing_key=key,
    )
    return path


def rewrite_consistently(path: Path, new_key=None) -> None:
    """What someone holding the file but not the key can do: change results, rewrite the
    manifest to match, and sign it with a key of their own (or drop the signature)."""
    from kaoping.archive.signing import public_pem, sign

    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    results = json.loads(members[RESULTS_JSON])
    results["units"][0]["total"] = 99.0
    members[RESULTS_JSON] = json.dumps(results, ensure_ascii=False).encode()
    manifest = json.loads(members[MANIFEST])
    manifest["files"][RESULTS_JSON] = {
        "sha256": hashlib.sha256(members[RESULTS_JSON]).hexdigest(),
        "size": len(members[RESULTS_JSON]),
    }
    members[MANIFEST] = json.dumps(manifest).encode()
    members.pop("manifest.sig")
    if new_key is not None:
        members["manifest.sig"] = json.dumps(
            {
                **sign(new_key, members[MANIFEST]),
                "public_key": public_pem(new_key.public_key()).decode(),
            }
        ).encode()
    with zipfile.ZipFile(path, "w") as zf:
        for name, blob in members.items():
            zf.writestr(name, blob)


def test_a_signed_bundle_verifies_with_the_public_key_alone(tmp_path, scheme):
    from kaoping.archive import signing

    key = signing.rotate(tmp_path / "keys")
    path = signed_bundle(tmp_path, scheme, key)
    trusted = signing.public_keys([tmp_path / "keys"])  # .pub files only: no private key
    report = verify_bundle(path, trusted)
    assert report.ok, report.render()
    assert check(report, "signature").detail.endswith(signing.key_id(key.public_key()))


@pytest.mark.parametrize("resign", [True, False])
def test_a_consistent_rewrite_is_caught_by_the_signature(tmp_path, scheme, resign):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from kaoping.archive import signing

    key = signing.rotate(tmp_path / "keys")
    path = signed_bundle(tmp_path, scheme, key)
    rewrite_consistently(path, Ed25519PrivateKey.generate() if resign else None)
    # The manifest matches every file again: only the signature tells.
    assert check(verify_bundle(path), "manifest").ok
    report = verify_bundle(path, signing.public_keys([tmp_path / "keys"]))
    assert not report.ok and not check(report, "signature").ok
    detail = check(report, "signature").detail
    assert ("不在受信任的公钥中" in detail) if resign else ("未签名" in detail)


def test_a_signature_over_another_manifest_is_refused(tmp_path, scheme):
    from kaoping.archive import signing

    key = signing.rotate(tmp_path / "keys")
    path = signed_bundle(tmp_path, scheme, key)
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    members[MANIFEST] = members[MANIFEST].replace(b'"format"', b'"format" ', 1)
    with zipfile.ZipFile(path, "w") as zf:
        for name, blob in members.items():
            zf.writestr(name, blob)
    report = verify_bundle(path, signing.public_keys([tmp_path / "keys"]))
    assert "签名无效" in check(report, "signature").detail


def test_duplicate_zip_members_are_refused(bundle):
    with zipfile.ZipFile(bundle, "a") as zf, pytest.warns(UserWarning, match="Duplicate name"):
        zf.writestr(RESULTS_JSON, b"{}")  # a second results.json after the genuine one
    report = verify_bundle(bundle)
    assert not report.ok
    assert "duplicate members: results/results.json" in check(report, "format").detail


def test_kaoping_archive_verify_checks_against_a_public_key(tmp_path, scheme):
    from kaoping.archive import signing

    key = signing.rotate(tmp_path / "keys")
    path = signed_bundle(tmp_path, scheme, key)
    pub = next((tmp_path / "keys").glob("*.pub"))
    ok = CliRunner().invoke(app, ["archive", "verify", str(path), "--public-key", str(pub)])
    assert ok.exit_code == 0, ok.output
    rewrite_consistently(path)
    bad = CliRunner().invoke(app, ["archive", "verify", str(path), "--public-key", str(pub)])
    assert bad.exit_code == 2 and "未签名" in bad.output


def test_the_private_key_is_readable_by_its_owner_only_and_rotation_keeps_old_public_keys(
    tmp_path,
):
    from kaoping.archive import signing

    first = signing.load_or_create(tmp_path / "keys")
    assert (tmp_path / "keys" / "signing.key").stat().st_mode & 0o777 == 0o600
    assert signing.load_or_create(tmp_path / "keys").public_key() == first.public_key()
    second = signing.rotate(tmp_path / "keys")
    trusted = signing.public_keys([tmp_path / "keys"])
    assert set(trusted) == {signing.key_id(first.public_key()), signing.key_id(second.public_key())}
    assert signing.verify(b"m", signing.sign(first, b"m"), trusted)  # old signatures still hold


class ChunkRecorder(io.BytesIO):
    """A file that remembers the largest read asked of it (streaming never asks for all)."""

    largest = 0

    def read(self, size=-1):
        ChunkRecorder.largest = max(ChunkRecorder.largest, size if size >= 0 else 1 << 62)
        return super().read(size)


def test_attachments_given_by_opener_are_streamed_in_chunks(tmp_path, scheme):
    data = read_base_data(DEMO, scheme)
    big = bytes(range(256)) * (3 * CHUNK // 256 + 7)  # a few chunks and a bit
    path = tmp_path / "streamed.zip"
    ChunkRecorder.largest = 0
    build_bundle(
        path,
        scheme=scheme,
        scheme_text=scheme_text("mof-2012"),
        data=data,
        result=evaluate(scheme, data),
        files={"attachments/110101/big.pdf": lambda: ChunkRecorder(big)},
    )
    assert 0 < ChunkRecorder.largest <= CHUNK
    assert zf_read(path, "attachments/110101/big.pdf") == big
    manifest = json.loads(zf_read(path, MANIFEST))
    listed = manifest["files"]["attachments/110101/big.pdf"]
    assert listed == {"sha256": hashlib.sha256(big).hexdigest(), "size": len(big)}
    assert verify_bundle(path).ok
