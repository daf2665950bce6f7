"""Uploaded files, served only to those who may see the record they belong to."""

from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404

from ..access import acts_for_enterprise, is_reviewer_for, role_of
from ..choices import Role, SchemeStatus
from ..models import DeclarationEvidence, TechnicalScheme


def _may_read(user, path: str) -> bool:
    role = role_of(user)
    scheme = TechnicalScheme.objects.filter(document=path).only("status").first()
    if scheme is not None:
        # A published scheme is the city's public reference; drafts are the bureau's working papers.
        return scheme.status != SchemeStatus.DRAFT or role in (
            Role.BUREAU_STAFF,
            Role.BRANCH_STAFF,
            Role.MANAGER,
        )
    evidence = DeclarationEvidence.objects.filter(file=path).select_related("declaration__enterprise").first()
    if evidence is not None:
        enterprise = evidence.declaration.enterprise
        return (
            role == Role.MANAGER or is_reviewer_for(user, enterprise) or acts_for_enterprise(user, enterprise)
        )
    return False


def protected_file(request, path: str):
    """Stream a stored upload. A file the user may not see, or that no record
    owns, is a 404 — the same answer as a file that does not exist."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not _may_read(request.user, path):
        raise Http404
    storage = DeclarationEvidence.file.field.storage
    if not storage.exists(path):
        raise Http404
    return FileResponse(storage.open(path, "rb"), as_attachment=True, filename=path.rsplit("/", 1)[-1])
