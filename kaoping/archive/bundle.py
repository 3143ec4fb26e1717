"""The evaluation archive (评价档案): one zip file per closed round, verifiable anywhere.

A bundle holds the published scheme (as written and as resolved), the verified base data,
every input of the assessment (``data/assessment.json``: expert scores with recusals, bonus /
deduction entries, targets, price factors, earlier periods, reward fund), the results (JSON
and Excel, and the assessment's totals, ranks and awards), reports, attachments,
the round's evaluation-log entries with the chain head, and ``manifest.json`` with the
SHA-256 of every file. :func:`verify_bundle` checks the manifest, then re-runs the scoring
from the archived scheme and data and confirms it gives the archived results exactly — the
notice's 校验复核 (re-checking of scores), possible on any installation, years later.

The manifest's own hash is what the round's archive log entry records, so a bundle whose
manifest was rewritten no longer matches the (hash-chained) evaluation log.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import tomllib
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kaoping.archive.signing import public_pem, sign, verify
from kaoping.scoring import (
    Adjustment,
    Assessment,
    BaseData,
    EvaluationResult,
    Scheme,
    assess,
    evaluate,
    result_to_dict,
    scheme_from_dict,
)
from kaoping.scoring.assessment_json import assessment_from_dict, assessment_to_dict
from kaoping.scoring.errors import KaopingError, Text
from kaoping.scoring.i18n import gettext, gettext_noop, pgettext

FORMAT = "kaoping-archive/1"
MANIFEST = "manifest.json"
SCHEME_TOML = "scheme/scheme.toml"
SCHEME_JSON = "scheme/scheme.json"
BASE_DATA = "data/base-data.csv"
ADJUSTMENTS = "data/adjustments.json"
RESULTS_JSON = "results/results.json"
RESULTS_XLSX = "results/results.xlsx"
ASSESSMENT = "data/assessment.json"
RESULTS_ASSESSMENT = "results/assessment.json"
LOG = "log/entries.jsonl"
CHAIN_HEAD = "log/chain-head.txt"
SIGNATURE = "manifest.sig"  # Ed25519 over manifest.json's bytes (kaoping.archive.signing)
CHUNK = 1 << 20  # attachments are hashed and copied into the zip this much at a time

# A further file: its bytes, or a function opening it for reading (streamed, never held whole).
FileSource = bytes | Callable[[], IO[bytes]]


@dataclass
class Check:
    """One verification step: what was checked, whether it held, and details.

    A detail is language-neutral text (a file name, a hash, an error's own words), a
    :class:`~kaoping.scoring.errors.Text` or an input's problems, translated when the verification is shown.
    """

    name: str
    ok: bool
    notes: tuple[Text | KaopingError | str, ...] = ()

    def text(self, lang: str = "zh") -> str:
        """The details in ``lang``."""
        parts = [_note_text(n, lang) for n in self.notes]
        return pgettext("between the details of a check", "; ", lang).join(parts)

    @property
    def detail(self) -> str:
        """The details in Chinese, then in English where that differs (for logs and tests)."""
        zh, en = self.text("zh"), self.text("en")
        return zh if zh == en else f"{zh} / {en}"


@dataclass
class Verification:
    """The outcome of :func:`verify_bundle`."""

    path: str
    checks: list[Check] = field(default_factory=list)
    manifest_sha256: str = ""

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def render(self, lang: str = "zh") -> str:
        mark = {True: "✔", False: "✘"}
        lines = []
        for check in self.checks:
            name = gettext(CHECK_NAMES[check.name], lang)
            detail = check.text(lang)
            if detail:
                name = gettext("{check}: {detail}", lang).format(check=name, detail=detail)
            lines.append(f"{mark[check.ok]} {name}")
        if self.ok:
            lines.append(
                gettext("The archive is intact and re-scoring gives the archived results.", lang)
            )
        else:
            lines.append(gettext("The archive did NOT verify.", lang))
        return "\n".join(lines)


def _note_text(note: Text | KaopingError | str, lang: str) -> str:
    if isinstance(note, Text):
        return note.text(lang)
    if isinstance(note, KaopingError):
        return note.render(lang)
    return note


CHECK_NAMES = {
    "format": gettext_noop("archive format"),
    "signature": gettext_noop("manifest signature (Ed25519)"),
    "manifest": gettext_noop("manifest and SHA-256 of every file"),
    "scheme": gettext_noop("scheme fingerprint"),
    "data": gettext_noop("base-data fingerprint"),
    "rescore": gettext_noop("re-scoring from the archived scheme and data"),
}


def base_data_csv(scheme: Scheme, data: BaseData) -> bytes:
    """The base data as UTF-8 CSV with field keys as headers; floats written exactly."""
    keys = [f.key for f in scheme.input_fields if f.is_numeric and f.key in data.columns]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["unit_code", "unit_name", "year", *keys])
    for i, unit in enumerate(data.units):
        cells = [_exact(data.columns[k][i]) for k in keys]
        writer.writerow([unit.code, unit.name, "" if unit.year is None else unit.year, *cells])
    return buffer.getvalue().encode("utf-8")


def _exact(x: float) -> str:
    value = float(x)
    if math.isnan(value):
        return ""
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def build_bundle(
    path: str | Path,
    *,
    scheme: Scheme,
    scheme_text: str,
    data: BaseData,
    result: EvaluationResult | None = None,
    adjustments: Iterable[Adjustment] = (),
    assessment: Assessment | None = None,
    files: Mapping[str, FileSource] | None = None,
    log_entries: Iterable[Mapping[str, Any]] = (),
    chain_head: str | None = None,
    chain_count: int | None = None,
    meta: Mapping[str, Any] | None = None,
    signing_key: Ed25519PrivateKey | None = None,
) -> str:
    """Write the archive zip for a closed round; returns the manifest's SHA-256.

    Parameters
    ----------
    scheme_text : str
        The scheme file exactly as published (frozen).
    files : mapping of str to bytes or to a function opening a binary file
        Further files by archive path, e.g. ``"reports/110101.pdf"``,
        ``"attachments/110101/核查记录.pdf"``, ``"experts/scores.xlsx"``. A file given by
        its opener is read twice in chunks (hashed, then copied into the zip), so an
        attachment of any size never sits whole in memory.
    log_entries : iterable of mappings
        The round's evaluation-log entries (JSON-serialisable), oldest first.
    assessment : Assessment, optional
        Every input of the round; stored whole, assessed, and re-assessed by
        :func:`verify_bundle` (``result`` and ``adjustments`` then come from it).
    signing_key : Ed25519PrivateKey, optional
        Signs the manifest (``manifest.sig``), so that anyone holding the public key can
        tell the archive from one rewritten consistently, manifest included.
    """
    from kaoping.reports.workbook import write_results_workbook

    extra: dict[str, bytes] = {}
    if assessment is not None:
        assessed = assess(assessment)
        result = assessed.evaluation
        adjustments = result.adjustments
        extra = {
            ASSESSMENT: _json(assessment_to_dict(assessment)),
            RESULTS_ASSESSMENT: _json(assessed.to_dict()),
        }
    if result is None:
        raise ValueError("build_bundle needs a result or an assessment")
    contents: dict[str, bytes] = {
        SCHEME_TOML: scheme_text.encode("utf-8"),
        SCHEME_JSON: _json(scheme.raw),
        BASE_DATA: base_data_csv(scheme, data),
        ADJUSTMENTS: _json([a.__dict__ for a in adjustments]),
        RESULTS_JSON: _json(result_to_dict(result)),
        **extra,
    }
    workbook = io.BytesIO()
    write_results_workbook(result, workbook)
    contents[RESULTS_XLSX] = workbook.getvalue()
    entries = list(log_entries)
    if entries:
        lines = (json.dumps(e, ensure_ascii=False, sort_keys=True, default=str) for e in entries)
        contents[LOG] = ("\n".join(lines) + "\n").encode("utf-8")
    if chain_head:
        contents[CHAIN_HEAD] = chain_head.encode("ascii")
    streamed: dict[str, Callable[[], IO[bytes]]] = {}
    for name, source in (files or {}).items():
        if isinstance(source, bytes):
            contents[_safe_name(name)] = source
        else:
            streamed[_safe_name(name)] = source
    listed = {
        name: {"sha256": hashlib.sha256(blob).hexdigest(), "size": len(blob)}
        for name, blob in contents.items()
    }
    listed.update({name: _streamed_digest(opener) for name, opener in streamed.items()})
    manifest = {
        "format": FORMAT,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "meta": dict(meta or {}),
        "scheme": {"code": scheme.code, "version": scheme.version, "sha256": scheme.sha256},
        "input_sha256": data.fingerprint(),
        "chain_head": chain_head,
        "chain_count": chain_count,
        "files": dict(sorted(listed.items())),
    }
    manifest_bytes = _json(manifest)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(MANIFEST, manifest_bytes)
        if signing_key is not None:
            signature = {
                **sign(signing_key, manifest_bytes),
                "public_key": public_pem(signing_key.public_key()).decode("ascii"),
            }
            zf.writestr(SIGNATURE, _json(signature))
        for name in sorted(listed):
            if name in contents:
                zf.writestr(name, contents[name])
                continue
            with streamed[name]() as stream, zf.open(name, "w", force_zip64=True) as member:
                for block in iter(lambda: stream.read(CHUNK), b""):
                    member.write(block)
    partial.replace(target)
    return hashlib.sha256(manifest_bytes).hexdigest()


def verify_bundle(path: str | Path, public_keys: Mapping[str, Any] | None = None) -> Verification:
    """Check the signature and every file against the manifest, then re-score and compare.

    ``public_keys`` (key id to Ed25519 public key, :func:`kaoping.archive.signing.public_keys`)
    are the keys trusted to sign manifests. Without them the signature is reported but not
    relied on: only a trusted key tells an archive from one rewritten consistently.
    """
    report = Verification(path=str(path))
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        report.checks.append(Check("format", False, (str(exc),)))
        return report
    with zf:
        listed = zf.namelist()
        duplicates = sorted({n for n in listed if listed.count(n) > 1})
        if duplicates:
            # Two members of one name: which one a reader sees depends on the reader.
            report.checks.append(
                Check(
                    "format",
                    False,
                    (
                        Text(
                            gettext_noop("duplicate members: {names}"),
                            {"names": ", ".join(duplicates[:5])},
                        ),
                    ),
                )
            )
            return report
        names = set(listed)
        if MANIFEST not in names:
            report.checks.append(Check("format", False, (MANIFEST,)))
            return report
        manifest_bytes = zf.read(MANIFEST)
        report.manifest_sha256 = hashlib.sha256(manifest_bytes).hexdigest()
        try:
            manifest = json.loads(manifest_bytes)
        except ValueError as exc:
            report.checks.append(Check("format", False, (str(exc),)))
            return report
        report.checks.append(
            Check("format", manifest.get("format") == FORMAT, (str(manifest.get("format", "")),))
        )
        report.checks.append(_check_signature(zf, names, manifest_bytes, public_keys))
        report.checks.append(_check_manifest(zf, names - {SIGNATURE}, manifest))
        if not report.ok:
            return report
        report.checks += _rescore(zf, manifest)
    return report


def _check_signature(
    zf: zipfile.ZipFile, names: set[str], manifest_bytes: bytes, keys: Mapping[str, Any] | None
) -> Check:
    if SIGNATURE not in names:
        return Check("signature", not keys, (Text(gettext_noop("unsigned")),))
    try:
        signature = json.loads(zf.read(SIGNATURE))
        key_id = str(signature["key_id"])
    except (ValueError, KeyError, TypeError) as exc:
        return Check("signature", False, (f"{type(exc).__name__}: {exc}",))
    if not keys:
        note = gettext_noop("key {key} (not checked: no public key given)")
        return Check("signature", True, (Text(note, {"key": key_id}),))
    if key_id not in keys:
        note = gettext_noop("key {key} is not trusted")
        return Check("signature", False, (Text(note, {"key": key_id}),))
    if not verify(manifest_bytes, signature, keys):
        return Check(
            "signature", False, (Text(gettext_noop("bad signature (key {key})"), {"key": key_id}),)
        )
    return Check("signature", True, (Text(gettext_noop("key {key}"), {"key": key_id}),))


def _check_manifest(zf: zipfile.ZipFile, names: set[str], manifest: Mapping[str, Any]) -> Check:
    listed = manifest.get("files", {})
    problems: list[Text] = []
    for name, entry in sorted(listed.items()):
        if name not in names:
            problems.append(Text(gettext_noop("missing {name}"), {"name": name}))
        elif hashlib.sha256(zf.read(name)).hexdigest() != entry.get("sha256"):
            problems.append(Text(gettext_noop("altered {name}"), {"name": name}))
    for name in sorted(names - set(listed) - {MANIFEST}):
        problems.append(Text(gettext_noop("unlisted {name}"), {"name": name}))
    if problems:
        return Check("manifest", False, tuple(problems))
    return Check("manifest", True, (Text(gettext_noop("{count} files"), {"count": len(listed)}),))


def _rescore(zf: zipfile.ZipFile, manifest: Mapping[str, Any]) -> list[Check]:
    from kaoping.tables import read_base_data

    checks = []
    try:
        raw = json.loads(zf.read(SCHEME_JSON))
        scheme = scheme_from_dict(raw, path=SCHEME_JSON)
        # The frozen text, parsed, must be the same scheme (unless it extends a built-in).
        text_raw = tomllib.loads(zf.read(SCHEME_TOML).decode("utf-8"))
        same_text = "extends" in text_raw.get("scheme", {}) or text_raw == raw
        checks.append(
            Check(
                "scheme",
                scheme.sha256 == manifest["scheme"]["sha256"] and same_text,
                (scheme.sha256[:16],),
            )
        )
        data = read_base_data(zf.read(BASE_DATA), scheme, filename=BASE_DATA)
        checks.append(
            Check(
                "data", data.fingerprint() == manifest["input_sha256"], (data.fingerprint()[:16],)
            )
        )
        if ASSESSMENT in zf.namelist():  # every input: re-assess the whole round
            inputs = assessment_from_dict(scheme, json.loads(zf.read(ASSESSMENT)))
            if inputs.data.fingerprint() != data.fingerprint():
                return [*checks, Check("rescore", False, (ASSESSMENT,))]
            assessed = assess(inputs)
            pairs = [
                (RESULTS_JSON, result_to_dict(assessed.evaluation)),
                (RESULTS_ASSESSMENT, assessed.to_dict()),
            ]
        else:
            adjustments = [Adjustment(**a) for a in json.loads(zf.read(ADJUSTMENTS))]
            pairs = [
                (RESULTS_JSON, result_to_dict(evaluate(scheme, data, adjustments=adjustments)))
            ]
        differences = []
        for name, fresh in pairs:
            # the same JSON round trip as the archived copy
            differences += _differences(json.loads(zf.read(name)), json.loads(_json(fresh)))
        checks.append(Check("rescore", not differences, tuple(differences[:5])))
    except KaopingError as exc:
        checks.append(Check("rescore", False, (exc,)))
    except (KeyError, ValueError, TypeError) as exc:
        checks.append(Check("rescore", False, (f"{type(exc).__name__}: {exc}",)))
    return checks


def _differences(archived: Any, fresh: Any, where: str = "") -> list[str]:
    """Paths where two JSON documents differ (numbers compared exactly)."""
    if isinstance(archived, dict) and isinstance(fresh, dict):
        out = []
        for key in sorted(set(archived) | set(fresh), key=str):
            if where == "" and key in ("warnings", "input_sha256"):
                continue  # the file's fingerprint; its content is checked by "data"
            out += _differences(archived.get(key), fresh.get(key), f"{where}/{key}")
        return out
    if isinstance(archived, list) and isinstance(fresh, list):
        if len(archived) != len(fresh):
            return [f"{where}: {len(archived)} ≠ {len(fresh)}"]
        out = []
        for i, (a, b) in enumerate(zip(archived, fresh, strict=True)):
            out += _differences(a, b, f"{where}[{i}]")
        return out
    return [] if archived == fresh else [f"{where}: {archived!r} ≠ {fresh!r}"]


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1, default=str).encode(
        "utf-8"
    )


def _streamed_digest(opener: Callable[[], IO[bytes]]) -> dict[str, Any]:
    digest, size = hashlib.sha256(), 0
    with opener() as source:
        for block in iter(lambda: source.read(CHUNK), b""):
            digest.update(block)
            size += len(block)
    return {"sha256": digest.hexdigest(), "size": size}


def _safe_name(name: str) -> str:
    """Archive paths stay inside the archive: no absolute paths, no '..'."""
    parts = [p for p in Path(name).parts if p not in ("", ".", "..", "/")]
    if not parts:
        raise ValueError(f"bad archive path: {name!r}")
    return "/".join(parts)
