"""The one module that reads the process environment.

Everything configurable comes from here; settings import the values, nothing else calls
``os.environ``. With nothing set, Seatwise runs on the embedded default: SQLite under
``var/``, local-memory cache, a filesystem Celery broker and a mailbox directory.
"""

from __future__ import annotations

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("SEATWISE_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

DEBUG: bool = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY: str = env.str(
    "DJANGO_SECRET_KEY", default="insecure-dev-key-only-for-the-embedded-default"
)
ALLOWED_HOSTS: list[str] = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

DATABASE = env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'seatwise.sqlite3'}")
DATABASE_CONN_MAX_AGE: int = env.int("DATABASE_CONN_MAX_AGE", default=60)

REDIS_URL: str = env.str("REDIS_URL", default="")
CELERY_BROKER_URL: str = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
CELERY_TASK_ALWAYS_EAGER: bool = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)

CACHE = (
    env.cache_url("CACHE_URL")
    if env.str("CACHE_URL", default="")
    else (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
)

# E-mail: EMAIL_URL (smtp://user:pass@host:587/?tls=True) or the usual EMAIL_* variables;
# with neither, messages are written to the local mailbox under var/mailbox/.
EMAIL_URL: str = env.str("EMAIL_URL", default="")
EMAIL_HOST: str = env.str("EMAIL_HOST", default="")
EMAIL_PORT: int = env.int("EMAIL_PORT", default=587)
EMAIL_HOST_USER: str = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD: str = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS: bool = env.bool("EMAIL_USE_TLS", default=True)
EMAIL_USE_SSL: bool = env.bool("EMAIL_USE_SSL", default=False)
DEFAULT_FROM_EMAIL: str = env.str("DEFAULT_FROM_EMAIL", default="Seatwise <noreply@seatwise.local>")
MAILBOX_DIR = VAR_DIR / "mailbox"

SMS_BACKEND: str = env.str("SMS_BACKEND", default="seatwise.notifications.sms.MailboxSmsBackend")
# The HTTP SMS gateway (SMS_BACKEND=seatwise.notifications.sms.HttpSmsGatewayBackend).
SMS_GATEWAY_URL: str = env.str("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_TOKEN: str = env.str("SMS_GATEWAY_TOKEN", default="")
SMS_SENDER: str = env.str("SMS_SENDER", default="Seatwise")
SMS_GATEWAY_TIMEOUT: float = env.float("SMS_GATEWAY_TIMEOUT", default=10.0)

SECURE_SSL_REDIRECT: bool = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS: int = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)

LOG_LEVEL: str = env.str("LOG_LEVEL", default="INFO")

# The demo clock shift (``manage.py clock``) is honoured only when this is on.
CLOCK_SHIFT: bool = env.bool("SEATWISE_CLOCK_SHIFT", default=DEBUG)

# CI's second run sets this so a test proves PostgreSQL and Redis are really in use.
EXPECT_SERVICES: bool = env.bool("SEATWISE_CI_REQUIRE_SERVICES", default=False)

# Sign-in with a Microsoft account (allauth.socialaccount). One app registration in Microsoft
# Entra ID serves both buttons when it accepts personal and work accounts; a button without
# a client id is not offered. The authority and Graph URLs change only for the test sandbox.
MICROSOFT_CLIENT_ID: str = env.str("MICROSOFT_CLIENT_ID", default="")
MICROSOFT_CLIENT_SECRET: str = env.str("MICROSOFT_CLIENT_SECRET", default="")
MICROSOFT_PERSONAL_CLIENT_ID: str = env.str(
    "MICROSOFT_PERSONAL_CLIENT_ID", default=MICROSOFT_CLIENT_ID
)
MICROSOFT_PERSONAL_CLIENT_SECRET: str = env.str(
    "MICROSOFT_PERSONAL_CLIENT_SECRET", default=MICROSOFT_CLIENT_SECRET
)
MICROSOFT_WORK_CLIENT_ID: str = env.str("MICROSOFT_WORK_CLIENT_ID", default=MICROSOFT_CLIENT_ID)
MICROSOFT_WORK_CLIENT_SECRET: str = env.str(
    "MICROSOFT_WORK_CLIENT_SECRET", default=MICROSOFT_CLIENT_SECRET
)
MICROSOFT_AUTHORITY: str = env.str(
    "MICROSOFT_AUTHORITY", default="https://login.microsoftonline.com"
).rstrip("/")
MICROSOFT_GRAPH_URL: str = env.str(
    "MICROSOFT_GRAPH_URL", default="https://graph.microsoft.com"
).rstrip("/")

# LiqPay (docs/adr/0013-liqpay.md): the default merchant keys of a provider's payment account
# (a provider may enter its own in the admin). Empty URLs mean LiqPay's own; `make run`
# points them at the simulator (sandboxes/liqpay/server.py) on LIQPAY_SIMULATOR_PORT.
LIQPAY_PUBLIC_KEY: str = env.str("LIQPAY_PUBLIC_KEY", default="")
LIQPAY_PRIVATE_KEY: str = env.str("LIQPAY_PRIVATE_KEY", default="")
LIQPAY_CHECKOUT_URL: str = env.str("LIQPAY_CHECKOUT_URL", default="")
LIQPAY_API_URL: str = env.str("LIQPAY_API_URL", default="")
LIQPAY_SANDBOX: bool = env.bool("LIQPAY_SANDBOX", default=DEBUG)
LIQPAY_SIMULATOR_PORT: int = env.int("LIQPAY_SIMULATOR_PORT", default=8901)

# Partner Center (docs/adr/0016-partner-center-client.md). `make run` points Seatwise at the
# sandbox (sandboxes/partner_center/server.py) on PARTNER_CENTER_SANDBOX_PORT unless
# PARTNER_CENTER_URL names a real one. A provider's own credentials go in the admin.
PARTNER_CENTER_URL: str = env.str("PARTNER_CENTER_URL", default="")
PARTNER_CENTER_AUTHORITY: str = env.str("PARTNER_CENTER_AUTHORITY", default="")
PARTNER_CENTER_TENANT: str = env.str("PARTNER_CENTER_TENANT", default="")
PARTNER_CENTER_CLIENT_ID: str = env.str("PARTNER_CENTER_CLIENT_ID", default="")
PARTNER_CENTER_CLIENT_SECRET: str = env.str("PARTNER_CENTER_CLIENT_SECRET", default="")
PARTNER_CENTER_REFRESH_TOKEN: str = env.str("PARTNER_CENTER_REFRESH_TOKEN", default="")
PARTNER_CENTER_SANDBOX_PORT: int = env.int("PARTNER_CENTER_SANDBOX_PORT", default=8902)
SEATWISE_ENCRYPTION_KEY: str = env.str("SEATWISE_ENCRYPTION_KEY", default="")
# Where users reach this Seatwise (links in e-mails sent by the worker).
PUBLIC_URL: str = env.str("SEATWISE_PUBLIC_URL", default="http://127.0.0.1:8000").rstrip("/")

# Invoices of orders paid by bank transfer: days to pay, and the bank details printed on them
# when the seller has not entered its own (Settings → Payment methods). "\n" starts a line.
INVOICE_DUE_DAYS: int = env.int("INVOICE_DUE_DAYS", default=14)
INVOICE_BANK_DETAILS: str = env.str("INVOICE_BANK_DETAILS", default="").replace("\\n", "\n")
