"""The version of the counts: what lets the progress pages cache their figures safely."""

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["CountsVersion"]


class CountsVersion(models.Model):
    """A single number the database itself raises on every write that can change a count.

    Triggers (migration 0005) raise it when a declaration or scheme is published, withdrawn,
    inserted published or deleted, when a declaration changes enterprise, a scheme its
    industry or publishing county, or an enterprise its branch office, industry or county,
    and on any write to the plan, its quotas, the branch offices or the industries (the
    progress pages show them beside the counts), and when a field a published result shows is edited (its product, grade,
    enterprise, scheme, indicators, standards: counting_triggers.WATCHED_SHOWN, for the
    public pages cached whole) — whoever writes: services, the admin, imports, bulk loads or
    plain SQL.
    Cached counts and pages carry the version they were computed at, so a figure is never
    served after a write that changed it.
    """

    value = models.BigIntegerField(_("计数版本"), default=0)

    class Meta:
        verbose_name = _("计数版本")
        verbose_name_plural = _("计数版本")

    def __str__(self):
        return str(self.value)
