"""The embedded default used by ``make run``."""

from config import env as _env
from config.settings.base import *  # noqa: F403

# `make run` starts the LiqPay simulator (sandboxes/liqpay/server.py) with the demo keys
# sandbox_i000 / sandbox_secret; setting LIQPAY_CHECKOUT_URL or LIQPAY_API_URL opts out.
if not (_env.LIQPAY_CHECKOUT_URL or _env.LIQPAY_API_URL):
    _LIQPAY_SIMULATOR = f"http://127.0.0.1:{_env.LIQPAY_SIMULATOR_PORT}"
    LIQPAY_PUBLIC_KEY = "sandbox_i000"
    LIQPAY_PRIVATE_KEY = "sandbox_secret"  # the demo key
    LIQPAY_CHECKOUT_URL = f"{_LIQPAY_SIMULATOR}/api/3/checkout"
    LIQPAY_API_URL = f"{_LIQPAY_SIMULATOR}/api/request"
    LIQPAY_SANDBOX = True

# `make run` starts the Partner Center sandbox (sandboxes/partner_center/server.py) with its
# default app credentials; setting PARTNER_CENTER_URL opts out (config/settings/base.py).
if not _env.PARTNER_CENTER_URL:
    _PARTNER_CENTER_SANDBOX = f"http://127.0.0.1:{_env.PARTNER_CENTER_SANDBOX_PORT}"
    SEATWISE_MICROSOFT_CONNECTOR = "seatwise.connectors.microsoft.connector.PartnerCenterConnector"
    SEATWISE_PARTNER_CENTER_URL = f"{_PARTNER_CENTER_SANDBOX}/v1"
    SEATWISE_PARTNER_CENTER_AUTHORITY = _PARTNER_CENTER_SANDBOX
    SEATWISE_PARTNER_CENTER_TENANT = "sandbox-partner"
    SEATWISE_PARTNER_CENTER_CLIENT_ID = "seatwise-sandbox"
    SEATWISE_PARTNER_CENTER_CLIENT_SECRET = "sandbox-secret"  # noqa: S105 (the sandbox demo)
    SEATWISE_PARTNER_CENTER_REFRESH_TOKEN = "sandbox-refresh-token"  # noqa: S105 (App+User)
