"""``manage.py demo_data`` against an empty database.

The command runs once for the whole module, inside a transaction that is rolled back at the
end; each test runs in a savepoint of its own on top of that data.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from decimal import Decimal
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.core.management import call_command
from django.db import transaction

from seatwise.catalog.enums import BillingPlan, Term, UnitType, VendorKind
from seatwise.catalog.models import Category, Offer, Product, Vendor
from seatwise.demo import DEMO_PASSWORD
from seatwise.identity.models import User
from seatwise.pricing.enums import PriceListKind
from seatwise.pricing.models import ExchangeRate, Price, PriceList, ResellerTerms
from seatwise.tenancy.enums import OrganizationKind, Role
from seatwise.tenancy.models import Membership, Organization
from seatwise.web.tests.signin_helpers import sign_in

pytestmark = pytest.mark.django_db


def _run() -> str:
    out = StringIO()
    call_command("demo_data", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def first_output(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield _run()
        transaction.set_rollback(True)


def _fingerprint() -> dict[str, tuple[int, str]]:
    """Row count and a hash of every row's values, for every table in the project."""
    result = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        names = [f.attname for f in model._meta.concrete_fields]
        rows = list(model._default_manager.order_by("pk").values_list(*names))
        digest = hashlib.sha256(repr(rows).encode()).hexdigest()
        result[model._meta.db_table] = (len(rows), digest)
    return result


def _org(slug: str) -> Organization:
    return Organization.objects.get(slug=slug)


def _price(sku: str, plan: str, *, price_list: str = "Provider cost", currency: str = "USD"):
    return Price.objects.get(
        offer__sku=sku, billing_plan=plan, price_list__name=price_list, currency=currency
    )


# ------------------------------------------------------------------ the run itself


def test_first_run_reports_what_it_created(first_output):
    lines = first_output.splitlines()

    assert lines[0].startswith("Demo data loaded: ")
    assert "0 updated, 0 deleted." in lines[0]
    assert any(line.split() == ["organizations", "9", "created"] for line in lines)
    assert any(line.split() == ["offers", str(Offer.objects.count()), "created"] for line in lines)
    assert f"password {DEMO_PASSWORD}" in lines[-1]


def test_second_run_changes_nothing_and_says_so(first_output):
    before = _fingerprint()

    output = _run()

    assert _fingerprint() == before
    assert output.splitlines()[0] == "Demo data is already in place: nothing changed."
    assert "created" not in output
    assert "updated" not in output


def test_a_rerun_restores_an_edited_price_and_reports_the_update(first_output):
    price = _price("MS-CFQ7TTC0LH18-0001-P1Y", BillingPlan.ANNUAL)
    Price.objects.filter(pk=price.pk).update(erp=Decimal("99.00"))

    output = _run()

    price.refresh_from_db()
    assert price.erp == Decimal("72.00")
    lines = output.splitlines()
    assert lines[0] == "Demo data loaded: 0 rows created, 1 updated, 0 deleted."
    assert [line.split() for line in lines[1:-1]] == [["prices", "1", "updated"]]


# ------------------------------------------------------------------ organizations and people


def test_the_organization_tree_is_a_provider_two_resellers_and_six_customers(first_output):
    provider = _org("seatwise-distribution")
    northwind, dnipro = _org("northwind-cloud"), _org("dnipro-it-solutions")

    assert (provider.kind, provider.parent_id, provider.name) == (
        OrganizationKind.PROVIDER,
        None,
        "Seatwise Distribution",
    )
    assert (provider.city, provider.country.code, provider.default_currency) == (
        "Kyiv",
        "UA",
        "UAH",
    )
    assert str(provider.phone) == "+380442390517"
    assert provider.tax_number == "43918265"
    assert {(r.slug, r.kind, r.billing_day) for r in provider.children.filter(kind="reseller")} == {
        ("northwind-cloud", OrganizationKind.RESELLER, 1),
        ("dnipro-it-solutions", OrganizationKind.RESELLER, 15),
    }
    assert sorted(northwind.children.values_list("slug", flat=True)) == [
        "galician-technical-university",
        "hoverla-coffee-roasters",
        "karpaty-logistics",
    ]
    assert sorted(dnipro.children.values_list("slug", flat=True)) == [
        "dnipro-agro-group",
        "open-hearts-foundation",
    ]
    assert list(provider.children.filter(kind="customer").values_list("slug", flat=True)) == [
        "polissia-energy"
    ]
    assert Organization.objects.count() == 9


