"""Realistic demo data for a fresh installation (``manage.py demo_data``)."""

# One password for every demo login; the README shows it. Demo installations only.
DEMO_PASSWORD = "Seatwise-demo-2026"  # noqa: S105
