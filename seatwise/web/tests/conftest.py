import pytest

from seatwise.tenancy.tests.factories import make_member
from seatwise.web.tests.shop_data import Shop, build_shop


@pytest.fixture
def shop(db) -> Shop:
    return build_shop()


@pytest.fixture
def customer_user(shop):
    return make_member(shop.customer)
