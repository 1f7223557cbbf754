"""The embedded default used by ``make run``."""

from config.settings.base import *  # noqa: F403
