"""Pictures in a dossier: evidence photos as small embedded thumbnails.

Sections (e.g. seizures' firearm photos) call `thumbnail_data_uri(evidence)` and
put the result in an <img src>; the PDF then holds a downscaled JPEG, not the
full photo, so a case with hundreds of photos stays a reasonable file.
"""
import base64
import io

from cases.evidence import evidence_path

IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/tiff", "image/webp"}


def thumbnail_data_uri(evidence, *, max_px: int = 480, quality: int = 80) -> str:
    """A JPEG data: URI of the evidence image, at most `max_px` on its longer side; "" if not an image."""
    from PIL import Image, ImageOps

    if evidence.content_type not in IMAGE_TYPES:
        return ""
    path = evidence_path(evidence.storage_name)
    if not path.exists():
        return ""
    with Image.open(path) as image:
        image = ImageOps.exif_transpose(image)
        image.thumbnail((max_px, max_px))
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=quality, optimize=True)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
