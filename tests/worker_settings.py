"""Settings of the processes ``tests/test_provisioning_worker.py`` starts: real Celery workers
(not eager), the scenario's script and ``manage.py migrate``, all on one database.

Everything that differs between runs comes from the environment through ``config/env.py``
(``SEATWISE_VAR_DIR``, ``DATABASE_URL``, ``CELERY_BROKER_URL``, ``PARTNER_CENTER_*``), set by
``tests/worker_harness.py``. What is fixed for the scenario is here: provisioning timings
short enough for a test, and a sweep every second.
"""

from config.settings.base import *  # noqa: F403
from config.settings.base import CELERY_BROKER_URL, VAR_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = False
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir / "out"),
        "data_folder_out": str(_queue_dir / "out"),
        "processed_folder": str(_queue_dir / "processed"),
        "control_folder": str(_queue_dir / "control"),
        "store_processed": False,
        "polling_interval": 0.1,
    }
else:
    # A shared Redis (CI's, a developer's): every key of this scenario under its own prefix
    # (its var directory is unique), removed by the test afterwards.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"global_keyprefix": f"seatwise-worker-test-{VAR_DIR.name}:"}

# Only the sweep is periodic here, every second (production: every minute).
CELERY_BEAT_SCHEDULE = {
    "orders-provisioning-sweep": {"task": "orders.provisioning_sweep", "schedule": 1.0},
}

# A claim older than this is a dead worker's: an attempt takes one to three seconds here.
SEATWISE_PROVISIONING_STALE_SECONDS = 8
SEATWISE_PROVISIONING_SWEEP_GRACE = 2
SEATWISE_PROVISIONING_BACKOFF = 1
SEATWISE_PROVISIONING_BACKOFF_MAX = 2
SEATWISE_PROVISIONING_MAX_ATTEMPTS = 30
SEATWISE_PARTNER_CENTER_BACKOFF_BASE = 0.01
SEATWISE_PARTNER_CENTER_MAX_INLINE_WAIT = 0
