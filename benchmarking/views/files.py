"""Uploaded files, served only to those who may see the record they belong to."""

import re
from pathlib import PurePath

from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404

from ..models import DeclarationEvidence, TechnicalScheme
from ..scoping import visible_to

# Characters Windows or a browser would refuse in a saved file's name.
_UNSAFE_IN_FILE_NAME = re.compile(r'[\x00-\x1f\x7f\\/:*?"<>|]+')


def _visible_owner(user, path: str):
    """The scheme or evidence record that owns the stored file, if this user may see it."""
    scheme = visible_to(user, TechnicalScheme).filter(document=path).only("code", "title").first()
    if scheme is not None:
        return scheme
    return visible_to(user, DeclarationEvidence).filter(file=path).only("title").first()


def download_name(record, path: str) -> str:
    """The name the browser saves the file under: what the record calls it, with the stored
    file's extension, since the stored name itself is random."""
    suffix = PurePath(path).suffix.lower()
    label = f"{record.code} {record.title}" if isinstance(record, TechnicalScheme) else record.title
    label = _UNSAFE_IN_FILE_NAME.sub("_", label).strip(" .")[:100]
    return f"{label}{suffix}" if label else PurePath(path).name


def protected_file(request, path: str):
    """Stream a stored upload. A file the user may not see, or that no record
    owns, is a 404 — the same answer as a file that does not exist."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if _UNSAFE_IN_FILE_NAME.search(path.replace("/", "")):
        raise Http404  # no stored name has these; PostgreSQL would refuse a NUL outright
    record = _visible_owner(request.user, path)
    if record is None:
        raise Http404
    storage = DeclarationEvidence.file.field.storage
    if not storage.exists(path):
        raise Http404
    return FileResponse(storage.open(path, "rb"), as_attachment=True, filename=download_name(record, path))