def test_customers_carry_their_eligibility_and_contract_flags(first_output):
    flags = {
        org.slug: (org.is_academic, org.is_nonprofit, org.is_contract_customer)
        for org in Organization.objects.filter(kind=OrganizationKind.CUSTOMER)
    }

    assert flags == {
        "galician-technical-university": (True, False, False),
        "karpaty-logistics": (False, False, False),
        "hoverla-coffee-roasters": (False, False, False),
        "dnipro-agro-group": (False, False, False),
        "open-hearts-foundation": (False, True, False),
        "polissia-energy": (False, False, True),
    }


def test_legal_names_mix_latin_and_cyrillic_and_phones_are_valid(first_output):
    names = list(Organization.objects.values_list("legal_name", flat=True))

    assert "ТОВ «Сітвайз Дистрибуція»" in names
    assert "Dnipro IT Solutions LLC" in names
    assert sum(1 for name in names if any("\u0400" <= ch <= "\u04ff" for ch in name)) >= 4
    for org in Organization.objects.all():
        assert org.phone.is_valid(), org.slug
        assert org.address_line1 and org.postal_code and org.city and org.tax_number
    for user in User.objects.all():
        assert user.phone.is_valid(), user.email


def test_the_admin_is_a_superuser_and_every_demo_user_signs_in_with_the_demo_password(
    first_output,
):
    admin = User.objects.get(email="admin@seatwise.local")

    assert (admin.is_staff, admin.is_superuser, admin.display_name) == (
        True,
        True,
        "Seatwise Admin",
    )
    assert User.objects.count() == 17
    for user in User.objects.all():
        assert user.check_password(DEMO_PASSWORD), user.email
        assert user.given_name and user.surname and user.display_name
    assert User.objects.filter(is_superuser=True).count() == 1


