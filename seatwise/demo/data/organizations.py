"""The demo organization tree and its people.

A Kyiv distributor, two resellers and six customers: three under the first reseller (one of
them a university), two under the second (one a charity) and one contract customer of the
provider itself, which pays by invoice. Names, addresses, phone numbers and registration
numbers are invented but shaped like real Ukrainian ones.
"""

from __future__ import annotations

from dataclasses import dataclass

from seatwise.tenancy.enums import OrganizationKind, Role

PROVIDER = "seatwise-distribution"
RESELLER_NORTHWIND = "northwind-cloud"
RESELLER_DNIPRO = "dnipro-it-solutions"


@dataclass(frozen=True)
class OrganizationSpec:
    slug: str
    kind: str
    name: str
    legal_name: str
    parent: str | None
    address_line1: str
    postal_code: str
    city: str
    phone: str
    tax_number: str
    address_line2: str = ""
    country: str = "UA"
    default_currency: str = "UAH"
    is_academic: bool = False
    is_government: bool = False
    is_nonprofit: bool = False
    is_contract_customer: bool = False
    billing_day: int | None = None

    def profile(self) -> dict[str, object]:
        """The company profile, as ``organization_create`` takes it."""
        return {
            "legal_name": self.legal_name,
            "address_line1": self.address_line1,
            "address_line2": self.address_line2,
            "postal_code": self.postal_code,
            "city": self.city,
            "country": self.country,
            "phone": self.phone,
            "tax_number": self.tax_number,
            "is_academic": self.is_academic,
            "is_government": self.is_government,
            "is_nonprofit": self.is_nonprofit,
            "default_currency": self.default_currency,
            "is_contract_customer": self.is_contract_customer,
            "billing_day": self.billing_day,
        }


@dataclass(frozen=True)
class UserSpec:
    email: str
    given_name: str
    surname: str
    phone: str
    organization: str | None = None  # slug; None: an operator with no membership
    role: str = Role.OWNER
    is_staff: bool = False
    is_superuser: bool = False
    display_name: str = ""

    @property
    def shown_name(self) -> str:
        return self.display_name or f"{self.given_name} {self.surname}"


# Parents come before their children.
ORGANIZATIONS: tuple[OrganizationSpec, ...] = (
    OrganizationSpec(
        slug=PROVIDER,
        kind=OrganizationKind.PROVIDER,
        name="Seatwise Distribution",
        legal_name="ТОВ «Сітвайз Дистрибуція»",
        parent=None,
        address_line1="72 Velyka Vasylkivska St.",
        address_line2="Office 404",
        postal_code="03150",
        city="Kyiv",
        phone="+380442390517",
        tax_number="43918265",
        default_currency="UAH",
    ),
    OrganizationSpec(
        slug=RESELLER_NORTHWIND,
        kind=OrganizationKind.RESELLER,
        name="Northwind Cloud",
        legal_name="ТОВ «Нортвінд Клауд»",
        parent=PROVIDER,
        address_line1="15 Svobody Ave.",
        address_line2="3rd floor",
        postal_code="79005",
        city="Lviv",
        phone="+380322452318",
        tax_number="44120937",
        default_currency="UAH",
        billing_day=1,
    ),
    OrganizationSpec(
        slug=RESELLER_DNIPRO,
        kind=OrganizationKind.RESELLER,
        name="Dnipro IT Solutions",
        legal_name="Dnipro IT Solutions LLC",
        parent=PROVIDER,
        address_line1="34 Dmytra Yavornytskoho Ave.",
        postal_code="49000",
        city="Dnipro",
        phone="+380567884213",
        tax_number="42650318",
        default_currency="USD",
        billing_day=15,
    ),
    OrganizationSpec(
        slug="galician-technical-university",
        kind=OrganizationKind.CUSTOMER,
        name="Galician Technical University",
        legal_name="Галицький технічний університет",
        parent=RESELLER_NORTHWIND,
        address_line1="12 Stepana Bandery St.",
        postal_code="79013",
        city="Lviv",
        phone="+380322974410",
        tax_number="02071094",
        is_academic=True,
    ),
    OrganizationSpec(
        slug="karpaty-logistics",
        kind=OrganizationKind.CUSTOMER,
        name="Karpaty Logistics",
        legal_name="ТОВ «Карпати Логістик»",
        parent=RESELLER_NORTHWIND,
        address_line1="21 Nezalezhnosti St.",
        postal_code="76018",
        city="Ivano-Frankivsk",
        phone="+380342551290",
        tax_number="41287705",
    ),
    OrganizationSpec(
        slug="hoverla-coffee-roasters",
        kind=OrganizationKind.CUSTOMER,
        name="Hoverla Coffee Roasters",
        legal_name="Hoverla Coffee Roasters LLC",
        parent=RESELLER_NORTHWIND,
        address_line1="8 Rynok Sq.",
        postal_code="79008",
        city="Lviv",
        phone="+380672318845",
        tax_number="43377012",
        default_currency="USD",
    ),
    OrganizationSpec(
        slug="dnipro-agro-group",
        kind=OrganizationKind.CUSTOMER,
        name="Dnipro Agro Group",
        legal_name="ТОВ «Дніпро Агро Груп»",
        parent=RESELLER_DNIPRO,
        address_line1="101 Naberezhna Peremohy St.",
        postal_code="49094",
        city="Dnipro",
        phone="+380562365078",
        tax_number="40398842",
    ),
    OrganizationSpec(
        slug="open-hearts-foundation",
        kind=OrganizationKind.CUSTOMER,
        name="Open Hearts Foundation",
        legal_name="Благодійний фонд «Відкриті серця»",
        parent=RESELLER_DNIPRO,
        address_line1="150 Sobornyi Ave.",
        postal_code="69005",
        city="Zaporizhzhia",
        phone="+380612134455",
        tax_number="39874120",
        is_nonprofit=True,
    ),
    OrganizationSpec(
        slug="polissia-energy",
        kind=OrganizationKind.CUSTOMER,
        name="Polissia Energy",
        legal_name="АТ «Полісся Енерго»",
        parent=PROVIDER,
        address_line1="10 Kostiantynivska St.",
        address_line2="Business centre «Podil», 5th floor",
        postal_code="04071",
        city="Kyiv",
        phone="+380443337120",
        tax_number="00131305",
        is_contract_customer=True,
    ),
)

