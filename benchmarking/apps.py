from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class BenchmarkingConfig(AppConfig):
    name = "benchmarking"
    verbose_name = _("对标达标")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from .counting_triggers import reinstall_after_migrate
        from .security import grant_axes_permissions_to_bureau_staff
        from .sessions import mark_touched, say_logged_out
        from .user_cache import connect_signals

        post_migrate.connect(
            grant_axes_permissions_to_bureau_staff, dispatch_uid="benchmarking.grant_axes_permissions"
        )
        post_migrate.connect(reinstall_after_migrate, dispatch_uid="benchmarking.counts_triggers")
        user_logged_in.connect(mark_touched, dispatch_uid="benchmarking.session_touched")
        user_logged_out.connect(say_logged_out, dispatch_uid="benchmarking.said_logged_out")
        # A changed user, profile or group membership is forgotten by the shared cache at once.
        connect_signals()
        # The export job: its failure signal and its housekeeping, in every process (web, worker).
        # The jobs by the calendar, queued by every worker's housekeeping (schedule.py).
        from . import (
            digest_tasks,  # noqa: F401
            export_tasks,  # noqa: F401
            schedule,  # noqa: F401
            standards_tasks,  # noqa: F401
        )
