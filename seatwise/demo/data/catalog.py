"""The demo catalogue: vendors, the category tree, products and their offers.

Microsoft offers follow new commerce: one offer per term (``P1M`` billed monthly, ``P1Y``
billed monthly or annually, ``P3Y`` billed monthly, annually or up front for three years), a
``catalog_item_id`` of the form ``product:sku:availability`` and quantity limits per SKU.
``list_price`` is the suggested retail price (ERP) per unit: per month for recurring offers,
the one-off price for perpetual ones. On a ``P1M`` term it is 20 % above the ``P1Y`` monthly
price, as on Microsoft's price list. Cisco-style offers are term licences per device or user;
the SaaS brands, the accounting publisher and the books are invented.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from seatwise.catalog.enums import BillingPlan, Term, UnitType, VendorKind

MONTHLY, ANNUAL, TRIENNIAL, ONE_TIME = (
    BillingPlan.MONTHLY,
    BillingPlan.ANNUAL,
    BillingPlan.TRIENNIAL,
    BillingPlan.ONE_TIME,
)
TERM_PLANS = {
    Term.P1M: (MONTHLY,),
    Term.P1Y: (MONTHLY, ANNUAL),
    Term.P3Y: (MONTHLY, ANNUAL, TRIENNIAL),
    Term.PERPETUAL: (ONE_TIME,),
}
TERM_LABELS = {Term.P1M: "1-month term", Term.P1Y: "1-year term", Term.P3Y: "3-year term"}
MONTHLY_TERM_PREMIUM = Decimal("1.2")  # a P1M term lists 20 % above the P1Y monthly price
TRIAL_DAYS = 30
CENT = Decimal("0.01")


@dataclass(frozen=True)
class VendorSpec:
    slug: str
    name: str
    kind: str
    website: str = ""
    terms_url: str = ""


@dataclass(frozen=True)
class CategorySpec:
    slug: str
    name: str
    parent: str | None
    position: int
    description: str = ""


@dataclass(frozen=True)
class OfferSpec:
    sku: str
    name: str
    term: str
    billing_plans: tuple[str, ...]
    list_price: Decimal  # ERP per unit: per month (recurring) or once (one_time)
    catalog_item_id: str = ""
    unit_type: str = UnitType.USER
    min_quantity: int = 1
    max_quantity: int = 300
    for_commercial: bool = True
    for_academic: bool = False
    for_government: bool = False
    for_nonprofit: bool = False
    trial_days: int | None = None
    is_shippable: bool = False
    list_price_uah: Decimal | None = None  # also priced directly in hryvnias

    @property
    def is_trial(self) -> bool:
        return self.trial_days is not None


@dataclass(frozen=True)
class ProductSpec:
    slug: str
    name: str
    vendor: str
    category: str
    product_group: str
    summary: str
    description: str
    offers: tuple[OfferSpec, ...]
    addon_for: tuple[str, ...] = field(default=())  # product slugs whose paid offers it extends


def _money(value: str | Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def nce(
    product_id: str,
    sku_id: str,
    name: str,
    monthly: str,
    availabilities: dict[str, str],
    *,
    unit_type: str = UnitType.USER,
    max_quantity: int = 300,
    plans: dict[str, tuple[str, ...]] | None = None,
    **segments: bool,
) -> tuple[OfferSpec, ...]:
    """Microsoft new-commerce offers of one SKU, one per term in ``availabilities``.

    ``monthly`` is the ERP per user per month on a yearly term; a monthly term costs 20 %
    more.
    """
    offers = []
    for term, availability in availabilities.items():
        unit = Decimal(monthly)
        if term == Term.P1M:
            unit = unit * MONTHLY_TERM_PREMIUM
        offers.append(
            OfferSpec(
                sku=f"MS-{product_id}-{sku_id}-{term}",
                name=f"{name}, {TERM_LABELS[term]}",
                term=term,
                billing_plans=(plans or TERM_PLANS)[term],
                list_price=_money(unit),
                catalog_item_id=f"{product_id}:{sku_id}:{availability}",
                unit_type=unit_type,
                max_quantity=max_quantity,
                **segments,
            )
        )
    return tuple(offers)


def nce_trial(
    product_id: str, sku_id: str, name: str, availability: str, *, max_quantity: int = 25
) -> OfferSpec:
    """A free 30-day trial (monthly term) that converts to a paid subscription."""
    return OfferSpec(
        sku=f"MS-{product_id}-{sku_id}-TRIAL",
        name=f"{name} Trial",
        term=Term.P1M,
        billing_plans=(MONTHLY,),
        list_price=Decimal("0.00"),
        catalog_item_id=f"{product_id}:{sku_id}:{availability}",
        max_quantity=max_quantity,
        trial_days=TRIAL_DAYS,
    )


def term_licence(
    sku: str,
    name: str,
    term: str,
    monthly: str,
    *,
    plans: tuple[str, ...],
    unit_type: str = UnitType.DEVICE,
    min_quantity: int = 1,
    max_quantity: int = 1000,
) -> OfferSpec:
    """A Cisco-style or SaaS term licence; ``monthly`` is the ERP per unit per month."""
    return OfferSpec(
        sku=sku,
        name=name,
        term=term,
        billing_plans=plans,
        list_price=_money(monthly),
        unit_type=unit_type,
        min_quantity=min_quantity,
        max_quantity=max_quantity,
    )


def perpetual(
    sku: str,
    name: str,
    price: str,
    *,
    catalog_item_id: str = "",
    price_uah: str | None = None,
    unit_type: str = UnitType.LICENCE,
    max_quantity: int = 100,
    shippable: bool = False,
) -> OfferSpec:
    """Perpetual software or store goods, paid once."""
    return OfferSpec(
        sku=sku,
        name=name,
        term=Term.PERPETUAL,
        billing_plans=(ONE_TIME,),
        list_price=_money(price),
        catalog_item_id=catalog_item_id,
        unit_type=unit_type,
        max_quantity=max_quantity,
        is_shippable=shippable,
        list_price_uah=_money(price_uah) if price_uah is not None else None,
    )


def goods(sku: str, name: str, price: str) -> OfferSpec:
    return perpetual(sku, name, price, unit_type=UnitType.ITEM, max_quantity=50, shippable=True)


MICROSOFT = "microsoft"
CISCO = "cisco"
STASHWELL = "stashwell"
LOCKFERN = "lockfern"
HUDDLEWAVE = "huddlewave"
OBLIK = "oblik-soft"
STORE = "seatwise-store"

VENDORS: tuple[VendorSpec, ...] = (
    VendorSpec(MICROSOFT, "Microsoft", VendorKind.MICROSOFT, "https://www.microsoft.com"),
    VendorSpec(
        CISCO,
        "Cisco",
        VendorKind.SMART_LICENSING,
        "https://www.cisco.com",
        "https://www.cisco.com/c/en/us/about/legal/cloud-and-software/end_user_license_agreement.html",
    ),
    VendorSpec(STASHWELL, "Stashwell", VendorKind.SAAS, "https://stashwell.example"),
    VendorSpec(LOCKFERN, "Lockfern", VendorKind.SAAS, "https://lockfern.example"),
    VendorSpec(HUDDLEWAVE, "Huddlewave", VendorKind.SAAS, "https://huddlewave.example"),
    VendorSpec(OBLIK, "Oblik Soft", VendorKind.STORE, "https://obliksoft.example"),
    VendorSpec(STORE, "Seatwise Store", VendorKind.STORE),
)

CATEGORIES: tuple[CategorySpec, ...] = (
    CategorySpec(
        "cloud-products",
        "Cloud products",
        None,
        10,
        "Subscriptions to Microsoft cloud services, Cisco term licences and SaaS "
        "applications, provisioned in minutes and billed monthly or yearly.",
    ),
    CategorySpec(
        "microsoft-365",
        "Microsoft 365",
        "cloud-products",
        10,
        "Office apps, e-mail, Teams and device management for businesses, enterprises, "
        "frontline workers and education, with Teams and Copilot add-ons.",
    ),
    CategorySpec(
        "office-365",
        "Office 365",
        "cloud-products",
        20,
        "Office 365 enterprise and education plans: Exchange, SharePoint, OneDrive and Teams.",
    ),
    CategorySpec(
        "security-identity",
        "Security & Identity",
        "cloud-products",
        30,
        "Microsoft Entra ID, Intune and Defender: identity, device and threat protection.",
    ),
    CategorySpec(
        "azure",
        "Azure",
        "cloud-products",
        40,
        "Azure plan for pay-as-you-go consumption and Azure reservations.",
    ),
    CategorySpec(
        "dynamics-365",
        "Dynamics 365",
        "cloud-products",
        50,
        "Business applications for sales, customer service, finance and operations.",
    ),
    CategorySpec(
        "power-platform",
        "Power Platform",
        "cloud-products",
        60,
        "Power BI analytics and Power Apps low-code applications.",
    ),
    CategorySpec(
        "networking-collaboration",
        "Networking & Collaboration",
        "cloud-products",
        70,
        "Cisco term licences for switching, wireless and Webex collaboration, managed in "
        "a Smart Account.",
    ),
    CategorySpec(
        "saas-applications",
        "SaaS applications",
        "cloud-products",
        80,
        "Backup, password management and video meetings from independent SaaS vendors.",
    ),
    CategorySpec(
        "software",
        "Software",
        None,
        20,
        "Perpetual licences: pay once, use the version you bought for as long as you like.",
    ),
    CategorySpec(
        "ukrainian-accounting",
        "Ukrainian Accounting",
        "software",
        10,
        "Accounting, payroll and reporting software that follows Ukrainian law and files "
        "reports to the tax service.",
    ),
    CategorySpec(
        "microsoft-perpetual",
        "Microsoft perpetual licences",
        "software",
        20,
        "Windows Server and Office LTSC licences for on-premises installations.",
    ),
    CategorySpec(
        "microsoft-hardware",
        "Microsoft Hardware",
        None,
        30,
        "Mice, keyboards and headsets, delivered across Ukraine.",
    ),
    CategorySpec("books", "Books", None, 40, "Books for IT administrators and business owners."),
    CategorySpec(
        "branded-merchandise",
        "Branded merchandise",
        None,
        50,
        "T-shirts, mugs and other Seatwise goodies.",
    ),
)

_BUSINESS_SUITES = ("m365-business-basic", "m365-business-standard", "m365-business-premium")
_ENTERPRISE_SUITES = ("m365-e3", "m365-e5", "o365-e1", "o365-e3", "o365-e5")

PRODUCTS: tuple[ProductSpec, ...] = (
    # ---------------------------------------------------------------- Microsoft 365
    ProductSpec(
        slug="m365-business-basic",
        name="Microsoft 365 Business Basic",
        vendor=MICROSOFT,
        category="microsoft-365",
        product_group="Microsoft 365",
        summary="Business e-mail, 1 TB of cloud storage and Teams, with web and mobile "
        "Office apps, for up to 300 users.",
        description="Microsoft 365 Business Basic gives every employee a 50 GB Exchange "
        "mailbox on your own domain, 1 TB of OneDrive storage, SharePoint team sites and "
        "Microsoft Teams for chat, meetings and calls. Word, Excel, PowerPoint and Outlook run "
        "in the browser and on phones and tablets; the desktop apps are not included. "
        "Standard security and compliance features, such as multi-factor authentication and "
        "anti-spam protection, are built in, and Microsoft's phone and web support is "
        "available around the clock.",
        offers=nce(
            "CFQ7TTC0LH18",
            "0001",
            "Microsoft 365 Business Basic",
            "6.00",
            {Term.P1M: "CFQ7TTC0K9R5", Term.P1Y: "CFQ7TTC0K971"},
        ),
    ),
    ProductSpec(
        slug="m365-business-standard",
        name="Microsoft 365 Business Standard",
        vendor=MICROSOFT,
        category="microsoft-365",
        product_group="Microsoft 365",
        summary="Everything in Business Basic plus the desktop Office apps on up to five PCs "
        "or Macs, five tablets and five phones per user.",
        description="Microsoft 365 Business Standard is the plan most small businesses choose: "
        "it adds the installable desktop versions of Word, Excel, PowerPoint, Outlook, "
        "OneNote and Access (PC only) to the cloud services of Business Basic. Every user "
        "gets a 50 GB mailbox, 1 TB of OneDrive storage, Teams with webinars and attendee "
        "registration, Microsoft Bookings for appointments and Clipchamp for video editing. "
        "The plan is limited to 300 users; larger organizations move to Microsoft 365 E3.",
        offers=(
            *nce(
                "CFQ7TTC0LDPB",
                "0001",
                "Microsoft 365 Business Standard",
                "12.50",
                {Term.P1M: "CFQ7TTC0K8DJ", Term.P1Y: "CFQ7TTC0K8BT"},
            ),
            nce_trial("CFQ7TTC0LDPB", "0004", "Microsoft 365 Business Standard", "CFQ7TTC0MZ6D"),
        ),
    ),
    ProductSpec(
        slug="m365-business-premium",
        name="Microsoft 365 Business Premium",
        vendor=MICROSOFT,
        category="microsoft-365",
        product_group="Microsoft 365",
        summary="Business Standard plus advanced security: Intune device management, "
        "Defender for Business and Entra ID P1 conditional access.",
        description="Microsoft 365 Business Premium combines the desktop Office apps and "
        "cloud services of Business Standard with the security a small business needs "
        "today. Microsoft Intune manages and secures company and personal devices, "
        "Microsoft Defender for Business protects endpoints against ransomware, Defender for "
        "Office 365 Plan 1 scans links and attachments, and Entra ID P1 adds conditional "
        "access and self-service password reset. Purview information protection and data "
        "loss prevention keep sensitive documents inside the company. Registered "
        "nonprofits can buy it at a discounted staff price.",
        offers=(
            *nce(
                "CFQ7TTC0LCHC",
                "0002",
                "Microsoft 365 Business Premium",
                "22.00",
                {Term.P1M: "CFQ7TTC0K4C2", Term.P1Y: "CFQ7TTC0K8DB", Term.P3Y: "CFQ7TTC0K9LM"},
            ),
            nce_trial("CFQ7TTC0LCHC", "0007", "Microsoft 365 Business Premium", "CFQ7TTC0QGTR"),
            OfferSpec(
                sku="MS-CFQ7TTC0LCHC-0009-P1Y-NP",
                name="Microsoft 365 Business Premium (Nonprofit Staff Pricing), 1-year term",
                term=Term.P1Y,
                billing_plans=(MONTHLY, ANNUAL),
                list_price=Decimal("5.50"),
                catalog_item_id="CFQ7TTC0LCHC:0009:CFQ7TTC0R8N2",
                for_commercial=False,
                for_nonprofit=True,
            ),
        ),
    ),
    ProductSpec(
        slug="m365-apps-for-business",
        name="Microsoft 365 Apps for business",
        vendor=MICROSOFT,
        category="microsoft-365",
        product_group="Microsoft 365",
        summary="The desktop Office apps and 1 TB of OneDrive storage, without business e-mail.",
        description="Microsoft 365 Apps for business licenses the always up-to-date desktop "
        "versions of Word, Excel, PowerPoint, Outlook and OneNote on up to five PCs or Macs, "
        "five tablets and five phones per user, together with 1 TB of OneDrive cloud storage "
        "for each user. It suits companies that keep their mail on another system but want "
        "current Office apps; it does not include Exchange mailboxes, SharePoint or Teams.",
        offers=nce(
            "CFQ7TTC0LH1G",
            "0001",
            "Microsoft 365 Apps for business",
            "8.25",
            {Term.P1M: "CFQ7TTC0K7P7", Term.P1Y: "CFQ7TTC0K7P6"},
        ),
    ),
    ProductSpec(
        slug="m365-e3",
        name="Microsoft 365 E3",
        vendor=MICROSOFT,
        category="microsoft-365",
        product_group="Microsoft 365",
        summary="Enterprise productivity and security: Office apps, Windows Enterprise, "
        "Intune and Entra ID P1 for any number of users.",
        description="Microsoft 365 E3 is the enterprise suite without a user limit. It brings "
        "the Microsoft 365 Apps for enterprise, 100 GB mailboxes with unlimited archiving, "
        "5 TB or more of OneDrive storage, SharePoint and Teams, together with Windows "
        "Enterprise E3, Microsoft Intune, Entra ID P1 and Purview information protection. "
        "Core eDiscovery, litigation hold and retention policies cover most regulatory "
        "needs. Choose the 3-year term to lock the price for the whole term.",
        offers=nce(
            "CFQ7TTC0LFLX",
            "0001",
            "Microsoft 365 E3",
            "36.00",
            {Term.P1M: "CFQ7TTC0K5B6", Term.P1Y: "CFQ7TTC0K5BF", Term.P3Y: "CFQ7TTC0K5C0"},
            max_quantity=5000,
        ),
    ),
    ProductSpec(
        slug="m365-e5",
        name="Microsoft 365 E5",
        vendor=MICROSOFT,
        category="microsoft-365",
        product_group="Microsoft 365",
        summary="Everything in E3 plus Defender XDR, Entra ID P2, Power BI Pro and Teams Phone.",
        description="Microsoft 365 E5 is Microsoft's most complete plan. On top of E3 it adds "
        "Microsoft Defender for Endpoint, Office 365, Identity and Cloud Apps, joined up in "
        "Defender XDR; Entra ID P2 with risk-based conditional access and privileged "
        "identity management; Purview insider risk management and premium eDiscovery; Power "
        "BI Pro for self-service analytics; and Teams Phone with audio conferencing, so "
        "every user can make and receive calls on ordinary phone numbers.",
        offers=nce(
            "CFQ7TTC0LFLZ",
            "0002",
            "Microsoft 365 E5",
            "57.00",
            {Term.P1M: "CFQ7TTC0K6QW", Term.P1Y: "CFQ7TTC0K6QX"},
            max_quantity=5000,
        ),
    ),
    ProductSpec(
        slug="m365-f1",
        name="Microsoft 365 F1",
        vendor=MICROSOFT,
        category="microsoft-365",
        product_group="Microsoft 365",
        summary="Teams, SharePoint and OneDrive for frontline workers who share devices.",
        description="Microsoft 365 F1 connects frontline staff such as shop assistants, "
        "drivers and warehouse workers. It includes Microsoft Teams for chat, shifts and "
        "walkie-talkie, SharePoint and 2 GB of OneDrive storage, read-only access to Office "
        "documents, and Intune and Entra ID P1 to secure the shared phones and tablets they "
        "work on. Mailboxes and the Office apps are not included.",
        offers=nce(
            "CFQ7TTC0LGZT",
            "0001",
            "Microsoft 365 F1",
            "2.25",
            {Term.P1Y: "CFQ7TTC0LH2R"},
            max_quantity=5000,
        ),
    ),
    ProductSpec(
        slug="m365-a3",
        name="Microsoft 365 A3",
        vendor=MICROSOFT,
        category="microsoft-365",
        product_group="Microsoft 365 Education",
        summary="Office apps, Windows Education and Intune for Education for schools and "
        "universities.",
        description="Microsoft 365 A3 is the education version of Microsoft 365 E3, "
        "available only to accredited academic institutions. Teachers and students get the "
        "desktop Office apps, Teams for classes and assignments, OneNote Class Notebook, 100 "
        "GB mailboxes and OneDrive storage, while the IT department manages classroom "
        "devices with Intune for Education and Windows Education. Faculty and student "
        "licences are priced separately.",
        offers=(
            OfferSpec(
                sku="MS-CFQ7TTC0LDS0-0001-P1Y-EDU",
                name="Microsoft 365 A3 for faculty, 1-year term",
                term=Term.P1Y,
                billing_plans=(MONTHLY, ANNUAL),
                list_price=Decimal("3.25"),
                catalog_item_id="CFQ7TTC0LDS0:0001:CFQ7TTC0LDT1",
                max_quantity=10000,
                for_commercial=False,
                for_academic=True,
            ),
            OfferSpec(
                sku="MS-CFQ7TTC0LDS0-0002-P1Y-EDU",
                name="Microsoft 365 A3 for students, 1-year term",
                term=Term.P1Y,
                billing_plans=(MONTHLY, ANNUAL),
                list_price=Decimal("2.50"),
                catalog_item_id="CFQ7TTC0LDS0:0002:CFQ7TTC0LDT3",
                max_quantity=50000,
                for_commercial=False,
                for_academic=True,
            ),
        ),
    ),
    ProductSpec(
        slug="m365-copilot",
        name="Microsoft 365 Copilot",
        vendor=MICROSOFT,
        category="microsoft-365",
        product_group="Microsoft 365",
        summary="The AI assistant in Word, Excel, PowerPoint, Outlook and Teams, grounded in "
        "your organization's data. Add-on.",
        description="Microsoft 365 Copilot brings generative AI into the apps people already "
        "use: it drafts documents in Word, analyses data in Excel, builds presentations in "
        "PowerPoint, summarises long mail threads in Outlook and recaps Teams meetings with "
        "action items. Copilot works only with data the user may already see, respects your "
        "sensitivity labels and retention policies, and is sold as an add-on to a Microsoft "
        "365 or Office 365 business or enterprise plan, on a 1-year term.",
        offers=nce(
            "CFQ7TTC0MM8R",
            "0002",
            "Microsoft 365 Copilot",
            "30.00",
            {Term.P1Y: "CFQ7TTC0MM8S"},
            max_quantity=5000,
        ),
        addon_for=(*_BUSINESS_SUITES, *_ENTERPRISE_SUITES),
    ),
    ProductSpec(
        slug="teams-phone-standard",
        name="Microsoft Teams Phone Standard",
        vendor=MICROSOFT,
        category="microsoft-365",
        product_group="Microsoft Teams",
        summary="Turn Teams into a business phone system: call queues, auto attendants and "
        "call transfer. Add-on.",
        description="Microsoft Teams Phone Standard replaces the office PBX with calling in "
        "Teams. Users make and receive calls on desktop, mobile and certified desk phones, "
        "transfer and park calls, share lines with delegates, and get voicemail with "
        "transcription. Connect it to the public telephone network with a Microsoft Calling "
        "Plan, Operator Connect or your own SBC through Direct Routing. It is an add-on to "
        "plans that include Teams, such as Business Basic, Business Premium or Office 365 E3.",
        offers=nce(
            "CFQ7TTC0J1FV",
            "0002",
            "Microsoft Teams Phone Standard",
            "10.00",
            {Term.P1M: "CFQ7TTC0J1G2", Term.P1Y: "CFQ7TTC0J1G1"},
            max_quantity=5000,
        ),
        addon_for=(*_BUSINESS_SUITES, "m365-e3", "o365-e1", "o365-e3"),
    ),
    ProductSpec(
        slug="teams-premium",
        name="Microsoft Teams Premium",
        vendor=MICROSOFT,
        category="microsoft-365",
        product_group="Microsoft Teams",
        summary="Intelligent recaps, live translated captions, branded meetings and advanced "
        "webinars. Add-on.",
        description="Microsoft Teams Premium makes meetings more personal, intelligent and "
        "secure. Intelligent recap produces AI notes and tasks after every meeting, live "
        "captions are translated into 40 languages, and organizers can brand meeting lobbies "
        "and run webinars with waitlists, reminders and registration approval. Watermarks and "
        "sensitivity labels protect confidential meetings. Try it free for 30 days before "
        "you commit.",
        offers=(
            *nce(
                "CFQ7TTC0RM8K",
                "0001",
                "Microsoft Teams Premium",
                "10.00",
                {Term.P1Y: "CFQ7TTC0RM8L"},
                max_quantity=5000,
            ),
            nce_trial("CFQ7TTC0RM8K", "0002", "Microsoft Teams Premium", "CFQ7TTC0RM8N"),
        ),
        addon_for=(*_BUSINESS_SUITES, *_ENTERPRISE_SUITES),
    ),
    ProductSpec(
        slug="teams-audio-conferencing",
        name="Microsoft Teams Audio Conferencing",
        vendor=MICROSOFT,
        category="microsoft-365",
        product_group="Microsoft Teams",
        summary="Let people join Teams meetings from any phone with dial-in numbers. Add-on.",
        description="Microsoft Teams Audio Conferencing adds toll and toll-free dial-in "
        "numbers to every meeting a licensed user organizes, so participants on the road or "
        "without an internet connection can join by phone. Organizers can also dial out to "
        "bring someone into the meeting. Dial-in numbers are available in more than 90 "
        "countries, including Ukraine, and are managed in the Teams admin centre.",
        offers=nce(
            "CFQ7TTC0LGR2",
            "0001",
            "Microsoft Teams Audio Conferencing",
            "4.00",
            {Term.P1Y: "CFQ7TTC0LGR4"},
            max_quantity=5000,
        ),
        addon_for=(*_BUSINESS_SUITES, "m365-e3", "o365-e1", "o365-e3"),
    ),
    ProductSpec(
        slug="teams-rooms-pro",
        name="Microsoft Teams Rooms Pro",
        vendor=MICROSOFT,
        category="microsoft-365",
        product_group="Microsoft Teams",
        summary="Licence for a meeting-room device: intelligent audio and video, dual "
        "screens and remote management.",
        description="Microsoft Teams Rooms Pro licenses one certified meeting-room system, "
        "such as a front-of-room display with camera and microphone array. It enables "
        "intelligent speaker recognition, people framing, dual-screen layouts and "
        "whiteboard cameras, and lets IT monitor, update and troubleshoot every room from "
        "the Teams Rooms Pro management portal. Teams Phone and audio conferencing for the "
        "room are included. It is licensed per device, not per user.",
        offers=nce(
            "CFQ7TTC0QW5P",
            "0001",
            "Microsoft Teams Rooms Pro",
            "40.00",
            {Term.P1Y: "CFQ7TTC0QW5Q"},
            unit_type=UnitType.DEVICE,
            max_quantity=500,
        ),
    ),
    # ---------------------------------------------------------------- Office 365
    ProductSpec(
        slug="o365-e1",
        name="Office 365 E1",
        vendor=MICROSOFT,
        category="office-365",
        product_group="Office 365",
        summary="Enterprise e-mail, Teams, SharePoint and web Office apps without a user limit.",
        description="Office 365 E1 gives enterprise users a 50 GB Exchange mailbox, 1 TB or "
        "more of OneDrive storage, SharePoint intranet sites and Microsoft Teams, with "
        "Word, Excel and PowerPoint in the browser. It suits staff who work mostly online "
        "and do not need the desktop apps, and it can be combined with Enterprise Mobility + "
        "Security for device management.",
        offers=nce(
            "CFQ7TTC0LF8Q",
            "0001",
            "Office 365 E1",
            "10.00",
            {Term.P1M: "CFQ7TTC0LF8T", Term.P1Y: "CFQ7TTC0LF8V"},
            max_quantity=5000,
        ),
    ),
    ProductSpec(
        slug="o365-e3",
        name="Office 365 E3",
        vendor=MICROSOFT,
        category="office-365",
        product_group="Office 365",
        summary="Desktop Office apps, 100 GB mailboxes with unlimited archive and compliance "
        "tools.",
        description="Office 365 E3 includes the Microsoft 365 Apps for enterprise on up to "
        "five PCs or Macs per user, 100 GB mailboxes with unlimited archiving, OneDrive, "
        "SharePoint and Teams. Compliance features such as litigation hold, core eDiscovery, "
        "data loss prevention and message encryption help regulated organizations meet "
        "their obligations. Unlike Microsoft 365 E3 it does not include Windows Enterprise "
        "or Intune.",
        offers=nce(
            "CFQ7TTC0LF8R",
            "0001",
            "Office 365 E3",
            "23.00",
            {Term.P1M: "CFQ7TTC0LF8W", Term.P1Y: "CFQ7TTC0LF8X", Term.P3Y: "CFQ7TTC0LF8Z"},
            max_quantity=5000,
        ),
    ),
    ProductSpec(
        slug="o365-e5",
        name="Office 365 E5",
        vendor=MICROSOFT,
        category="office-365",
        product_group="Office 365",
        summary="Office 365 E3 plus Defender for Office 365, Teams Phone and Power BI Pro.",
        description="Office 365 E5 adds advanced threat protection and analytics to Office 365 "
        "E3: Microsoft Defender for Office 365 Plan 2 with attack simulation training, "
        "Teams Phone with audio conferencing, Power BI Pro, and premium compliance with "
        "advanced eDiscovery, customer key and insider risk management. It fits "
        "organizations that manage their devices with another tool but want the strongest "
        "protection for mail and collaboration.",
        offers=nce(
            "CFQ7TTC0LF8S",
            "0001",
            "Office 365 E5",
            "38.00",
            {Term.P1M: "CFQ7TTC0N81H", Term.P1Y: "CFQ7TTC0VZW5"},
            max_quantity=5000,
        ),
    ),
    ProductSpec(
        slug="o365-a1",
        name="Office 365 A1",
        vendor=MICROSOFT,
        category="office-365",
        product_group="Office 365 Education",
        summary="Free web Office apps, Teams and e-mail for accredited schools and universities.",
        description="Office 365 A1 is Microsoft's free plan for education. Faculty get "
        "Exchange mailboxes, Teams for online classes, SharePoint and OneDrive, and the web "
        "and mobile versions of Word, Excel, PowerPoint and OneNote. The institution must be "
        "verified as an accredited academic organization before the licences can be "
        "provisioned.",
        offers=(
            OfferSpec(
                sku="MS-CFQ7TTC0LF9V-0001-P1M-EDU",
                name="Office 365 A1 for faculty, 1-month term",
                term=Term.P1M,
                billing_plans=(MONTHLY,),
                list_price=Decimal("0.00"),
                catalog_item_id="CFQ7TTC0LF9V:0001:CFQ7TTC0LF9W",
                max_quantity=50000,
                for_commercial=False,
                for_academic=True,
            ),
        ),
    ),
    # ---------------------------------------------------------------- Security & Identity
    ProductSpec(
        slug="ems-e3",
        name="Enterprise Mobility + Security E3",
        vendor=MICROSOFT,
        category="security-identity",
        product_group="Security & Identity",
        summary="Intune device management, Entra ID P1 and Azure Information Protection in "
        "one licence.",
        description="Enterprise Mobility + Security E3 secures identities, devices and "
        "documents for users who already have Office 365. It combines Microsoft Entra ID P1 "
        "for single sign-on and conditional access, Microsoft Intune Plan 1 for managing "
        "Windows, macOS, iOS and Android devices, Azure Information Protection for "
        "classifying and encrypting documents, and Microsoft Advanced Threat Analytics.",
        offers=nce(
            "CFQ7TTC0LFK4",
            "0001",
            "Enterprise Mobility + Security E3",
            "10.60",
            {Term.P1M: "CFQ7TTC0LFK6", Term.P1Y: "CFQ7TTC0LFK7"},
            max_quantity=5000,
        ),
    ),
    ProductSpec(
        slug="entra-id-p1",
        name="Microsoft Entra ID P1",
        vendor=MICROSOFT,
        category="security-identity",
        product_group="Security & Identity",
        summary="Conditional access, self-service password reset and hybrid identity "
        "(formerly Azure AD Premium P1).",
        description="Microsoft Entra ID P1, formerly Azure Active Directory Premium P1, "
        "protects sign-ins to Microsoft 365 and thousands of SaaS applications. Conditional "
        "access policies decide who may sign in from where and on which device, users reset "
        "their own passwords with write-back to on-premises Active Directory, and dynamic "
        "groups keep access up to date as people join, move and leave.",
        offers=nce(
            "CFQ7TTC0LFLT",
            "0001",
            "Microsoft Entra ID P1",
            "6.00",
            {Term.P1M: "CFQ7TTC0LFLV", Term.P1Y: "CFQ7TTC0LFLW"},
            max_quantity=5000,
        ),
    ),
    ProductSpec(
        slug="entra-id-p2",
        name="Microsoft Entra ID P2",
        vendor=MICROSOFT,
        category="security-identity",
        product_group="Security & Identity",
        summary="Entra ID P1 plus risk-based conditional access, identity protection and "
        "privileged identity management.",
        description="Microsoft Entra ID P2 adds Identity Protection, which detects leaked "
        "credentials and risky sign-ins and blocks them automatically, and Privileged "
        "Identity Management, which grants administrator roles just in time and for a "
        "limited period with approval and audit. Access reviews let managers confirm "
        "regularly that people still need the access they have.",
        offers=nce(
            "CFQ7TTC0LFM1",
            "0001",
            "Microsoft Entra ID P2",
            "9.00",
            {Term.P1Y: "CFQ7TTC0LFM3"},
            max_quantity=5000,
        ),
    ),
    ProductSpec(
        slug="defender-for-business",
        name="Microsoft Defender for Business",
        vendor=MICROSOFT,
        category="security-identity",
        product_group="Security & Identity",
        summary="Endpoint detection and response for companies with up to 300 employees.",
        description="Microsoft Defender for Business brings enterprise-grade endpoint "
        "protection to small and medium businesses. Next-generation antivirus, attack "
        "surface reduction and endpoint detection and response protect Windows, macOS, iOS "
        "and Android devices, and automated investigation remediates most threats without "
        "an analyst. A simple wizard applies recommended policies in minutes.",
        offers=nce(
            "CFQ7TTC0LCHM",
            "0001",
            "Microsoft Defender for Business",
            "3.00",
            {Term.P1Y: "CFQ7TTC0LCHN"},
        ),
    ),
    # ---------------------------------------------------------------- Azure
    ProductSpec(
        slug="azure-plan",
        name="Azure plan",
        vendor=MICROSOFT,
        category="azure",
        product_group="Azure",
        summary="Pay-as-you-go access to every Azure service, billed monthly on actual "
        "consumption.",
        description="The Azure plan is the customer's single entry point to Microsoft Azure "
        "under the Microsoft Customer Agreement. It carries no fixed fee: virtual machines, "
        "storage, databases, networking and AI services are billed each month on what was "
        "actually consumed, at Azure retail prices. One Azure plan holds any number of "
        "subscriptions, and reservations and savings plans bought later apply discounts "
        "to its usage automatically.",
        offers=(
            OfferSpec(
                sku="MS-DZH318Z0BPS6-0001-USAGE",
                name="Azure plan (pay-as-you-go)",
                term=Term.P1M,
                billing_plans=(MONTHLY,),
                list_price=Decimal("0.00"),
                catalog_item_id="DZH318Z0BPS6:0001:DZH318Z09T9W",
                unit_type=UnitType.USAGE,
                max_quantity=1,
            ),
        ),
    ),
    ProductSpec(
        slug="azure-reserved-vm-instances",
        name="Azure Reserved VM Instances",
        vendor=MICROSOFT,
        category="azure",
        product_group="Azure",
        summary="Reserve virtual machine capacity for a year and pay up to 40 % less than "
        "pay-as-you-go.",
        description="An Azure reservation commits to a virtual machine size in one region for "
        "a year in exchange for a lower price. The discount applies automatically to "
        "matching running VMs in the customer's Azure plan, so nothing needs to be "
        "redeployed. This reservation covers one D2s v5 instance (2 vCPUs, 8 GiB memory) in "
        "West Europe and can be paid monthly or up front.",
        offers=(
            OfferSpec(
                sku="MS-DZH318Z0BQ35-00T1-P1Y",
                name="Reserved VM Instance, D2s v5, West Europe, 1-year term",
                term=Term.P1Y,
                billing_plans=(MONTHLY, ANNUAL),
                list_price=Decimal("41.32"),
                catalog_item_id="DZH318Z0BQ35:00T1:DZH318Z0C0G4",
                unit_type=UnitType.INSTANCE,
                max_quantity=100,
            ),
        ),
    ),
    # ---------------------------------------------------------------- Dynamics 365
    ProductSpec(
        slug="d365-sales",
        name="Dynamics 365 Sales",
        vendor=MICROSOFT,
        category="dynamics-365",
        product_group="Dynamics 365",
        summary="CRM for sales teams: leads, opportunities, forecasts and Outlook and Teams "
        "integration.",
        description="Dynamics 365 Sales helps sellers manage leads, accounts, contacts and "
        "opportunities from first touch to closed deal. Sales Professional covers the "
        "essentials (pipeline, quotes, product catalogue and forecasting), while Sales "
        "Enterprise adds sequences, predictive lead scoring, relationship analytics and "
        "unlimited customisation with the Power Platform. Both work inside Outlook and "
        "Teams, so sellers do not have to switch apps.",
        offers=(
            *nce(
                "CFQ7TTC0LGVC",
                "0001",
                "Dynamics 365 Sales Professional",
                "65.00",
                {Term.P1Y: "CFQ7TTC0LGVD"},
                max_quantity=1000,
            ),
            *nce(
                "CFQ7TTC0LGWQ",
                "0001",
                "Dynamics 365 Sales Enterprise",
                "105.00",
                {Term.P1Y: "CFQ7TTC0LGWR"},
                max_quantity=1000,
            ),
        ),
    ),
    ProductSpec(
        slug="d365-customer-service",
        name="Dynamics 365 Customer Service",
        vendor=MICROSOFT,
        category="dynamics-365",
        product_group="Dynamics 365",
        summary="Case management, knowledge base and omnichannel service with Copilot.",
        description="Dynamics 365 Customer Service gives support teams one place to handle "
        "cases from e-mail, web forms and phone, with queues, routing rules and service "
        "level agreements. A knowledge base and Copilot suggest answers to agents and draft "
        "replies, and dashboards show volumes, resolution times and customer satisfaction. "
        "The Enterprise plan adds unified routing, entitlements and field-service "
        "scheduling integration.",
        offers=nce(
            "CFQ7TTC0LGNF",
            "0001",
            "Dynamics 365 Customer Service Enterprise",
            "105.00",
            {Term.P1Y: "CFQ7TTC0LGNG"},
            max_quantity=1000,
        ),
    ),
    ProductSpec(
        slug="d365-business-central",
        name="Dynamics 365 Business Central",
        vendor=MICROSOFT,
        category="dynamics-365",
        product_group="Dynamics 365",
        summary="Cloud ERP for growing companies: finance, sales, purchasing, inventory and "
        "projects.",
        description="Dynamics 365 Business Central is an all-in-one ERP for small and "
        "medium-sized businesses. Essentials covers finance, sales, purchasing, inventory, "
        "warehouse, projects and human resources; Premium adds manufacturing and service "
        "management. It connects to Outlook, Excel and Teams, supports local tax and "
        "reporting rules through localisation apps, and scales from a handful of "
        "accountants to hundreds of users.",
        offers=(
            *nce(
                "CFQ7TTC0LH3Q",
                "0001",
                "Dynamics 365 Business Central Essentials",
                "80.00",
                {Term.P1M: "CFQ7TTC0LH3R", Term.P1Y: "CFQ7TTC0LH3S"},
                max_quantity=1000,
            ),
            *nce(
                "CFQ7TTC0LH3V",
                "0001",
                "Dynamics 365 Business Central Premium",
                "110.00",
                {Term.P1Y: "CFQ7TTC0LH3W"},
                max_quantity=1000,
            ),
        ),
    ),
    # ---------------------------------------------------------------- Power Platform
    ProductSpec(
        slug="power-bi-pro",
        name="Power BI Pro",
        vendor=MICROSOFT,
        category="power-platform",
        product_group="Power BI",
        summary="Self-service analytics: build, share and collaborate on interactive reports "
        "and dashboards.",
        description="Power BI Pro lets analysts connect to hundreds of data sources, from "
        "Excel files and SQL databases to Dynamics 365 and Salesforce, model the data and "
        "publish interactive reports. Colleagues with a Pro licence can view, comment on and "
        "subscribe to reports in the browser, in Teams or on their phones. Data refreshes "
        "up to eight times a day. Start with a free 30-day trial.",
        offers=(
            *nce(
                "CFQ7TTC0L3PB",
                "0001",
                "Power BI Pro",
                "14.00",
                {Term.P1M: "CFQ7TTC0KHS0", Term.P1Y: "CFQ7TTC0KHS2"},
                max_quantity=5000,
            ),
            nce_trial("CFQ7TTC0L3PB", "0003", "Power BI Pro", "CFQ7TTC0KHS5"),
        ),
    ),
    ProductSpec(
        slug="power-bi-premium-per-user",
        name="Power BI Premium Per User",
        vendor=MICROSOFT,
        category="power-platform",
        product_group="Power BI",
        summary="Everything in Power BI Pro plus larger models, more frequent refresh and AI "
        "features, per user.",
        description="Power BI Premium Per User gives individual users the premium "
        "capabilities of Power BI without buying a whole capacity: data models up to 100 "
        "GB, up to 48 refreshes a day, paginated reports, deployment pipelines, dataflows "
        "with the enhanced compute engine and AI-driven insights. Reports in a Premium Per "
        "User workspace can be shared with other Premium Per User licensees.",
        offers=nce(
            "CFQ7TTC0HL8W",
            "0001",
            "Power BI Premium Per User",
            "24.00",
            {Term.P1Y: "CFQ7TTC0K59S"},
            max_quantity=5000,
        ),
    ),
    ProductSpec(
        slug="power-apps-premium",
        name="Power Apps Premium",
        vendor=MICROSOFT,
        category="power-platform",
        product_group="Power Apps",
        summary="Build and run unlimited low-code business apps with premium connectors and "
        "Dataverse.",
        description="Power Apps Premium lets each licensed user run any number of custom "
        "apps and portals built with the low-code Power Apps studio. It includes premium and "
        "custom connectors to systems such as SQL Server and SAP, Microsoft Dataverse "
        "storage for business data, and managed environments with governance controls for "
        "IT. Citizen developers can turn paper forms and spreadsheets into secure mobile "
        "apps in days.",
        offers=nce(
            "CFQ7TTC0LH2H",
            "0001",
            "Power Apps Premium",
            "20.00",
            {Term.P1Y: "CFQ7TTC0LH2J"},
            max_quantity=5000,
        ),
    ),
    # ---------------------------------------------------------------- Cisco
    ProductSpec(
        slug="cisco-dna-essentials",
        name="Cisco DNA Essentials for Switching",
        vendor=CISCO,
        category="networking-collaboration",
        product_group="Cisco DNA",
        summary="Term licence for Catalyst 9300 24-port switches: basic automation, "
        "monitoring and Plug and Play.",
        description="Cisco DNA Essentials is the entry-level software subscription for "
        "Catalyst 9300 access switches. It enables day-zero Plug and Play provisioning, "
        "image management, basic network assurance and SNMP and NetFlow monitoring from "
        "Cisco Catalyst Center. Licences are held in your Smart Account, assigned to a "
        "virtual account and consumed when a switch registers with its token.",
        offers=(
            term_licence(
                "C9300-DNA-E-24-1Y",
                "DNA Essentials, C9300 24-port, 1-year term",
                Term.P1Y,
                "15.00",
                plans=(ANNUAL,),
            ),
            term_licence(
                "C9300-DNA-E-24-3Y",
                "DNA Essentials, C9300 24-port, 3-year term",
                Term.P3Y,
                "13.50",
                plans=(ANNUAL, TRIENNIAL),
            ),
        ),
    ),
    ProductSpec(
        slug="cisco-dna-advantage",
        name="Cisco DNA Advantage for Switching",
        vendor=CISCO,
        category="networking-collaboration",
        product_group="Cisco DNA",
        summary="Term licence for Catalyst 9300 24-port switches: SD-Access, AI assurance and "
        "segmentation.",
        description="Cisco DNA Advantage includes everything in DNA Essentials and adds "
        "software-defined access with group-based policy, AI-driven network analytics and "
        "assurance, application visibility, encrypted traffic analytics and network "
        "segmentation. It is the licence to choose when the campus network must be "
        "automated end to end and segmented for security.",
        offers=(
            term_licence(
                "C9300-DNA-A-24-1Y",
                "DNA Advantage, C9300 24-port, 1-year term",
                Term.P1Y,
                "35.00",
                plans=(ANNUAL,),
            ),
            term_licence(
                "C9300-DNA-A-24-3Y",
                "DNA Advantage, C9300 24-port, 3-year term",
                Term.P3Y,
                "31.50",
                plans=(ANNUAL, TRIENNIAL),
            ),
        ),
    ),
    ProductSpec(
        slug="webex-meetings",
        name="Webex Meetings",
        vendor=CISCO,
        category="networking-collaboration",
        product_group="Webex",
        summary="Secure video meetings for up to 200 participants per host, with recording "
        "and transcription.",
        description="Webex Meetings gives each licensed host a personal meeting room for up to "
        "200 participants, with HD video, background noise removal, real-time "
        "transcription and translation, polling and breakout sessions. Recordings are kept "
        "in the cloud with automatic highlights. Meetings are end-to-end encrypted on "
        "request, and guests can join from a browser without installing anything.",
        offers=(
            term_licence(
                "A-FLEX-MTG-NU-1Y",
                "Webex Meetings, named user, 1-year term",
                Term.P1Y,
                "14.50",
                plans=(MONTHLY, ANNUAL),
                unit_type=UnitType.USER,
            ),
            term_licence(
                "A-FLEX-MTG-NU-3Y",
                "Webex Meetings, named user, 3-year term",
                Term.P3Y,
                "13.00",
                plans=(ANNUAL, TRIENNIAL),
                unit_type=UnitType.USER,
            ),
        ),
    ),
    ProductSpec(
        slug="webex-suite",
        name="Webex Suite",
        vendor=CISCO,
        category="networking-collaboration",
        product_group="Webex",
        summary="Meetings, cloud calling, messaging and webinars in one per-user licence.",
        description="Webex Suite combines Webex Meetings, Webex Calling with a cloud PBX "
        "and a business phone number, Webex messaging and Webex Webinars for up to 1,000 "
        "attendees in a single named-user licence. Users move seamlessly from a chat to a "
        "call to a meeting, on desk phones, laptops and mobiles, while administrators "
        "manage everything in Control Hub.",
        offers=(
            term_licence(
                "A-FLEX-SUITE-NU-1Y",
                "Webex Suite, named user, 1-year term",
                Term.P1Y,
                "25.00",
                plans=(MONTHLY, ANNUAL),
                unit_type=UnitType.USER,
            ),
            term_licence(
                "A-FLEX-SUITE-NU-3Y",
                "Webex Suite, named user, 3-year term",
                Term.P3Y,
                "22.50",
                plans=(ANNUAL, TRIENNIAL),
                unit_type=UnitType.USER,
            ),
        ),
    ),
    ProductSpec(
        slug="meraki-mr-enterprise",
        name="Meraki MR Enterprise Licence",
        vendor=CISCO,
        category="networking-collaboration",
        product_group="Meraki",
        summary="Cloud management licence for one Meraki MR wireless access point.",
        description="The Meraki MR Enterprise licence connects one MR access point to the "
        "Meraki cloud dashboard. It includes firmware updates, the built-in firewall, "
        "application traffic shaping, guest Wi-Fi with splash pages, location analytics and "
        "24x7 enterprise support for the licence term. Licences are co-terminated across "
        "the organization, so every device in a network renews on the same date.",
        offers=(
            term_licence(
                "LIC-ENT-1YR",
                "Meraki MR Enterprise, 1 access point, 1-year term",
                Term.P1Y,
                "12.50",
                plans=(ANNUAL,),
            ),
            term_licence(
                "LIC-ENT-3YR",
                "Meraki MR Enterprise, 1 access point, 3-year term",
                Term.P3Y,
                "8.50",
                plans=(ANNUAL, TRIENNIAL),
            ),
        ),
    ),
    # ---------------------------------------------------------------- SaaS
    ProductSpec(
        slug="stashwell-backup-m365",
        name="Stashwell Backup for Microsoft 365",
        vendor=STASHWELL,
        category="saas-applications",
        product_group="Backup",
        summary="Automatic daily backup of Exchange, OneDrive, SharePoint and Teams, stored "
        "in the EU.",
        description="Stashwell backs up every mailbox, OneDrive, SharePoint site and Teams "
        "channel of your Microsoft 365 tenant up to six times a day, and keeps the copies "
        "in an EU data centre you choose (Frankfurt or Warsaw). Restore a single e-mail, a "
        "folder or a whole mailbox in a few clicks, or export it for a legal request. "
        "Standard keeps one year of history with 50 GB per user; Unlimited keeps "
        "everything for as long as you stay subscribed. Login details for the Stashwell "
        "console are e-mailed when the service is created.",
        offers=(
            term_licence(
                "STW-M365-STD-M",
                "Stashwell Standard, monthly",
                Term.P1M,
                "2.50",
                plans=(MONTHLY,),
                unit_type=UnitType.USER,
                max_quantity=5000,
            ),
            term_licence(
                "STW-M365-UNL-M",
                "Stashwell Unlimited, monthly",
                Term.P1M,
                "4.00",
                plans=(MONTHLY,),
                unit_type=UnitType.USER,
                max_quantity=5000,
            ),
            term_licence(
                "STW-M365-UNL-Y",
                "Stashwell Unlimited, 1 year prepaid",
                Term.P1Y,
                "3.50",
                plans=(ANNUAL,),
                unit_type=UnitType.USER,
                max_quantity=5000,
            ),
        ),
    ),
    ProductSpec(
        slug="lockfern-password-manager",
        name="Lockfern Password Manager",
        vendor=LOCKFERN,
        category="saas-applications",
        product_group="Password management",
        summary="Shared vaults, single sign-on and breach monitoring for company passwords.",
        description="Lockfern keeps every company password, API key and recovery code in "
        "end-to-end encrypted vaults that teams can share safely. Browser extensions and "
        "mobile apps fill in logins automatically, and breach monitoring warns users when a "
        "saved password appears in a leak. The Business plan adds single sign-on with "
        "Microsoft Entra ID, enforced policies, an audit log and an emergency-access "
        "workflow for when an administrator is away.",
        offers=(
            term_licence(
                "LKF-TEAMS-M",
                "Lockfern Teams, monthly",
                Term.P1M,
                "4.00",
                plans=(MONTHLY,),
                unit_type=UnitType.USER,
            ),
            term_licence(
                "LKF-BUS-M",
                "Lockfern Business, monthly",
                Term.P1M,
                "6.00",
                plans=(MONTHLY,),
                unit_type=UnitType.USER,
                max_quantity=5000,
            ),
            term_licence(
                "LKF-BUS-Y",
                "Lockfern Business, 1-year term",
                Term.P1Y,
                "5.00",
                plans=(MONTHLY, ANNUAL),
                unit_type=UnitType.USER,
                max_quantity=5000,
            ),
        ),
    ),
    ProductSpec(
        slug="huddlewave-meetings",
        name="Huddlewave Meetings",
        vendor=HUDDLEWAVE,
        category="saas-applications",
        product_group="Video conferencing",
        summary="Browser-based video meetings and webinars with recording, hosted in Europe.",
        description="Huddlewave runs video meetings entirely in the browser: participants "
        "click a link and join, with no app to install. Hosts get a personal room, screen "
        "sharing, a shared whiteboard, cloud recording with automatic transcripts and "
        "calendar integration with Outlook and Google. Pro raises the limit to 300 "
        "participants and adds webinars; Enterprise adds single sign-on, a custom domain "
        "and a 99.95 % uptime commitment, from ten hosts.",
        offers=(
            term_licence(
                "HDW-STARTER-M",
                "Huddlewave Starter, monthly",
                Term.P1M,
                "8.00",
                plans=(MONTHLY,),
                unit_type=UnitType.USER,
            ),
            term_licence(
                "HDW-PRO-Y",
                "Huddlewave Pro, 1-year term",
                Term.P1Y,
                "14.00",
                plans=(MONTHLY, ANNUAL),
                unit_type=UnitType.USER,
            ),
            term_licence(
                "HDW-ENT-Y",
                "Huddlewave Enterprise, 1-year term",
                Term.P1Y,
                "20.00",
                plans=(ANNUAL,),
                unit_type=UnitType.USER,
                min_quantity=10,
            ),
        ),
    ),
    # ---------------------------------------------------------------- Software
    ProductSpec(
        slug="windows-server-2025",
        name="Windows Server 2025",
        vendor=MICROSOFT,
        category="microsoft-perpetual",
        product_group="Windows Server",
        summary="Perpetual licences for Windows Server 2025 Standard and its client access "
        "licences.",
        description="Windows Server 2025 Standard runs on-premises workloads with hotpatching, "
        "improved Active Directory, SMB over QUIC and Hyper-V with GPU partitioning. It is "
        "licensed per physical core: one 16-core pack covers a server with up to 16 cores "
        "and two virtual machines. Every user who accesses the server also needs a Windows "
        "Server User CAL. The licences are perpetual and are bought through the CSP "
        "software catalogue.",
        offers=(
            perpetual(
                "MS-DG7GMGF0PWF8-0002",
                "Windows Server 2025 Standard, 16-core licence",
                "1176.00",
                catalog_item_id="DG7GMGF0PWF8:0002:DG7GMGF0PWFB",
            ),
            perpetual(
                "MS-DG7GMGF0PWFC-0005",
                "Windows Server 2025 User CAL",
                "46.00",
                catalog_item_id="DG7GMGF0PWFC:0005:DG7GMGF0PWFD",
                max_quantity=1000,
            ),
        ),
    ),
    ProductSpec(
        slug="office-ltsc-2024",
        name="Office LTSC Standard 2024",
        vendor=MICROSOFT,
        category="microsoft-perpetual",
        product_group="Office",
        summary="Perpetual Word, Excel, PowerPoint and Outlook for PCs that must not change.",
        description="Office LTSC Standard 2024 is the long-term servicing version of Office "
        "for Windows: Word, Excel, PowerPoint, Outlook and OneNote, licensed per device "
        "and for ever. It receives security updates for five years but no new features, "
        "which makes it suitable for regulated or disconnected environments, such as "
        "laboratory or production workstations, where the software must stay the same.",
        offers=(
            perpetual(
                "MS-DG7GMGF0PWH3-0002",
                "Office LTSC Standard 2024, 1 device",
                "429.00",
                catalog_item_id="DG7GMGF0PWH3:0002:DG7GMGF0PWH5",
            ),
        ),
    ),
    ProductSpec(
        slug="oblik-pro",
        name="Oblik Pro",
        vendor=OBLIK,
        category="ukrainian-accounting",
        product_group="Oblik",
        summary="Accounting for Ukrainian companies and sole proprietors, with e-reporting "
        "to the tax service (Облік Про).",
        description="Oblik Pro (Облік Про) keeps the books of a Ukrainian company or sole "
        "proprietor: primary documents, bank statements, warehouse, fixed assets, VAT "
        "invoices with registration in the Unified Register of Tax Invoices, and the "
        "financial and tax statements, signed with a qualified electronic signature and "
        "filed to the State Tax Service straight from the program. The perpetual licence "
        "includes a year of legislative updates; the network licence serves five "
        "workstations working on one database.",
        offers=(
            perpetual(
                "OBL-PRO-1",
                "Oblik Pro, single workstation",
                "174.00",
                price_uah="7200.00",
            ),
            perpetual(
                "OBL-PRO-NET5",
                "Oblik Pro, network licence for 5 workstations",
                "579.00",
                price_uah="24000.00",
            ),
        ),
    ),
    ProductSpec(
        slug="oblik-payroll",
        name="Oblik Payroll & HR",
        vendor=OBLIK,
        category="ukrainian-accounting",
        product_group="Oblik",
        summary="Payroll, leave, sick pay and HR records under Ukrainian labour law "
        "(Облік Зарплата).",
        description="Oblik Payroll & HR (Облік Зарплата) calculates salaries, bonuses, "
        "vacation and sick pay, withholds personal income tax and the military levy, and "
        "accrues the unified social contribution. It prepares the unified payroll report "
        "and HR orders, keeps personnel files and the staffing table, and exchanges data "
        "with Oblik Pro so the postings land in the general ledger automatically.",
        offers=(
            perpetual(
                "OBL-PAY-1",
                "Oblik Payroll & HR, single workstation",
                "116.00",
                price_uah="4800.00",
            ),
        ),
    ),
    # ---------------------------------------------------------------- Store goods
    ProductSpec(
        slug="microsoft-bluetooth-mouse",
        name="Microsoft Bluetooth Mouse",
        vendor=STORE,
        category="microsoft-hardware",
        product_group="Mice",
        summary="Slim, quiet Bluetooth mouse with up to 12 months of battery life.",
        description="The Microsoft Bluetooth Mouse pairs with Windows, macOS, Android and iOS "
        "devices without a receiver. Its symmetrical design suits right- and left-handed "
        "users, the 1000 DPI optical sensor tracks on most surfaces, and a single AA battery "
        "lasts up to a year. Delivered across Ukraine by Nova Poshta within 1–3 working "
        "days.",
        offers=(
            goods("RJN-00002", "Microsoft Bluetooth Mouse, black", "24.99"),
            goods("RJN-00024", "Microsoft Bluetooth Mouse, pastel blue", "24.99"),
        ),
    ),
    ProductSpec(
        slug="book-m365-administration",
        name="Microsoft 365 Administration in Practice",
        vendor=STORE,
        category="books",
        product_group="Books",
        summary="A hands-on guide to running Microsoft 365 for a small or medium business "
        "(paperback, English, 412 pages).",
        description="Written by two consultants who migrate companies to Microsoft 365 for a "
        "living, this book walks through a real deployment: domains and DNS, users and "
        "licences, Exchange Online mail flow, Teams policies, SharePoint permissions, "
        "Intune enrolment and conditional access. Each chapter ends with a checklist and "
        "the PowerShell commands to automate the task. Second edition, updated for Entra "
        "ID and Copilot.",
        offers=(goods("BK-978-1-80512-204-7", "Paperback, English", "39.90"),),
    ),
    ProductSpec(
        slug="book-cloud-security-small-business",
        name="Хмарна безпека для малого бізнесу",
        vendor=STORE,
        category="books",
        product_group="Books",
        summary="Cloud security for small business: a practical guide in Ukrainian "
        "(paperback, 248 pages).",
        description="Практичний посібник для власників і адміністраторів малого бізнесу: як "
        "увімкнути двофакторну автентифікацію, налаштувати резервне копіювання, захистити "
        "пошту від фішингу та підготуватися до інцидентів. A practical guide, in Ukrainian, "
        "to multi-factor authentication, backup, phishing protection and incident response "
        "for companies without a security team.",
        offers=(goods("BK-978-617-8023-41-5", "Paperback, Ukrainian", "12.00"),),
    ),
    ProductSpec(
        slug="seatwise-t-shirt",
        name="Seatwise T-shirt",
        vendor=STORE,
        category="branded-merchandise",
        product_group="Apparel",
        summary="Organic cotton T-shirt in navy with the Seatwise logo.",
        description="A soft, heavyweight T-shirt of 100 % organic cotton, printed in Kyiv "
        "with the Seatwise logo on the chest and “Licences, sorted.” on the back. Unisex "
        "regular fit; machine wash at 30 °C. Choose your size; delivery across Ukraine "
        "within 1–3 working days.",
        offers=(
            goods("SW-TSHIRT-NAVY-M", "Seatwise T-shirt, navy, size M", "15.00"),
            goods("SW-TSHIRT-NAVY-L", "Seatwise T-shirt, navy, size L", "15.00"),
            goods("SW-TSHIRT-NAVY-XL", "Seatwise T-shirt, navy, size XL", "15.00"),
        ),
    ),
    ProductSpec(
        slug="seatwise-mug",
        name="Seatwise mug",
        vendor=STORE,
        category="branded-merchandise",
        product_group="Drinkware",
        summary="330 ml ceramic mug with the Seatwise logo, dishwasher safe.",
        description="A white 330 ml ceramic mug with the navy Seatwise logo, for the coffee "
        "that keeps licence renewals on time. The glaze is lead-free, the print does not "
        "fade, and the mug is dishwasher and microwave safe. Packed in a recycled cardboard "
        "box and delivered across Ukraine within 1–3 working days.",
        offers=(goods("SW-MUG-330", "Seatwise mug, 330 ml", "9.00"),),
    ),
)