def test_every_demo_user_has_a_verified_primary_email_and_signs_in_through_allauth(
    first_output, client
):
    addresses = set(
        EmailAddress.objects.filter(verified=True, primary=True).values_list("user__email", "email")
    )

    assert addresses == {(email, email) for email in User.objects.values_list("email", flat=True)}
    # The demo users have phones: the second factor's SMS code lands in the mailbox.
    response = sign_in(client, "owner@karpaty-logistics.example", DEMO_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(
        User.objects.get(email="owner@karpaty-logistics.example").pk
    )


def test_every_organization_has_an_owner_and_other_roles_exist(first_output):
    for org in Organization.objects.all():
        owner = Membership.objects.get(organization=org, role=Role.OWNER)
        assert owner.user.email == f"owner@{org.slug}.example"

    roles = Counter(Membership.objects.values_list("role", flat=True))
    assert roles == {
        Role.OWNER: 9,
        Role.ACCOUNT_MANAGER: 1,
        Role.BILLING: 3,
        Role.TECHNICAL: 2,
        Role.READ_ONLY: 1,
    }


# ------------------------------------------------------------------ catalogue


def test_vendors_cover_microsoft_cisco_saas_and_the_store(first_output):
    kinds = Counter(Vendor.objects.values_list("kind", flat=True))

    assert Vendor.objects.get(slug="microsoft").kind == VendorKind.MICROSOFT
    assert Vendor.objects.get(slug="cisco").kind == VendorKind.SMART_LICENSING
    assert Vendor.objects.get(slug="seatwise-store").name == "Seatwise Store"
    assert kinds[VendorKind.SAAS] == 3
    assert kinds[VendorKind.STORE] >= 1


def test_the_category_tree_has_stable_slugs(first_output):
    tree = {
        category.slug: category.parent.slug if category.parent else None
        for category in Category.objects.select_related("parent")
    }

    assert tree == {
        "cloud-products": None,
        "microsoft-365": "cloud-products",
        "office-365": "cloud-products",
        "security-identity": "cloud-products",
        "azure": "cloud-products",
        "dynamics-365": "cloud-products",
        "power-platform": "cloud-products",
        "networking-collaboration": "cloud-products",
        "saas-applications": "cloud-products",
        "software": None,
        "ukrainian-accounting": "software",
        "microsoft-perpetual": "software",
        "microsoft-hardware": None,
        "books": None,
        "branded-merchandise": None,
    }


def test_at_least_sixty_active_offers_spread_over_every_leaf_category(first_output):
    active = Offer.objects.filter(is_active=True, product__is_active=True)
    leaves = Category.objects.filter(children__isnull=True)

    assert active.count() >= 60
    assert set(active.values_list("product__category__slug", flat=True)) == set(
        leaves.values_list("slug", flat=True)
    )


def test_every_product_has_a_summary_a_description_and_a_group(first_output):
    for product in Product.objects.all():
        assert product.summary, product.slug
        assert len(product.description) > 200, product.slug
        assert product.product_group, product.slug
        assert product.offers.exists(), product.slug


def test_the_microsoft_offers_asked_for_exist(first_output):
    names = set(Offer.objects.values_list("product__name", flat=True))

    for expected in (
        "Microsoft 365 Business Basic",
        "Microsoft 365 Business Standard",
        "Microsoft 365 Business Premium",
        "Office 365 E1",
        "Office 365 E3",
        "Office 365 E5",
        "Microsoft 365 E3",
        "Microsoft 365 E5",
        "Microsoft 365 F1",
        "Enterprise Mobility + Security E3",
        "Microsoft Entra ID P1",
        "Microsoft Entra ID P2",
        "Azure plan",
        "Power BI Pro",
        "Power BI Premium Per User",
    ):
        assert expected in names
    assert Offer.objects.filter(product__product_group="Dynamics 365").count() >= 3


def test_microsoft_offers_have_nce_terms_and_catalog_item_ids(first_output):
    microsoft = Offer.objects.filter(product__vendor__slug="microsoft")
    terms = Counter(microsoft.values_list("term", flat=True))

    assert terms[Term.P1M] >= 5 and terms[Term.P1Y] >= 20 and terms[Term.P3Y] >= 2
    for offer in microsoft:
        product_id, sku_id, availability = offer.catalog_item_id.split(":")
        assert len(product_id) == 12 and len(sku_id) == 4 and len(availability) == 12
    basic = Offer.objects.get(sku="MS-CFQ7TTC0LH18-0001-P1Y")
    assert basic.catalog_item_id == "CFQ7TTC0LH18:0001:CFQ7TTC0K971"
    assert basic.billing_plans == [BillingPlan.MONTHLY, BillingPlan.ANNUAL]
    assert Offer.objects.get(sku="MS-CFQ7TTC0LFLX-0001-P3Y").billing_plans == [
        "monthly",
        "annual",
        "triennial",
    ]
    assert Offer.objects.get(sku="MS-DZH318Z0BPS6-0001-USAGE").unit_type == UnitType.USAGE


def test_segment_offers_and_trials(first_output):
    academic = Offer.objects.filter(for_academic=True)
    nonprofit = Offer.objects.filter(for_nonprofit=True)
    trials = Offer.objects.filter(is_trial=True)

    assert academic.count() >= 3
    assert not academic.filter(for_commercial=True).exists()
    assert nonprofit.count() >= 1
    assert not nonprofit.filter(for_commercial=True).exists()
    assert trials.count() >= 3
    assert set(trials.values_list("trial_days", "term")) == {(30, Term.P1M)}
    assert trials.filter(name="Microsoft 365 Business Premium Trial").exists()
    assert set(
        Price.objects.filter(offer__is_trial=True).values_list("cost", "erp").distinct()
    ) == {(Decimal(0), Decimal(0))}


def test_teams_addons_link_to_their_paid_base_offers(first_output):
    phone = Offer.objects.get(sku="MS-CFQ7TTC0J1FV-0002-P1Y")
    bases = set(phone.base_offers.values_list("sku", flat=True))

    assert "MS-CFQ7TTC0LH18-0001-P1Y" in bases  # Business Basic
    assert "MS-CFQ7TTC0LCHC-0002-P3Y" in bases  # Business Premium, 3 years
    assert "MS-CFQ7TTC0LCHC-0002-TRIAL" not in bases
    addons = Offer.objects.filter(base_offers__isnull=False).distinct()
    assert set(addons.values_list("product__slug", flat=True)) == {
        "m365-copilot",
        "teams-phone-standard",
        "teams-premium",
        "teams-audio-conferencing",
    }
    for addon in addons:
        for base in addon.base_offers.all():
            assert not base.is_trial
            assert not base.base_offers.exists()  # a base is not itself an add-on


def test_cisco_saas_software_and_store_offers(first_output):
    cisco = Offer.objects.filter(product__vendor__slug="cisco")
    assert {o.term for o in cisco} == {Term.P1Y, Term.P3Y}
    assert {o.unit_type for o in cisco} == {UnitType.DEVICE, UnitType.USER}
    assert {"C9300-DNA-A-24-3Y", "A-FLEX-SUITE-NU-1Y", "LIC-ENT-3YR"} <= {o.sku for o in cisco}

    saas = Counter(
        Offer.objects.filter(product__vendor__kind=VendorKind.SAAS).values_list(
            "product__slug", flat=True
        )
    )
    assert len(saas) == 3
    assert all(2 <= plans <= 3 for plans in saas.values())

    perpetual = Offer.objects.filter(term=Term.PERPETUAL)
    assert {tuple(o.billing_plans) for o in perpetual} == {("one_time",)}
    goods = Offer.objects.filter(product__vendor__slug="seatwise-store")
    assert {(o.unit_type, o.is_shippable, o.term) for o in goods} == {
        (UnitType.ITEM, True, Term.PERPETUAL)
    }
    categories = set(goods.values_list("product__category__slug", flat=True))
    assert categories == {"microsoft-hardware", "books", "branded-merchandise"}
    assert goods.filter(name__icontains="mouse").exists()
    assert goods.filter(name__icontains="T-shirt").exists()


# ------------------------------------------------------------------ prices


def test_price_lists_and_reseller_terms(first_output):
    provider = _org("seatwise-distribution")
    lists = {
        pl.name: (pl.kind, pl.currency, pl.is_default)
        for pl in PriceList.objects.filter(organization=provider)
    }

    assert lists == {
        "Provider cost": (PriceListKind.COST, "USD", True),
        "Standard reseller": (PriceListKind.RESELLER, "USD", True),
        "Gold partner": (PriceListKind.RESELLER, "USD", False),
    }
    northwind = ResellerTerms.objects.get(organization__slug="northwind-cloud")
    dnipro = ResellerTerms.objects.get(organization__slug="dnipro-it-solutions")
    assert (northwind.price_list_id, northwind.markup_percent) == (None, Decimal(5))
    assert (dnipro.price_list.name, dnipro.markup_percent) == ("Gold partner", Decimal(8))


def test_every_active_offer_has_a_price_per_billing_plan_in_every_list(first_output):
    for price_list in PriceList.objects.all():
        priced = set(
            Price.objects.filter(price_list=price_list, currency="USD").values_list(
                "offer_id", "billing_plan"
            )
        )
        wanted = {
            (offer.pk, plan)
            for offer in Offer.objects.filter(is_active=True)
            for plan in offer.billing_plans
        }
        assert priced == wanted, price_list.name
    assert set(Price.objects.values_list("organization_id", flat=True)) == {
        _org("seatwise-distribution").pk
    }


def test_prices_follow_the_new_commerce_shape(first_output):
    assert _price("MS-CFQ7TTC0LH18-0001-P1Y", "monthly").erp == Decimal("6.00")
    assert _price("MS-CFQ7TTC0LH18-0001-P1Y", "annual").erp == Decimal("72.00")
    assert _price("MS-CFQ7TTC0LH18-0001-P1M", "monthly").erp == Decimal("7.20")
    # The provider cost of Office 365 E5 matches the Partner Center cart and order examples.
    assert _price("MS-CFQ7TTC0LF8S-0001-P1Y", "monthly").cost == Decimal("30.40")
    assert _price("MS-CFQ7TTC0LF8S-0001-P1Y", "annual").cost == Decimal("364.80")
    assert _price("MS-CFQ7TTC0LF8S-0001-P1M", "monthly").cost == Decimal("36.48")

    for price in Price.objects.filter(billing_plan="annual", offer__term=Term.P1Y):
        monthly = Price.objects.filter(
            price_list=price.price_list,
            offer=price.offer,
            currency=price.currency,
            billing_plan="monthly",
        ).first()
        if monthly is not None:
            assert price.cost == 12 * monthly.cost, price.offer.sku
            assert price.erp == 12 * monthly.erp, price.offer.sku


def test_reseller_prices_sit_between_cost_and_retail(first_output):
    cost = {
        (p.offer_id, p.billing_plan, p.currency): p
        for p in Price.objects.filter(price_list__name="Provider cost")
    }
    for name in ("Standard reseller", "Gold partner"):
        for price in Price.objects.filter(price_list__name=name):
            base = cost[(price.offer_id, price.billing_plan, price.currency)]
            assert base.cost <= price.cost <= price.erp, (name, price.offer_id)
            assert price.erp == base.erp
    standard = _price("MS-CFQ7TTC0LH18-0001-P1Y", "monthly", price_list="Standard reseller")
    gold = _price("MS-CFQ7TTC0LH18-0001-P1Y", "monthly", price_list="Gold partner")
    assert (standard.cost, gold.cost) == (Decimal("5.40"), Decimal("5.22"))


def test_ukrainian_accounting_is_also_priced_in_hryvnias(first_output):
    uah = _price("OBL-PRO-1", "one_time", currency="UAH")

    assert (uah.cost, uah.erp) == (Decimal("5400.00"), Decimal("7200.00"))
    assert set(
        Price.objects.filter(currency="UAH").values_list(
            "offer__product__category__slug", flat=True
        )
    ) == {"ukrainian-accounting"}


def test_the_provider_sets_exchange_rates(first_output):
    rates = {
        (r.base_currency, r.quote_currency): r.rate
        for r in ExchangeRate.objects.filter(organization__slug="seatwise-distribution")
    }

    assert rates == {("USD", "EUR"): Decimal("0.92"), ("USD", "UAH"): Decimal("41.50")}


def test_the_provider_ships_store_goods_by_courier_or_pickup(first_output):
    from seatwise.pricing.models import ShippingMethod

    methods = ShippingMethod.objects.filter(organization__slug="seatwise-distribution")
    assert [
        (m.name, m.is_active, {p.currency: p.amount for p in m.prices.all()})
        for m in methods.order_by("position")
    ] == [
        (
            "Courier (Nova Poshta)",
            True,
            {"USD": Decimal("3.00"), "EUR": Decimal("2.80"), "UAH": Decimal("120.00")},
        ),
        ("Pickup in Kyiv (free)", True, {"USD": Decimal(0), "EUR": Decimal(0), "UAH": Decimal(0)}),
    ]
