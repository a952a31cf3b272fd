"""Signed checkpoints of the audit chain head, kept outside the database.

A checkpoint says: "at time T the chain ended at event #N with seal H, after C
events", signed with HMAC-SHA256 under the audit key. Checkpoints are appended,
one JSON object per line, to `<PARALLAX_AUDIT_CHECKPOINT_DIR>/audit-checkpoints.jsonl`,
opened with O_APPEND and never rewritten. Each line also carries the signature
of the line before it (`prev`), so a line removed from the middle of the file
is found too.

Against the database, a checkpoint proves what the HMAC chain alone cannot:
that the newest events were not deleted (the chain must still reach #N with
C events) and that the chain was not re-sealed by someone holding the key
(event #N must still carry H). `audit_verify` compares the chain with every
checkpoint (cases/audit.py `audit_verify_chain`); beat writes one every few
minutes (`audit_checkpoint_write`, cases.tasks.audit_checkpoint) and
`audit_verify` one after each successful check. Every dossier prints the
latest checkpoint it was built against.
"""
import fcntl
import hashlib
import hmac
import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from cases.models.audit import audit_key

logger = logging.getLogger(__name__)

FORMAT = "parallax-audit-checkpoint/1"
FILENAME = "audit-checkpoints.jsonl"
_DOMAIN = b"parallax-audit-checkpoint\x00"  # keeps checkpoint signatures apart from event seals
_TAIL_BYTES = 64 * 1024


class CheckpointFileError(Exception):
    """The checkpoint file is damaged or was altered; `line` is the 1-based line at fault."""

    def __init__(self, message, line=None):
        super().__init__(message)
        self.line = line


class AuditChainBroken(Exception):
    """The chain failed verification; no checkpoint is written over a broken chain."""

    def __init__(self, report):
        super().__init__(f"audit event #{report.broken_event_id}: {report.reason}")
        self.report = report


@dataclass(frozen=True)
class Checkpoint:
    last_id: int
    hash: str
    algo: str
    count: int
    at: str
    reason: str
    prev: str
    sig: str
    format: str = FORMAT
    line: int = 0  # where it was read from (not part of the signed content)

    def signed_fields(self) -> dict:
        data = asdict(self)
        data.pop("sig")
        data.pop("line")
        return data

    def describe(self) -> str:
        return f"signed checkpoint of {self.at} (line {self.line}: {self.count} events up to #{self.last_id})"


def checkpoint_path() -> Path:
    return Path(settings.PARALLAX_AUDIT_CHECKPOINT_DIR) / FILENAME


def _sign(fields: dict, key: bytes | None = None) -> str:
    message = _DOMAIN + json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    return hmac.new(key if key is not None else audit_key(), message, hashlib.sha256).hexdigest()


