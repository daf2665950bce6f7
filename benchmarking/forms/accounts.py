"""The site's own login forms: the forgotten-password form whose mail links to SITE_URL."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.urls import reverse

from ..notifications import absolute_url

__all__ = ["SiteURLPasswordResetForm"]


class SiteURLPasswordResetForm(PasswordResetForm):
    """Django's forgotten-password form, but the mail's link is built on ``settings.SITE_URL``
    like every other mail's (``notifications.absolute_url``), never on the request's ``Host``
    header: with more than one allowed host, whoever asks for the reset would pick the host
    the victim's secret link points to."""

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        site = urlsplit(settings.SITE_URL)
        context = {
            **context,
            "protocol": site.scheme,
            "domain": site.netloc,
            "site_name": site.netloc,
            "link": absolute_url(
                reverse(
                    "password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]}
                )
            ),
        }
        super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)
