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
