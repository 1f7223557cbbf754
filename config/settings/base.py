"""Settings shared by every environment. Values that vary come from ``config.env``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from config import env

BASE_DIR = env.BASE_DIR
VAR_DIR = env.VAR_DIR
VAR_DIR.mkdir(parents=True, exist_ok=True)  # SQLite file, mailbox, broker queue, media

DEBUG = env.DEBUG
SECRET_KEY = env.SECRET_KEY
ALLOWED_HOSTS = env.ALLOWED_HOSTS
CSRF_TRUSTED_ORIGINS = env.CSRF_TRUSTED_ORIGINS

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "allauth.headless",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.microsoft",
    "allauth.socialaccount.providers.openid_connect",
    "django_countries",
    "phonenumber_field",
    "django_htmx",
    "ninja",
    # Seatwise apps, lowest first (see ARCHITECTURE.md).
    "seatwise.core",
    "seatwise.identity",
    "seatwise.tenancy",
    "seatwise.audit",
    "seatwise.notifications",
    "seatwise.connectors",
    "seatwise.catalog",
    "seatwise.pricing",
    "seatwise.payments",
    "seatwise.subscriptions",
    "seatwise.orders",
    "seatwise.cart",
    "seatwise.web",
    "seatwise.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After sessions, auth, allauth and htmx: sends users with pending terms to accept them.
    "seatwise.web.middleware.TermsAcceptanceMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # The shop's templates first, so that its allauth/, account/ and mfa/ overrides win
        # over allauth's own (allauth is listed before the Seatwise apps).
        "DIRS": [BASE_DIR / "seatwise" / "web" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "seatwise.web.context_processors.storefront",
            ],
        },
    }
]

DATABASES = {"default": {**env.DATABASE, "CONN_MAX_AGE": env.DATABASE_CONN_MAX_AGE}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.CACHE}

AUTH_USER_MODEL = "identity.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    # Older hashes still verify and are upgraded to Argon2 at the next sign-in.
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "seatwise.identity.validators.SeatwisePasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"
# Sessions end after 30 minutes without a request (each request renews them); closing the
# browser ends them too.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
# Ending sessions from My account → Sessions is recorded in the audit log.
USERSESSIONS_ADAPTER = "seatwise.identity.adapters.UserSessionsAdapter"

# django-allauth: accounts, e-mail verification, password reset and the second factor.
# Users see their sessions (device, address, last seen) and can end the others.
USERSESSIONS_TRACK_ACTIVITY = True
# Its e-mails go through Django's e-mail backend (the local mailbox by default).
ACCOUNT_ADAPTER = "seatwise.identity.adapters.AccountAdapter"
ACCOUNT_FORMS = {"login": "seatwise.identity.forms.LoginForm"}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_REDIRECT_URL = "web:home"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Seatwise] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# The steps of a sign-in after the password (allauth login stages), in order.
SEATWISE_LOGIN_STAGES = [
    "allauth.account.stages.LoginByCodeStage",
    "allauth.account.stages.EmailVerificationStage",
    "seatwise.web.identity_providers.LocalSignInPolicyStage",
    "seatwise.web.signin.SecondFactorStage",  # SMS code, authenticator app or recovery code
]
MFA_TOTP_ISSUER = "Seatwise"
# allauth headless (docs/api-auth.md): the same accounts for app clients (a session token in
# X-Session-Token) and browser clients under /_allauth/<client>/v1/; the server-rendered
# pages stay (not headless-only) and are where e-mailed links lead.
HEADLESS_ONLY = False
HEADLESS_CLIENTS = ("app", "browser")
HEADLESS_FRONTEND_URLS = {
    "account_confirm_email": "/accounts/confirm-email/{key}/",
    "account_reset_password": "/accounts/password/reset/",
    "account_reset_password_from_key": "/accounts/password/reset/key/{key}/",
    "account_signup": "/accounts/signup/",
}

# Sign-in with a Microsoft account (docs/adr/0012-microsoft-sign-in.md): work accounts through
# allauth's Microsoft provider (Graph), personal ones through its OpenID Connect provider with
# Microsoft's "consumers" authority. A button without a client id is not offered. Sign-up stays
# closed: the adapter only signs in an existing user matched by a verified address.
SOCIALACCOUNT_ADAPTER = "seatwise.web.identity_providers.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # the adapter matches, by a verified address only
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_PROVIDERS: dict = {}
if env.MICROSOFT_WORK_CLIENT_ID:
    SOCIALACCOUNT_PROVIDERS["microsoft"] = {
        "APPS": [
            {
                "name": "Work Microsoft account",
                "client_id": env.MICROSOFT_WORK_CLIENT_ID,
                "secret": env.MICROSOFT_WORK_CLIENT_SECRET,
                "settings": {
                    "tenant": "organizations",
                    "login_url": env.MICROSOFT_AUTHORITY,
                    "graph_url": env.MICROSOFT_GRAPH_URL,
                },
            }
        ]
    }
if env.MICROSOFT_PERSONAL_CLIENT_ID:
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "APPS": [
            {
                "provider_id": "microsoft-personal",
                "name": "Personal Microsoft account",
                "client_id": env.MICROSOFT_PERSONAL_CLIENT_ID,
                "secret": env.MICROSOFT_PERSONAL_CLIENT_SECRET,
                "settings": {
                    "server_url": f"{env.MICROSOFT_AUTHORITY}/consumers/v2.0",
                    "fetch_userinfo": False,
                    "token_auth_method": "client_secret_post",
                },
            }
        ]
    }

# Storefront registration: codes sent and codes checked per client IP, as (count, seconds),
# on top of the per-address limits of seatwise.identity.codes.
# Per client network (count, seconds): registration codes; per user: the live domain check.
REGISTRATION_RATE_LIMITS = {
    "send_code": (20, 3600),
    "check_code": (30, 600),
    "domain_check": (60, 600),
}

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("uk", _("Ukrainian"))]
LOCALE_PATHS = [BASE_DIR / "seatwise" / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# E-mail: SMTP when configured, otherwise the local mailbox under var/mailbox/.
if env.EMAIL_URL:
    _email = env.env.email_url_config(env.EMAIL_URL)
    EMAIL_BACKEND = _email["EMAIL_BACKEND"]
    EMAIL_HOST = _email.get("EMAIL_HOST", "")
    EMAIL_PORT = _email.get("EMAIL_PORT", 25)
    EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
elif env.EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env.EMAIL_HOST
    EMAIL_PORT = env.EMAIL_PORT
    EMAIL_HOST_USER = env.EMAIL_HOST_USER
    EMAIL_HOST_PASSWORD = env.EMAIL_HOST_PASSWORD
    EMAIL_USE_TLS = env.EMAIL_USE_TLS
    EMAIL_USE_SSL = env.EMAIL_USE_SSL
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env.MAILBOX_DIR / "email"
DEFAULT_FROM_EMAIL = env.DEFAULT_FROM_EMAIL
SERVER_EMAIL = env.DEFAULT_FROM_EMAIL
SMS_BACKEND = env.SMS_BACKEND
SMS_GATEWAY_URL = env.SMS_GATEWAY_URL
SMS_GATEWAY_TOKEN = env.SMS_GATEWAY_TOKEN
SMS_SENDER = env.SMS_SENDER
SMS_GATEWAY_TIMEOUT = env.SMS_GATEWAY_TIMEOUT
MAILBOX_DIR = env.MAILBOX_DIR

# Celery: a broker that needs no server unless CELERY_BROKER_URL / REDIS_URL is set.
CELERY_BROKER_URL = env.CELERY_BROKER_URL
CELERY_TASK_ALWAYS_EAGER = env.CELERY_TASK_ALWAYS_EAGER
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict = {
    "mailbox-prune": {"task": "notifications.mailbox_prune", "schedule": 6 * 3600},
    "notifications-requeue-stuck": {
        "task": "notifications.delivery_requeue_stuck",
        "schedule": 300,
    },
    "payments-poll-pending": {"task": "payments.pending_poll", "schedule": 300},
    "idempotency-prune": {"task": "core.idempotency_prune", "schedule": 3600},
    "orders-invoice-issue-missing": {"task": "orders.invoice_issue_missing", "schedule": 600},
    "orders-provisioning-sweep": {"task": "orders.provisioning_sweep", "schedule": 60},
    "subscriptions-tenants-sweep": {"task": "subscriptions.tenants_sweep", "schedule": 60},
    "subscriptions-sync": {"task": "subscriptions.sync", "schedule": 3600},
}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir / "out"),
        "data_folder_out": str(_queue_dir / "out"),
        "processed_folder": str(_queue_dir / "processed"),
        "control_folder": str(_queue_dir / "control"),
        "store_processed": False,
    }

# Seatwise settings.
SEATWISE_CLOCK_SHIFT = env.CLOCK_SHIFT
SEATWISE_EXPECT_SERVICES = env.EXPECT_SERVICES
SEATWISE_CURRENCIES = ["USD", "EUR", "UAH"]
SEATWISE_DEFAULT_CURRENCY = "USD"
# VAT rate in percent by the seller's country code, e.g. {"UA": Decimal("20")}; unset: 0.
SEATWISE_VAT_RATES: dict = {}
# Vendor connectors (seatwise.connectors.registry): the embedded one answers from the database.
SEATWISE_MICROSOFT_CONNECTOR = "seatwise.connectors.offline.OfflineMicrosoftConnector"
if env.PARTNER_CENTER_URL:
    SEATWISE_MICROSOFT_CONNECTOR = "seatwise.connectors.microsoft.connector.PartnerCenterConnector"
SEATWISE_PARTNER_CENTER_URL = env.PARTNER_CENTER_URL
SEATWISE_PARTNER_CENTER_AUTHORITY = env.PARTNER_CENTER_AUTHORITY
SEATWISE_PARTNER_CENTER_TENANT = env.PARTNER_CENTER_TENANT
SEATWISE_PARTNER_CENTER_CLIENT_ID = env.PARTNER_CENTER_CLIENT_ID
SEATWISE_PARTNER_CENTER_CLIENT_SECRET = env.PARTNER_CENTER_CLIENT_SECRET
SEATWISE_PARTNER_CENTER_REFRESH_TOKEN = env.PARTNER_CENTER_REFRESH_TOKEN
SEATWISE_ENCRYPTION_KEY = env.SEATWISE_ENCRYPTION_KEY
SEATWISE_PUBLIC_URL = env.PUBLIC_URL
# Provisioning (seatwise/orders/provisioning.py): attempts of one request before it fails
# for good, and the back-off between them (seconds, doubling, capped).
SEATWISE_PROVISIONING_MAX_ATTEMPTS = 12
SEATWISE_PROVISIONING_BACKOFF = 15
SEATWISE_PROVISIONING_BACKOFF_MAX = 1800
# A request claimed by a worker that has not finished after this long is taken back.
SEATWISE_PROVISIONING_STALE_SECONDS = 300
# The sweep re-queues a queued or due request only once it has waited this long more (its
# own message may still be on its way).
SEATWISE_PROVISIONING_SWEEP_GRACE = 60
# The Microsoft Customer Agreement a customer accepts when it registers a new tenant.
SEATWISE_MCA_VERSION = "2024-06"
SEATWISE_MCA_URL = "https://aka.ms/customeragreement"
PHONENUMBER_DEFAULT_FORMAT = "E164"
# LiqPay defaults for a provider's payment account (docs/adr/0013-liqpay.md).
LIQPAY_PUBLIC_KEY = env.LIQPAY_PUBLIC_KEY
LIQPAY_PRIVATE_KEY = env.LIQPAY_PRIVATE_KEY
LIQPAY_CHECKOUT_URL = env.LIQPAY_CHECKOUT_URL or "https://www.liqpay.ua/api/3/checkout"
LIQPAY_API_URL = env.LIQPAY_API_URL or "https://www.liqpay.ua/api/request"
LIQPAY_SANDBOX = env.LIQPAY_SANDBOX
LIQPAY_HTTP_TIMEOUT = 15  # seconds
LIQPAY_POLL_AFTER_MINUTES = 10  # ask the status API about payments pending this long…
LIQPAY_POLL_LIMIT_HOURS = 24  # …until they are this old
# Invoices of orders paid by invoice (seatwise/orders/invoices.py).
SEATWISE_INVOICE_DUE_DAYS = env.INVOICE_DUE_DAYS
SEATWISE_INVOICE_BANK_DETAILS = env.INVOICE_BANK_DETAILS

NINJA_PAGINATION_MAX_LIMIT = 100

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
