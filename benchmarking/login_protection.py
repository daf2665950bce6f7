"""django-axes (login throttling) as an installed app named in Chinese where the admin lists apps.

Its models and fields are translated in locale/zh_Hans; the app's own name is not a translatable
string there (axes' AppConfig has none, so Django titles its label, "Axes"). A module of its own:
an apps.py holding two AppConfigs would leave Django unable to pick this app's default one.
"""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _


class LoginProtectionConfig(AxesAppConfig):
    verbose_name = _("登录保护")
