"""WSGI entry point (gunicorn yongkang.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yongkang.settings")

application = get_wsgi_application()
