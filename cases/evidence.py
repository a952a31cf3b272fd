"""Evidence file storage and content checks.

Files are stored under EVIDENCE_ROOT by an opaque name, hashed while they are
written, and never overwritten (a new version is a new file). The file type is
decided from the content, not from the name or the browser's claim.
"""
import hashlib
import os
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class FileKind:
    mime: str
    label: str
    extensions: tuple[str, ...]


KINDS = {
    "pdf": FileKind("application/pdf", "PDF document", (".pdf",)),
    "png": FileKind("image/png", "PNG image", (".png",)),
    "jpeg": FileKind("image/jpeg", "JPEG image", (".jpg", ".jpeg")),
    "gif": FileKind("image/gif", "GIF image", (".gif",)),
    "tiff": FileKind("image/tiff", "TIFF image", (".tif", ".tiff")),
    "webp": FileKind("image/webp", "WebP image", (".webp",)),
    "xlsx": FileKind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel workbook", (".xlsx",)),
    "docx": FileKind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word document", (".docx",)),
    "zip": FileKind("application/zip", "ZIP archive", (".zip",)),
    "xml": FileKind("application/xml", "XML document", (".xml",)),
    "json": FileKind("application/json", "JSON document", (".json",)),
    "csv": FileKind("text/csv", "CSV table", (".csv", ".tsv")),
    "text": FileKind("text/plain", "Text", (".txt", ".sta", ".mt940", ".940", ".log", ".eml")),
}
# Text kinds are told apart by the name's extension once the content is known to be text.
_TEXT_KINDS = ("xml", "json", "csv", "text")


def _sniff_binary(head: bytes, path: Path) -> str | None:
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "word/document.xml" in names:
            return "docx"
        return "zip"
    return None


def _looks_like_text(sample: bytes) -> bool:
    if not sample:
        return False
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if sample.startswith(bom):
            return True
    if b"\x00" in sample:
        return False
    try:
        sample.decode("utf-8")
        return True
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 4:  # cut in the middle of a character
            return True
    # Latin-1/CP1252 text: printable bytes and common whitespace only.
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 13, 12))
    return controls == 0


def detect_kind(path: Path, original_name: str) -> str:
    """Name of the kind in KINDS, from the content; raises ValidationError otherwise."""
    with open(path, "rb") as handle:
        head = handle.read(8192)
    kind = _sniff_binary(head, path)
    if kind:
        return kind
    if _looks_like_text(head):
        ext = os.path.splitext(original_name.lower())[1]
        stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if stripped.startswith(b"<?xml") or (stripped.startswith(b"<") and ext == ".xml"):
            return "xml"
        if ext == ".json" and stripped[:1] in (b"{", b"["):
            return "json"
        if ext in (".csv", ".tsv"):
            return "csv"
        return "text"
    raise ValidationError(f"“{original_name}”: the file's content is not of an accepted type (PDF, image, office document, archive, XML, CSV or text).")


def check_declared(kind: str, original_name: str, declared_type: str | None):
    """Refuse a file whose name or declared type contradicts its content."""
    ext = os.path.splitext(original_name.lower())[1]
    info = KINDS[kind]
    if ext and ext not in info.extensions:
        # Text formats may carry many extensions (bank statements, exports).
        if not (kind in _TEXT_KINDS and ext not in _all_binary_extensions()):
            raise ValidationError(
                f"“{original_name}” is named as {ext} but its content is a {info.label}. Rename it or upload the right file."
            )
    if declared_type and declared_type not in ("application/octet-stream", ""):
        declared_major = declared_type.split("/")[0]
        if kind not in _TEXT_KINDS and declared_type != info.mime and declared_major != info.mime.split("/")[0]:
            raise ValidationError(
                f"“{original_name}” was declared as {declared_type} but its content is a {info.label}."
            )
        if kind in _TEXT_KINDS and declared_major in ("image", "video", "audio") or (
            kind in _TEXT_KINDS and declared_type == "application/pdf"
        ):
            raise ValidationError(f"“{original_name}” was declared as {declared_type} but its content is text.")


def _all_binary_extensions():
    return {ext for name, info in KINDS.items() if name not in _TEXT_KINDS for ext in info.extensions}


@dataclass
class StoredFile:
    storage_name: str
    size: int
    sha256: str
    kind: str


def evidence_path(storage_name: str) -> Path:
    return Path(settings.EVIDENCE_ROOT) / storage_name


def store_upload(upload, *, case_reference: str) -> StoredFile:
    """Write the upload to its final place, hashing it on the way; check size
    and content. On any refusal nothing is left on disk."""
    max_bytes = settings.UPLOAD_MAX_BYTES
    name = upload.name or "upload"
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(f"“{name}” is {upload.size:,} bytes; the limit is {max_bytes:,} bytes.")
    storage_name = f"{case_reference}/{uuid.uuid4().hex}"
    final = evidence_path(storage_name)
    final.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    try:
        # "xb": never overwrite an existing file.
        with open(final, "xb") as out:
            for chunk in upload.chunks():
                size += len(chunk)
                if size > max_bytes:
                    raise ValidationError(f"“{name}” is larger than the limit of {max_bytes:,} bytes.")
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise ValidationError(f"“{name}” is empty (0 bytes).")
        kind = detect_kind(final, name)
        check_declared(kind, name, getattr(upload, "content_type", None))
        os.chmod(final, 0o440)
    except BaseException:
        final.unlink(missing_ok=True)
        raise
    return StoredFile(storage_name=storage_name, size=size, sha256=digest.hexdigest(), kind=kind)


def remove_stored(storage_name: str):
    """Only for a file whose database row was never committed."""
    path = evidence_path(storage_name)
    if path.exists():
        os.chmod(path, 0o640)
        path.unlink()


def sha256_of(storage_name: str) -> str | None:
    path = evidence_path(storage_name)
    if not path.exists():
        return None
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()
