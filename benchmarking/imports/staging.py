"""Uploaded files waiting between the import's preview and its confirmation.

The bytes wait under MEDIA_ROOT/imports/ with a random token for a name and a sidecar JSON
saying whose upload it is, for which kind, and when. The confirm form carries only the token:
the server never takes a path from the client, and a token is honoured only for the user and
the kind it was issued to, within ``STAGED_FOR``, and only once.
"""

import datetime as dt
import json
import os
import re
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.http import Http404

from .engine import ImportKind

# How long an uploaded file waits for its confirmation.
STAGED_FOR = dt.timedelta(hours=1)
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)


class UploadExpired(Exception):
    """The staged upload is older than STAGED_FOR; it has been deleted."""


def _staging_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def _write_private(path: Path, data: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)


def _sweep_expired(directory: Path) -> None:
    """Delete staged uploads nobody confirmed (and leftovers of interrupted confirmations)."""
    cutoff = time.time() - STAGED_FOR.total_seconds() - 60
    for path in directory.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
        except FileNotFoundError:
            pass  # another request swept or claimed it first


def sweep_staged() -> None:
    """Delete expired staged uploads, if any were ever staged (called on upload and on confirm,
    so files of abandoned previews go even when nobody uploads again)."""
    directory = _staging_dir()
    if directory.is_dir():
        _sweep_expired(directory)


def discard_upload(token: str) -> None:
    """Delete a staged upload whose preview never reached the user (rendering it failed)."""
    if _TOKEN.fullmatch(token):
        for suffix in ("json", "data"):  # the sidecar first: without it the bytes are not confirmable
            (_staging_dir() / f"{token}.{suffix}").unlink(missing_ok=True)


def stage_upload(*, user, kind: ImportKind, name: str, data: bytes) -> str:
    """Keep the uploaded bytes for the confirm step; the token that names them."""
    directory = _staging_dir()
    directory.mkdir(parents=True, exist_ok=True)
    _sweep_expired(directory)
    token = secrets.token_urlsafe(32)
    _write_private(directory / f"{token}.data", data)
    # The sidecar is written last: a half-written upload has none, and is not confirmable.
    sidecar = {"user": user.pk, "kind": kind.key, "name": name, "created": time.time()}
    _write_private(directory / f"{token}.json", json.dumps(sidecar).encode())
    return token


def _sidecar(token, user, kind: ImportKind) -> dict:
    """The staged upload's sidecar, if ``token`` names one issued to ``user`` for ``kind``; Http404 otherwise."""
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        raise Http404
    try:
        meta = json.loads((_staging_dir() / f"{token}.json").read_text(encoding="utf-8"))
    except (FileNotFoundError, NotADirectoryError, ValueError):
        raise Http404 from None
    if meta.get("user") != user.pk or meta.get("kind") != kind.key:
        raise Http404
    return meta


def read_upload(*, token: str, user, kind: ImportKind) -> tuple[str, bytes]:
    """The staged upload's file name and bytes, left in place for its confirmation (the
    problem-row download reads it). Http404 and UploadExpired as ``claim_upload``."""
    meta = _sidecar(token, user, kind)
    if time.time() - float(meta.get("created", 0)) > STAGED_FOR.total_seconds():
        raise UploadExpired
    try:
        data = (_staging_dir() / f"{token}.data").read_bytes()
    except FileNotFoundError:
        raise Http404 from None
    return str(meta.get("name") or "upload.xlsx"), data


def claim_upload(*, token: str, user, kind: ImportKind) -> tuple[str, bytes]:
    """The staged upload's file name and bytes, removed from the server so it is imported at
    most once. Http404 for a token that is malformed, unknown, already used, or issued to
    another user or for another kind; UploadExpired when it waited too long."""
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        raise Http404
    directory = _staging_dir()
    sidecar = directory / f"{token}.json"
    try:
        meta = json.loads(sidecar.read_text(encoding="utf-8"))
    except (FileNotFoundError, NotADirectoryError, ValueError):
        raise Http404 from None
    if meta.get("user") != user.pk or meta.get("kind") != kind.key:
        raise Http404
    # Renaming is atomic: of two confirmations of one upload (a double click), one gets the file.
    claimed = directory / f"{token}.{secrets.token_hex(8)}.claimed"
    try:
        os.rename(directory / f"{token}.data", claimed)
    except FileNotFoundError:
        raise Http404 from None
    try:
        sidecar.unlink(missing_ok=True)
        if time.time() - float(meta.get("created", 0)) > STAGED_FOR.total_seconds():
            raise UploadExpired
        return str(meta.get("name") or "upload.xlsx"), claimed.read_bytes()
    finally:
        claimed.unlink(missing_ok=True)
