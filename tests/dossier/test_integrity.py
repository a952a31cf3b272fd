"""A dossier's fingerprint is stored and audited; copies are verified against it."""
import io
import json
import re
import zipfile

import pytest
from django.core.management import call_command

from cases.models import AuditEvent
from cases.dossier import services as dossier_services
from tests.dossier.conftest import pdf_pages, render

pytestmark = pytest.mark.django_db


def _verify(path, capsys):
    try:
        call_command("dossier_verify", str(path))
        code = 0
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, out.out + out.err


def _edited(pdf: bytes) -> bytes:
    """The dossier re-saved by a PDF editor with one line of the cover changed."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.add_metadata({"/Subject": "edited"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_dossier_verify_accepts_the_original_and_rejects_a_modified_copy(world, content, tmp_path, capsys):
    dossier, pdf = render(world, "prosecutor")
    original = tmp_path / "dossier.pdf"
    original.write_bytes(pdf)
    code, out = _verify(original, capsys)
    assert code == 0
    assert f"OK: the file is dossier {dossier.identifier} of case {world.case.reference}" in out

    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(_edited(pdf))
    code, out = _verify(tampered, capsys)
    assert code == 1
    assert "NO MATCH" in out
    assert f"claims to be dossier {dossier.identifier}" in out
    flipped = tmp_path / "flipped.pdf"
    flipped.write_bytes(pdf[:1000] + bytes([pdf[1000] ^ 1]) + pdf[1001:])
    code, out = _verify(flipped, capsys)
    assert code == 1 and "NO MATCH" in out
    results = list(AuditEvent.objects.filter(action="dossier.verify").values_list("details", flat=True))
    assert [r["ok"] for r in results] == [True, False, False]


def test_generation_is_audited_with_the_hash(world, content):
    dossier, pdf = render(world, "prosecutor")
    events = AuditEvent.objects.filter(object_type="cases.Dossier", object_id=str(dossier.pk)).order_by("id")
    assert [e.action for e in events] == ["dossier.request", "dossier.render.start", "dossier.generate"]
    generated = events.last().details
    assert generated["sha256"] == dossier.pdf_sha256 == dossier_services.render.sha256_bytes(pdf)
    assert generated["manifest_sha256"] == dossier.manifest_sha256
    canonical = dossier_services.render.canonical_json(dossier.manifest)
    assert dossier_services.render.sha256_bytes(canonical) == dossier.manifest_sha256
    # The appendix prints the events of the dossier's own generation.
    appendix = pdf_pages(pdf)[-1]
    assert "dossier.request" in appendix and "dossier.render.start" in appendix


def test_page_count_and_contents_page_numbers_agree(world, content):
    dossier, pdf = render(world, "lead")
    pages = pdf_pages(pdf)
    assert len(pages) == dossier.page_count
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
    contents = next(p for p in pages if p.lstrip().splitlines()[0:4] and "Contents" in p)
    entries = re.findall(r"^(\d+\.|Appendix\.) (.+?)(?: \(\d+\))?[ .]*?(\d+)\s*$", contents, re.M)
    titles = [s["title"] for s in dossier.manifest["sections"]]
    assert len(entries) == len(titles) + 1
    for (label, title, page_number), expected_title in zip(entries, titles + ["Generation of this dossier"]):
        assert title.strip(" .").startswith(expected_title[:20])
        heading = f"{label} {expected_title}"
        landing = pages[int(page_number) - 1]
        assert heading in landing, f"{heading!r} is not on page {page_number}"
        # and on no earlier page after the contents
        assert not any(heading in p for p in pages[2:int(page_number) - 1])


def test_bundle_holds_pdf_manifest_and_exhibits_and_verifies(world, content, tmp_path, capsys):
    dossier, pdf = render(world, "prosecutor", bundle=True)
    data = dossier_services.stored_path(dossier.bundle_storage_name).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert f"{dossier.identifier}.pdf" in names
        assert archive.read(f"{dossier.identifier}.pdf") == pdf
        assert json.loads(archive.read("manifest.json"))["dossier"] == dossier.identifier
        exhibit = f"exhibits/EX-{content.exhibit.pk}_manifest.csv"
        assert exhibit in names
        assert f"{content.exhibit.sha256}  {exhibit}" in archive.read("SHA256SUMS").decode()
    path = tmp_path / "bundle.zip"
    path.write_bytes(data)
    code, out = _verify(path, capsys)
    assert code == 0 and "zip bundle of dossier" in out


def test_cli_writes_the_same_kind_of_dossier(world, content, tmp_path, capsys):
    out = tmp_path / "cli.pdf"
    call_command("dossier", case=world.case.reference, username="prosecutor", out=str(out))
    assert "pages" in capsys.readouterr().out
    code, message = _verify(out, capsys)
    assert code == 0 and "generated for prosecutor" in message
    assert AuditEvent.objects.filter(action="dossier.download.pdf", actor=world.users["prosecutor"]).count() == 1


def test_cli_refuses_someone_outside_the_team(world, content, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="may not export"):
        call_command("dossier", case=world.case.reference, username="outsider", out=str(tmp_path / "x.pdf"))
    assert not (tmp_path / "x.pdf").exists()


def test_a_failed_rendering_leaves_no_file_and_says_why(world, content, monkeypatch, settings):
    from pathlib import Path

    from cases.dossier import render as render_module
    from cases.models import Dossier

    def broken(html, progress=None):
        raise RuntimeError("layout engine crashed")

    monkeypatch.setattr(render_module, "render_pdf", broken)
    dossier = dossier_services.dossier_request(case=world.case, by=world.users["prosecutor"], start_job=False)
    with pytest.raises(RuntimeError):
        dossier_services.dossier_build(dossier=dossier)
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.FAILED and "layout engine crashed" in dossier.error
    assert not dossier.pdf_sha256
    root = Path(settings.EVIDENCE_ROOT) / "dossiers"
    assert not root.exists() or not any(p.is_file() for p in root.rglob("*"))
    assert not AuditEvent.objects.filter(action="dossier.generate").exists()
