"""Optimistic locking: edits never silently overwrite each other."""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

__all__ = ["EditConflict", "VersionedModel"]


class EditConflict(ValidationError):
    """Someone else saved the record after this editor loaded it."""

    def __init__(self, message=None):
        super().__init__(
            message
            or _(
                "保存未生效：您打开这条记录之后，已有其他人修改并保存了它。"
                "为避免覆盖对方的修改，请查看最新内容后再保存。"
            ),
            code="edit_conflict",
        )


class VersionedModel(models.Model):
    """A record whose every save bumps ``version``, and which refuses a save made
    from a stale copy (one whose version is no longer the stored one)."""

    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._state.adding:
            return super().save(*args, **kwargs)
        with transaction.atomic():
            # Compare-and-swap: the UPDATE also locks the row until commit, so of two
            # concurrent saves from the same version exactly one gets through. (It sends no
            # signal: the save below writes the one change-history record, with the new version.)
            bumped = (
                type(self)
                ._base_manager.filter(pk=self.pk, version=self.version)
                .update(version=F("version") + 1)
            )
            if not bumped:
                raise EditConflict()
            self.version += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
            return super().save(*args, **kwargs)
