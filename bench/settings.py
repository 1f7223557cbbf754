"""Settings for the benchmark server: production settings (DEBUG off, manifest static files)
with the bench-only URLconf, which adds a bare django-ninja endpoint to compare against.

The bench script sets the environment production needs (DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS,
DATABASE_URL, DJANGO_SECURE_SSL_REDIRECT=false for plain HTTP on 127.0.0.1).
"""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# Keep request logging out of the measurement; errors still reach the console.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
