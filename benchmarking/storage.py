"""Where uploaded scheme documents and evidence files are kept.

The default storage (settings.STORAGES["default"]) so every FileField uses it
without a migration.
"""

import re
import uuid
from pathlib import PurePath

from django.core.files.storage import FileSystemStorage

# An extension we keep: a dot and a few letters or digits. Anything else is dropped,
# so a crafted name cannot smuggle characters into the stored path.
_SAFE_EXTENSION = re.compile(r"\.[a-z0-9]{1,10}")


def random_file_name(original: str) -> str:
    """A fresh random base name (32 hex digits) with the original's extension, lower-cased."""
    suffix = PurePath(original).suffix.lower()
    return uuid.uuid4().hex + (suffix if _SAFE_EXTENSION.fullmatch(suffix) else "")


class RandomNameStorage(FileSystemStorage):
    """Files under MEDIA_ROOT in the field's ``upload_to`` folder, each stored under a random
    name: an uploader cannot choose, guess or overwrite another file's name, and names
    carry nothing personal. The download view gives the file a readable name back."""

    def get_valid_name(self, name):
        # Storage.generate_filename calls this with the base name only; the folder
        # from upload_to ("evidence/2026/03/") is kept as it is.
        return random_file_name(name)