def _parse(raw: bytes, number: int, key: bytes) -> Checkpoint:
    try:
        data = json.loads(raw)
        checkpoint = Checkpoint(
            last_id=int(data["last_id"]), hash=str(data["hash"]), algo=str(data["algo"]), count=int(data["count"]),
            at=str(data["at"]), reason=str(data["reason"]), prev=str(data["prev"]), sig=str(data["sig"]),
            format=str(data["format"]), line=number,
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise CheckpointFileError(f"line {number} of {checkpoint_path()} is not a checkpoint ({exc})", number) from None
    if checkpoint.format != FORMAT or set(data) != {*checkpoint.signed_fields(), "sig"}:
        raise CheckpointFileError(f"line {number} of {checkpoint_path()} has unexpected fields", number)
    if not hmac.compare_digest(_sign(checkpoint.signed_fields(), key), checkpoint.sig):
        raise CheckpointFileError(
            f"line {number} of {checkpoint_path()} has an invalid signature (altered, or signed with another key)",
            number)
    return checkpoint


def read_checkpoints(*, key: bytes | None = None) -> list[Checkpoint]:
    """Every checkpoint in the file, each signature and each link to the line before verified."""
    path = checkpoint_path()
    if not path.exists():
        return []
    key = key if key is not None else audit_key()
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        raise CheckpointFileError(f"{path} ends with an incomplete line (a write was cut short, or it was altered)")
    checkpoints, prev = [], ""
    for number, raw in enumerate(data.splitlines(), start=1):
        checkpoint = _parse(raw, number, key)
        if checkpoint.prev != prev:
            raise CheckpointFileError(
                f"line {number} of {path} does not follow the line before it (a checkpoint was removed or reordered)",
                number)
        checkpoints.append(checkpoint)
        prev = checkpoint.sig
    return checkpoints


def _last_line(fd) -> tuple[bytes, int]:
    """(the last complete line, its 1-based number) of the open file, or (b"", 0) when empty."""
    size = os.fstat(fd).st_size
    if size == 0:
        return b"", 0
    tail = os.pread(fd, min(size, _TAIL_BYTES), max(0, size - _TAIL_BYTES))
    if not tail.endswith(b"\n"):
        raise CheckpointFileError(f"{checkpoint_path()} ends with an incomplete line; it must be repaired by hand")
    lines = tail.splitlines()
    if size > _TAIL_BYTES:
        lines = lines[1:]  # the first one may be cut
    number = _line_count(fd, size)
    return lines[-1], number


def _line_count(fd, size) -> int:
    count, offset = 0, 0
    while offset < size:
        chunk = os.pread(fd, 1 << 20, offset)
        if not chunk:
            break
        count += chunk.count(b"\n")
        offset += len(chunk)
    return count


def latest_checkpoint(*, key: bytes | None = None) -> Checkpoint | None:
    """The newest checkpoint (its signature verified), or None when none was written yet."""
    path = checkpoint_path()
    if not path.exists():
        return None
    fd = os.open(path, os.O_RDONLY)
    try:
        raw, number = _last_line(fd)
    finally:
        os.close(fd)
    return _parse(raw, number, key if key is not None else audit_key()) if raw else None


def checkpoint_for_print() -> Checkpoint | None:
    """For documents (the dossier): the latest checkpoint, None if there is none or the file is damaged."""
    try:
        return latest_checkpoint()
    except (CheckpointFileError, OSError) as exc:
        logger.error("audit checkpoint file unreadable: %s", exc)
        return None


def checkpoint_append(*, last_id: int, hash: str, algo: str, count: int, reason: str,
                      key: bytes | None = None) -> Checkpoint:
    """Append one signed checkpoint. The file is only ever opened for appending."""
    key = key if key is not None else audit_key()
    path = checkpoint_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # the beat task and `audit_verify` may write at the same moment
        reader = os.open(path, os.O_RDONLY)
        try:
            raw, number = _last_line(reader)
        finally:
            os.close(reader)
        prev = _parse(raw, number, key).sig if raw else ""
        fields = {"format": FORMAT, "last_id": last_id, "hash": hash, "algo": algo, "count": count,
                  "at": timezone.now().isoformat(), "reason": reason, "prev": prev}
        signature = _sign(fields, key)
        line = json.dumps({**fields, "sig": signature}, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        data = (line + "\n").encode()
        written = os.write(fd, data)
        if written != len(data):
            raise OSError(f"short write to {path} ({written} of {len(data)} bytes)")
        os.fsync(fd)
    finally:
        os.close(fd)  # also releases the lock
    return Checkpoint(**fields, sig=signature, line=number + 1)


def audit_checkpoint_write(*, reason: str = "schedule", report=None) -> Checkpoint | None:
    """Check the chain since the latest checkpoint, then append a signed checkpoint of its head.

    `report`: a full `audit_verify_chain()` report just made (by `audit_verify`), so the chain is not
    walked twice. Raises AuditChainBroken (and writes nothing) when the chain does not verify.
    Returns None while the chain is empty.
    """
    from cases.audit import audit_verify_chain

    latest = None
    if report is None:
        latest = latest_checkpoint()
        report = audit_verify_chain(checkpoints=[latest] if latest else [], resume_from=latest)
    if not report.ok:
        logger.error("audit chain broken, no checkpoint written: #%s %s", report.broken_event_id, report.reason)
        raise AuditChainBroken(report)
    if report.head_id is None:
        return None
    if latest is not None and reason == "schedule" and (latest.last_id, latest.hash) == (report.head_id, report.head_hash):
        return latest  # nothing appended since: the file does not grow while the trail is idle
    return checkpoint_append(last_id=report.head_id, hash=report.head_hash, algo=report.head_algo,
                             count=report.checked, reason=reason)
