"""The other apps' admin pages (Django's groups, django-axes' login records) get the same
lenient changelist as ours: an unusable value in the address is a notice, never a 500.

Imported last by the admin package: Django's autodiscovery imports the admin modules in the
order of INSTALLED_APPS, and this app comes after the apps whose pages it wraps.
"""

from django.contrib import admin

from .base import LenientChangeListMixin


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