ADMIN_EMAIL = "admin@seatwise.local"

USERS: tuple[UserSpec, ...] = (
    UserSpec(
        email=ADMIN_EMAIL,
        given_name="Olena",
        surname="Hnatiuk",
        display_name="Seatwise Admin",
        phone="+380501110001",
        is_staff=True,
        is_superuser=True,
    ),
    # Seatwise Distribution (provider)
    UserSpec(
        "owner@seatwise-distribution.example", "Andrii", "Kovalenko", "+380672100101", PROVIDER
    ),
    UserSpec(
        "accounts@seatwise-distribution.example",
        "Iryna",
        "Melnyk",
        "+380502100102",
        PROVIDER,
        Role.ACCOUNT_MANAGER,
    ),
    UserSpec(
        "billing@seatwise-distribution.example",
        "Oksana",
        "Bondarenko",
        "+380932100103",
        PROVIDER,
        Role.BILLING,
    ),
    # Resellers
    UserSpec(
        "owner@northwind-cloud.example", "Taras", "Shevchuk", "+380672200201", RESELLER_NORTHWIND
    ),
    UserSpec(
        "tech@northwind-cloud.example",
        "Dmytro",
        "Lysenko",
        "+380662200202",
        RESELLER_NORTHWIND,
        Role.TECHNICAL,
    ),
    UserSpec(
        "owner@dnipro-it-solutions.example",
        "Kateryna",
        "Savchenko",
        "+380972300301",
        RESELLER_DNIPRO,
    ),
    UserSpec(
        "billing@dnipro-it-solutions.example",
        "Serhii",
        "Tkachenko",
        "+380632300302",
        RESELLER_DNIPRO,
        Role.BILLING,
    ),
    # Customers
    UserSpec(
        "owner@galician-technical-university.example",
        "Roman",
        "Hrytsenko",
        "+380672400401",
        "galician-technical-university",
    ),
    UserSpec(
        "readonly@galician-technical-university.example",
        "Nataliia",
        "Kravets",
        "+380502400402",
        "galician-technical-university",
        Role.READ_ONLY,
    ),
    UserSpec(
        "owner@karpaty-logistics.example",
        "Yurii",
        "Boiko",
        "+380932500501",
        "karpaty-logistics",
    ),
    UserSpec(
        "owner@hoverla-coffee-roasters.example",
        "Marta",
        "Levytska",
        "+380662600601",
        "hoverla-coffee-roasters",
    ),
    UserSpec(
        "owner@dnipro-agro-group.example",
        "Viktor",
        "Marchenko",
        "+380972700701",
        "dnipro-agro-group",
    ),
    UserSpec(
        "tech@dnipro-agro-group.example",
        "Oleh",
        "Rudenko",
        "+380632700702",
        "dnipro-agro-group",
        Role.TECHNICAL,
    ),
    UserSpec(
        "owner@open-hearts-foundation.example",
        "Halyna",
        "Polishchuk",
        "+380672800801",
        "open-hearts-foundation",
    ),
    UserSpec(
        "owner@polissia-energy.example",
        "Mykola",
        "Sydorenko",
        "+380502900901",
        "polissia-energy",
    ),
    UserSpec(
        "billing@polissia-energy.example",
        "Tetiana",
        "Moroz",
        "+380932900902",
        "polissia-energy",
        Role.BILLING,
    ),
)
