"""The other apps' admin pages (Django's groups, django-axes' login records) get the same
lenient changelist as ours: an unusable value in the address is a notice, never a 500.

Imported last by the admin package: Django's autodiscovery imports the admin modules in the
order of INSTALLED_APPS, and this app comes after the apps whose pages it wraps.
"""

from axes import admin as axes_admin
from axes.models import AccessAttempt
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult

from .base import LenientChangeListMixin


class AccessAttemptAdmin(axes_admin.AccessAttemptAdmin):
    """django-axes' failure counters. Its two computed columns carry no label, so the admin
    would title them from the method names ("Status", "Expiration"), which no translation
    reaches; everything else of axes is translated in locale/zh_Hans."""

    @admin.display(description=_("失效时间"))
    def expiration(self, obj):
        return super().expiration(obj)

    @admin.display(description=_("状态"))
    def status(self, obj):
        return super().status(obj)


# django-tasks-db's page of queued jobs: in English, with each failed job's traceback (paths,
# settings), and nothing a clerk acts on. The queue's state is in /readyz/ and the workers' log.
if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)

if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)
    admin.site.register(AccessAttempt, AccessAttemptAdmin)


def make_changelists_lenient(site: admin.AdminSite) -> None:
    """Re-register every model whose admin lacks the lenient changelist with a subclass that
    has it, keeping everything else of that admin as it was."""
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, LenientChangeListMixin):
            continue
        base = type(model_admin)
        lenient = type(base.__name__, (LenientChangeListMixin, base), {"__module__": base.__module__})
        site.unregister(model)
        site.register(model, lenient)


make_changelists_lenient(admin.site)
