"""Checks on uploaded scheme documents and evidence files.

The type is judged by the file's first bytes, not by its name, so an
executable renamed ``.pdf`` is refused.
"""

from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

# extension -> the leading bytes a real file of that type starts with
_SIGNATURES = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".ofd": (b"PK\x03\x04",),
}
ALLOWED_EXTENSIONS = tuple(_SIGNATURES)


def validate_document_upload(upload) -> None:
    """Refuse a file that is too large, of a type not accepted, or whose content
    does not match its extension."""
    limit = settings.BENCHMARKING_MAX_UPLOAD_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("文件过大：%(size)s，上限为 %(limit)s。"),
            code="file_too_large",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
        )
    suffix = PurePath(upload.name or "").suffix.lower()
    if suffix not in _SIGNATURES:
        raise ValidationError(
            _(
                "不支持的文件类型「%(suffix)s」，请上传 PDF、OFD、Word（.docx）、Excel（.xlsx）或图片（.png、.jpg）。"
            ),
            code="file_type",
            params={"suffix": suffix or _("无扩展名")},
        )
    # Files already stored (an unchanged FileField on edit) are not re-read.
    if getattr(upload, "_committed", False) and not hasattr(upload, "content_type"):
        return
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(16)
    upload.seek(position)
    if not head.startswith(_SIGNATURES[suffix]):
        raise ValidationError(
            _("文件内容与扩展名「%(suffix)s」不符，可能已损坏或被改名，请上传原始文件。"),
            code="file_content",
            params={"suffix": suffix},
        )
