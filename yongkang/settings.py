"""Settings for the Yongkang standards-benchmarking tracker.

Everything that differs between a laptop and production comes from the
environment (twelve-factor): DATABASE_URL, DJANGO_SECRET_KEY, DJANGO_DEBUG,
DJANGO_ALLOWED_HOSTS. Nothing secret lives in the repository.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Production (DJANGO_DEBUG off) needs a long random secret key, "
            'e.g. DJANGO_SECRET_KEY="$(python -c "import secrets; print(secrets.token_urlsafe(50))")". '
            "For local development set DJANGO_DEBUG=1 instead."
        )
    # Development only: a fixed key is fine because DEBUG is on and nothing here is production data.
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # django-axes under a Chinese name in the admin (its app has none to translate).
    "benchmarking.login_protection.LoginProtectionConfig",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    # Swagger UI as static files of the app (the documentation page uses no CDN).
    "drf_spectacular_sidecar",
    "simple_history",
    # The Tasks API (django.tasks in Django 6) and its database backend: the job queue's table.
    "django_tasks",
    "django_tasks_db",
    "benchmarking",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # An address whose query carries a NUL character is a 400, before any view or filter sees it.
    "benchmarking.hostile.RefuseNulInQueryMiddleware",
    # After a request that may write, this browser reads the primary for a few seconds (only
    # with a read replica: benchmarking.replica).
    "benchmarking.replica.ReadYourWritesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The idle timeout: pushes the session's expiry back, at most once a minute.
    "benchmarking.sessions.IdleSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A lost database connection (a restart, a failover) answers 503 "try again", not 500.
    "benchmarking.outages.DatabaseUnavailableMiddleware",
    # A view's bare 405 (a GET on a POST-only address) gets the site's page; Django has no handler405.
    "benchmarking.error_pages.MethodNotAllowedPageMiddleware",
    # A move a person makes is stamped now: a service refuses a past date during a request.
    "benchmarking.interactive.InteractiveMovesMiddleware",
    # Names the logged-in user on every history record written during a request.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: turns a locked-out login into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "yongkang.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "benchmarking.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "yongkang.wsgi.application"

# SQLite is the embedded default so the app runs with nothing installed but Python;
# production and CI use PostgreSQL through DATABASE_URL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}

# An optional read replica (a PostgreSQL standby streaming from the primary). The dashboard, the
# home page's figures and the lists read it; every write, every other read and the migrations
# stay on the primary (yongkang.db_routers, benchmarking.replica). A browser that has just sent
# a form reads the primary for DATABASE_REPLICA_STICKY_SECONDS, so its user sees what they
# wrote although the replica applies it a moment later (streaming replication lags well under a
# second, seconds under a large import or a vacuum). Without DATABASE_REPLICA_URL nothing changes.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
DATABASE_REPLICA_STICKY_SECONDS = int(os.environ.get("DATABASE_REPLICA_STICKY_SECONDS", "10"))
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,
    )
    if DATABASES["replica"]["ENGINE"].endswith("postgresql"):
        # A replica that does not answer is given up after 2 s and the page read from the
        # primary; without a timeout the request would wait for the operating system's.
        DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
    # Tests read the test database through this alias (never the replica named above);
    # tests/test_read_replica.py gives it a database of its own to prove where reads go.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["yongkang.db_routers.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The shared cache. With REDIS_URL (redis://host:6379/0) every app server reads and writes one
# Redis: the counts cache, the dashboard's rendered content and the sessions' cached copies are
# then the same for all of them, so a write seen by one invalidates the figures for all. A Redis
# that is away (restarting) is a cache miss, not an error (IGNORE_EXCEPTIONS): pages are
# computed from the database and sessions read from it until Redis is back. Without REDIS_URL
# (the embedded default) each process keeps its own local-memory cache, as before: still
# correct, since cached figures are keyed by the counts version read from the database.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "yk",
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    # Sessions read from Redis and are written through to the database, so a Redis restart
    # logs nobody out; the idle timeout (benchmarking.sessions) works the same on both.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The logged-in user, profile and role kept in the shared cache for this many seconds
# (benchmarking.user_cache); a change forgets them at once. Only with Redis: a copy in one
# process's memory could not be forgotten by the others. Short, since it also bounds a copy
# that a change could not forget (Redis unreachable at that moment). 0 turns it off.
BENCHMARKING_USER_CACHE_SECONDS = int(os.environ.get("DJANGO_USER_CACHE_SECONDS", 60 if REDIS_URL else 0))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes checks every login (site and admin) for a lock-out before Django's own backend runs.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend, loading the user's profile in the same query (benchmarking.backends).
    "benchmarking.backends.ProfileLoadingModelBackend",
]
# Argon2 for new and changed passwords; the others stay so older hashes still verify
# and are upgraded to Argon2 at the user's next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
# A refused form says so in Chinese, in the site's layout (Django's own page is English).
CSRF_FAILURE_VIEW = "benchmarking.error_pages.csrf_failure"

# Chinese for everyone: a browser set to English (common on office PCs) must not
# switch the bureau's tool to English, so no LocaleMiddleware and one language.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
# Our own translations first: what django-axes and simple-history leave in English, and Django's
# sentences that read awkwardly (locale/zh_Hans/LC_MESSAGES/django.po; compiled .mo committed).
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # Uploads are stored under random names (benchmarking.storage); the download view names them.
    "default": {"BACKEND": "benchmarking.storage.RandomNameStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploaded scheme documents and evidence files. Kept outside STATIC_ROOT and never
# served as static files.
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
# Served by benchmarking.views.files.protected_file, which checks who may read each file.
MEDIA_URL = "/files/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Largest scheme document or evidence file accepted, in bytes.
BENCHMARKING_MAX_UPLOAD_BYTES = int(os.environ.get("BENCHMARKING_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))
# The county-level region (GB/T 2260 code) this deployment serves: the region new enterprises,
# offices, plans and schemes belong to unless told otherwise (docs/domain.md, "Regions").
BENCHMARKING_HOME_REGION = os.environ.get("BENCHMARKING_HOME_REGION", "330784")
# The site's name in its header and page titles: a province's or another county's deployment
# names itself (浙江省对标达标工作台).
BENCHMARKING_SITE_NAME = os.environ.get("BENCHMARKING_SITE_NAME", "永康市对标达标工作台")

EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL") or "对标达标工作台 <noreply@localhost>"
# The SMTP server, read only when DJANGO_EMAIL_BACKEND is django.core.mail.backends.smtp.EmailBackend.
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS")  # STARTTLS, usually port 587
EMAIL_USE_SSL = env_bool("DJANGO_EMAIL_USE_SSL")  # implicit TLS, usually port 465
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set at most one of DJANGO_EMAIL_USE_TLS and DJANGO_EMAIL_USE_SSL.")
# Mail goes out from a background job (benchmarking.tasks), retried later when the server does
# not answer: it must cost that job seconds, not hang the worker (Django's default is no timeout).
EMAIL_TIMEOUT = int(os.environ.get("DJANGO_EMAIL_TIMEOUT", 10))

# Background jobs (large exports, mails): the Tasks API with its database backend, one queue in
# this project's own database. `manage.py run_jobs` is the worker (any number of them, on any
# machine that reaches the database; they claim jobs with SKIP LOCKED on PostgreSQL);
# `scripts/dev.py serve` starts one beside the development server.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Jobs by the calendar (benchmarking.schedule): how often each runs ("day", "week", "month") and
# from which hour, Asia/Shanghai. A job not named here keeps the defaults it was registered with.
BENCHMARKING_SCHEDULE = {
    # The reminder digests (benchmarking.digest_tasks): staff each morning, enterprises on
    # Mondays, managers on the 1st of the month, each from 08:00.
    "staff_digest": {"every": "day", "hour": 8},
    "enterprise_digest": {"every": "week", "hour": 8},
    "manager_digest": {"every": "month", "hour": 8},
}

# What the reminder digests count as waiting too long (docs/domain.md "Reminders"), in days; each
# may be set from the environment (BENCHMARKING_REVIEW_WAITING_DAYS, …).
BENCHMARKING_REMINDERS = {
    key: int(os.environ.get(f"BENCHMARKING_{key.upper()}", default))
    for key, default in {
        "review_waiting_days": 3,  # a submitted declaration not yet reviewed
        "returned_idle_days": 7,  # a returned declaration not resubmitted
        "draft_idle_days": 14,  # a draft not touched
        "certificate_expiring_days": 60,  # a 品字标 certificate about to expire
    }.items()
}


def default_site_url() -> str:
    """SITE_URL when DJANGO_SITE_URL is not set: the development server while debugging, and in
    production https on the first allowed host, since a link to localhost in a mail is useless."""
    if DEBUG:
        return "http://127.0.0.1:8000"
    host = ALLOWED_HOSTS[0].lstrip(".") if ALLOWED_HOSTS else ""
    if not host or host == "*":
        raise ImproperlyConfigured(
            "DJANGO_SITE_URL is not set, and the first entry of DJANGO_ALLOWED_HOSTS does not name the "
            "site's host to take it from. Set DJANGO_SITE_URL to the address users reach the site at, "
            "e.g. DJANGO_SITE_URL=https://tracker.example.gov.cn; links in mails start with it."
        )
    return f"https://{host}"


# Where mails point their links: a mail sent after a commit has no request to take the host from.
SITE_URL = (os.environ.get("DJANGO_SITE_URL", "").strip() or default_site_url()).rstrip("/")

# The national 企业标准信息公共服务平台's own hosts: a declaration's platform link must lead to one
# of them (benchmarking.validators.validate_national_platform_url); the first is named in the
# refusal. The public page shows the link under the bureau's name, so nowhere else is accepted.
NATIONAL_PLATFORM_HOSTS = env_list("DJANGO_NATIONAL_PLATFORM_HOSTS", "www.cpbz.gov.cn,cpbz.gov.cn")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Sessions end after DJANGO_SESSION_IDLE_SECONDS without a request and when the browser
# closes, so a shared office PC left alone does not stay logged in. Requests push the
# stored expiry back at most every SESSION_TOUCH_SECONDS (benchmarking.sessions): the
# timeout is exact to within that, and browsing costs no session write per page.
SESSION_COOKIE_AGE = int(os.environ.get("DJANGO_SESSION_IDLE_SECONDS", 2 * 60 * 60))
SESSION_TOUCH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Content-Security-Policy (django-csp): only this site's own files, no inline script,
# no third-party origin, no framing. Every page, the admin's included, works under it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # No 'unsafe-inline' for styles either. The one inline style attribute a third-party
        # page needs, django-simple-history's `style="border-top: 0"` on its history list,
        # is allowed by its hash alone ('unsafe-hashes' lets a hash match a style attribute).
        "style-src": ["'self'", "'unsafe-hashes'", "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Login throttling (django-axes): AXES_FAILURE_LIMIT failures for one username from one
# address lock that pair for AXES_COOLOFF_TIME. Keyed on the pair, not the address alone,
# so a crowd behind one office NAT do not lock each other out, and not the username
# alone, so nobody elsewhere can lock a user out. Bureau staff unlock in the admin
# (登录保护 → 登录失败计数 → delete) or with `manage.py axes_reset_username USERNAME`.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("DJANGO_LOGIN_LOCKOUT_MINUTES", 15)))
# Retrying while locked does not push the unlock time back, so the time the lock-out page names holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "benchmarking.security.lockout_response"
# Password spraying: one address trying many usernames never trips the per-pair lock above. So
# DJANGO_LOGIN_ADDRESS_FAILURE_LIMIT failures from one address within the last
# DJANGO_LOGIN_ADDRESS_WINDOW_MINUTES, whatever the usernames, refuse every login from that
# address until the oldest of them age out of the window, or until bureau staff lift the limit
# (admin → 用户 → 受限的网络地址). Counted from axes' failure log by the handler below.
AXES_HANDLER = "benchmarking.security.AddressLimitingHandler"
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_ADDRESS_FAILURE_LIMIT", 30))
LOGIN_ADDRESS_WINDOW = timedelta(minutes=int(os.environ.get("DJANGO_LOGIN_ADDRESS_WINDOW_MINUTES", 15)))
AXES_CLIENT_IP_CALLABLE = "benchmarking.security.client_ip_address"
# How many reverse proxies in front append to X-Forwarded-For. 0 (the default) trusts
# only REMOTE_ADDR; set 1 behind one TLS-terminating proxy, or every user seems to come
# from the proxy's address.
TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", 0))

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", default=True)
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    # The liveness and readiness checks are probed over plain http from inside the container
    # (docker-compose.yml's healthcheck), not through the TLS proxy; a redirect to https would
    # fail every probe.
    SECURE_REDIRECT_EXEMPT = [r"^healthz/$", r"^readyz/$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Behind the reverse proxy that terminates TLS.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The open API (/api/v1/, benchmarking/api/): tokens only (no session, so no CSRF question),
# JSON only, errors in one Chinese shape, limits per token, cursor pagination.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["benchmarking.api.authentication.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "benchmarking.api.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["benchmarking.api.throttling.ApiRateThrottle"],
    "DEFAULT_FILTER_BACKENDS": ["benchmarking.api.filtering.StrictFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "benchmarking.api.pagination.ApiCursorPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "benchmarking.api.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "COERCE_DECIMAL_TO_STRING": True,
    "DATETIME_FORMAT": "iso-8601",
}
# Requests per minute: per token, and per network address without one.
BENCHMARKING_API_RATES = {
    "token": os.environ.get("BENCHMARKING_API_RATE_TOKEN", "120/min"),
    "anonymous": os.environ.get("BENCHMARKING_API_RATE_ANONYMOUS", "60/min"),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "永康市对标达标工作台 开放接口",
    "DESCRIPTION": (
        "公开部分（无需令牌）：已发布的对标结果与各地区的三项数字及排名。"
        "工作人员部分与企业部分须带令牌：Authorization: Bearer ykapi_…（在“接口令牌”页面创建）。"
        "所有规则（范围、流程、校验、变更记录）与网页相同。出错时回答 {\"detail\": …, \"errors\": {字段: [问题]}}。"
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "benchmarking.api.schema.add_error_responses",
    ],
    "ENUM_GENERATE_CHOICE_DESCRIPTION": True,
    # The three parts in the order a reader meets them, each with who may call it.
    "TAGS": [
        {"name": "公开：结果公示与数字", "description": "任何人，无需令牌：与“结果公示”页面相同的内容。"},
        {"name": "工作人员", "description": "市局、监管所工作人员与局领导的令牌：范围与网页相同。"},
        {"name": "企业：本企业的声明", "description": "企业用户的令牌：只有本企业的声明，流程与企业端网页相同。"},
    ],
    # Several models name a field "status" (or share Grade): one enum component per choice set.
    "ENUM_NAME_OVERRIDES": {
        "DeclarationStatusEnum": "benchmarking.choices.DeclarationStatus",
        "SchemeStatusEnum": "benchmarking.choices.SchemeStatus",
        "StandardStatusEnum": "benchmarking.choices.StandardStatus",
        "GradeEnum": "benchmarking.choices.Grade",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}
