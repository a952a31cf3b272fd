"""Evidence photos go into a dossier as small thumbnails."""
import base64
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cases import services
from cases.dossier.images import thumbnail_data_uri

pytestmark = pytest.mark.django_db


def test_a_photo_becomes_a_small_jpeg_and_other_files_none(world):
    buffer = io.BytesIO()
    Image.new("RGB", (2000, 1000), "gray").save(buffer, "PNG")
    photo = services.evidence_upload(case=world.case, by=world.users["lead"],
                                     upload=SimpleUploadedFile("pistol.png", buffer.getvalue(), "image/png"))
    uri = thumbnail_data_uri(photo, max_px=300)
    assert uri.startswith("data:image/jpeg;base64,")
    with Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))) as thumb:
        assert thumb.size == (300, 150)
    text = services.evidence_upload(case=world.case, by=world.users["lead"],
                                    upload=SimpleUploadedFile("n.csv", b"a,b\n1,2\n", "text/csv"))
    assert thumbnail_data_uri(text) == ""
