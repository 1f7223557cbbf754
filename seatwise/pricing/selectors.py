"""Price reads for a viewer. A fixed number of queries whatever the number of offers:
one for the context (lists, terms, rates), then one or two for the prices of a page."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Min, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from seatwise.catalog.models import Offer, Product
from seatwise.catalog.selectors import (
    DEFAULT_PRODUCT_SORT,
    offer_get,
    offer_list,
    product_get,
    product_list,
)
from seatwise.core import clock
from seatwise.core.money import Money
from seatwise.core.pagination import Page, PageRequest, paginate
from seatwise.pricing.calculations import (
    MissingExchangeRate,
    PriceBreakdown,
    convert,
    resolve_price,
)
from seatwise.pricing.enums import PriceKind, PriceListKind
from seatwise.pricing.models import (
    ExchangeRate,
    Price,
    PriceList,
    ResellerTerms,
    ShippingMethodPrice,
)
from seatwise.tenancy.enums import OrganizationKind
from seatwise.tenancy.models import Organization


@dataclass(frozen=True)
class PriceContext:
    """Everything needed to price offers for one viewer, loaded once per request."""

    provider_id: int
    viewer_kind: PriceKind
    cost_list_id: int | None
    reseller_list_id: int | None
    markup_percent: Decimal | None
    rates: dict[tuple[str, str], Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class ViewerPrice:
    offer_id: int
    billing_plan: str
    kind: PriceKind
    amount: Money
    erp: Money
    breakdown: PriceBreakdown

    @property
    def display(self) -> Money:
        return self.amount.quantize()


def exchange_rate_map(*, provider: Organization) -> dict[tuple[str, str], Decimal]:
    """The provider's current rates, newest first wins."""
    rates: dict[tuple[str, str], Decimal] = {}
    rows = ExchangeRate.objects.filter(organization=provider, valid_from__lte=clock.now()).order_by(
        "-valid_from"
    )
    for row in rows.only("base_currency", "quote_currency", "rate"):
        rates.setdefault((row.base_currency, row.quote_currency), row.rate)
    return rates


def price_context_get(*, provider: Organization, viewer: Organization | None) -> PriceContext:
    """Decide which tier ``viewer`` sees (retail for a visitor) and load its lists."""
    lists = {
        (pl.kind, pl.is_default): pl.pk
        for pl in PriceList.objects.filter(organization=provider).only("kind", "is_default")
    }
    cost_list_id = lists.get((PriceListKind.COST, True)) or lists.get((PriceListKind.COST, False))
    default_reseller_list = lists.get((PriceListKind.RESELLER, True))

    kind, reseller_list_id, markup = PriceKind.RETAIL, None, None
    reseller_id = None
    if viewer is not None:
        if viewer.kind == OrganizationKind.PROVIDER:
            kind = PriceKind.COST
        elif viewer.kind == OrganizationKind.RESELLER:
            kind, reseller_id = PriceKind.RESELLER, viewer.pk
        else:
            kind = PriceKind.CUSTOMER
            if viewer.parent_id != provider.pk:
                reseller_id = viewer.parent_id
    if reseller_id is not None:
        terms = ResellerTerms.objects.filter(organization_id=reseller_id).first()
        reseller_list_id = (terms.price_list_id if terms else None) or default_reseller_list
        markup = terms.markup_percent if terms else Decimal(5)
    return PriceContext(
        provider_id=provider.pk,
        viewer_kind=kind,
        cost_list_id=cost_list_id,
        reseller_list_id=reseller_list_id,
        markup_percent=markup,
        rates=exchange_rate_map(provider=provider),
    )


def _pick(
    rows: dict[tuple[str, str], Price], plan: str, currency: str, rates
) -> tuple[Price, str] | None:
    exact = rows.get((plan, currency))
    if exact is not None:
        return exact, currency
    for (row_plan, _row_currency), row in rows.items():
        if row_plan == plan:
            return row, row.currency
    return None


def _money(amount: Decimal, source: str, target: str, rates) -> Money:
    value = Money(amount, source)
    try:
        return convert(value, to=target, rates=rates)
    except MissingExchangeRate:
        return value


def offer_price_map(
    *, context: PriceContext, offer_ids: Iterable[int], currency: str
) -> dict[int, list[ViewerPrice]]:
    """Prices per offer (one per billing plan) as ``context``'s viewer sees them in
    ``currency``. Offers without a price for the viewer are left out."""
    ids = list(offer_ids)
    if not ids or context.cost_list_id is None:
        return {}
    list_ids = [context.cost_list_id] + (
        [context.reseller_list_id] if context.reseller_list_id else []
    )
    by_list: dict[int, dict[int, dict[tuple[str, str], Price]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    for row in Price.objects.filter(price_list_id__in=list_ids, offer_id__in=ids).only(
        "price_list_id", "offer_id", "currency", "billing_plan", "cost", "erp"
    ):
        by_list[row.price_list_id][row.offer_id][(row.billing_plan, row.currency)] = row

    needs_reseller = context.reseller_list_id is not None
    result: dict[int, list[ViewerPrice]] = {}
    for offer_id, cost_rows in by_list[context.cost_list_id].items():
        plans = sorted({plan for plan, _c in cost_rows})
        prices: list[ViewerPrice] = []
        for plan in plans:
            picked = _pick(cost_rows, plan, currency, context.rates)
            assert picked is not None
            cost_row, source = picked
            cost = _money(cost_row.cost, source, currency, context.rates)
            erp = _money(cost_row.erp, source, currency, context.rates)
            reseller_price = None
            if needs_reseller:
                reseller_pick = _pick(
                    by_list[context.reseller_list_id].get(offer_id, {}),
                    plan,
                    currency,
                    context.rates,
                )
                if reseller_pick is None:
                    continue  # not sold through this reseller
                reseller_row, reseller_source = reseller_pick
                reseller_price = _money(reseller_row.cost, reseller_source, currency, context.rates)
            if cost.currency != erp.currency or (
                reseller_price is not None and reseller_price.currency != cost.currency
            ):
                continue  # mixed currencies without a rate: do not guess
            breakdown = resolve_price(
                cost=cost,
                erp=erp,
                reseller_price=reseller_price,
                markup_percent=context.markup_percent if needs_reseller else None,
            )
            amount = {
                PriceKind.RETAIL: breakdown.erp,
                PriceKind.CUSTOMER: breakdown.customer_price,
                PriceKind.RESELLER: breakdown.reseller_price or breakdown.erp,
                PriceKind.COST: breakdown.cost,
            }[context.viewer_kind]
            prices.append(
                ViewerPrice(
                    offer_id=offer_id,
                    billing_plan=plan,
                    kind=context.viewer_kind,
                    amount=amount,
                    erp=breakdown.erp,
                    breakdown=breakdown,
                )
            )
        if prices:
            result[offer_id] = prices
    return result


def product_min_erp_subquery(*, cost_list_id: int | None, currency: str = "USD"):
    """The product's headline suggested retail price, for sorting by price: the lowest ERP
    among paid offers open to every buyer, else among paid offers, else among all (the same
    rule as ``PricedProduct.headline``). One currency, so that amounts compare."""
    base = Price.objects.filter(
        price_list_id=cost_list_id,
        currency=currency,
        offer__product_id=OuterRef("pk"),
        offer__is_active=True,
    )

    def lowest(queryset):
        return Subquery(
            queryset.values("offer__product_id").annotate(low=Min("erp")).values("low")[:1]
        )

    return Coalesce(
        lowest(base.filter(offer__is_trial=False, offer__for_commercial=True)),
        lowest(base.filter(offer__is_trial=False)),
        lowest(base),
    )


def price_list_for_provider(*, provider: Organization) -> QuerySet[PriceList]:
    return PriceList.objects.filter(organization=provider)


# --- Priced catalogue: what the storefront and the catalogue API render -------------------


@dataclass(frozen=True)
class PricedOffer:
    offer: Offer
    prices: tuple[ViewerPrice, ...]  # one per billing plan, in the offer's plan order
    addons: tuple[PricedOffer, ...] = ()

    @property
    def primary_price(self) -> ViewerPrice | None:
        return self.prices[0] if self.prices else None


@dataclass(frozen=True)
class PricedProduct:
    product: Product
    offers: tuple[PricedOffer, ...]

    @property
    def headline(self) -> PricedOffer | None:
        """The offer whose price heads the product card: the lowest-priced paid offer open to
        every buyer; failing that, the lowest paid offer; failing that, any priced offer. A
        visitor is not lured by a trial's zero or a price only academics can have."""
        priced = [o for o in self.offers if o.primary_price is not None]
        paid = [o for o in priced if not o.offer.is_trial]
        pool = [o for o in paid if o.offer.for_commercial] or paid or priced
        if not pool:
            return None
        currency = pool[0].primary_price.amount.currency
        return min(
            (o for o in pool if o.primary_price.amount.currency == currency),
            key=lambda o: o.primary_price.amount.amount,
        )

    @property
    def from_price(self) -> ViewerPrice | None:
        headline = self.headline
        return headline.primary_price if headline else None


def _ordered(offer: Offer, prices: list[ViewerPrice] | None) -> tuple[ViewerPrice, ...]:
    by_plan = {p.billing_plan: p for p in prices or ()}
    order = list(offer.billing_plans or []) + sorted(set(by_plan) - set(offer.billing_plans or []))
    return tuple(by_plan[plan] for plan in order if plan in by_plan)


def priced_product_page(
    *,
    context: PriceContext,
    currency: str,
    page_request: PageRequest,
    category_ids=None,
    search: str = "",
    sort: str = DEFAULT_PRODUCT_SORT,
) -> Page[PricedProduct]:
    cost_currency = (
        PriceList.objects.filter(pk=context.cost_list_id).values_list("currency", flat=True).first()
        or "USD"
    )
    queryset = product_list(
        category_ids=category_ids,
        search=search,
        sort=sort,
        min_price=product_min_erp_subquery(
            cost_list_id=context.cost_list_id, currency=cost_currency
        ),
    )
    products, total = paginate(queryset, page_request)
    offer_ids = [offer.pk for product in products for offer in product.active_offers]
    price_map = offer_price_map(context=context, offer_ids=offer_ids, currency=currency)
    items = [
        PricedProduct(
            product=product,
            offers=tuple(
                PricedOffer(offer=offer, prices=_ordered(offer, price_map.get(offer.pk)))
                for offer in product.active_offers
            ),
        )
        for product in products
    ]
    return Page(
        items=items, number=page_request.page, page_size=page_request.page_size, total=total
    )


def priced_product_get(
    *, context: PriceContext, currency: str, slug: str | None = None, pk: int | None = None
) -> PricedProduct:
    """One product with its offers and each offer's add-ons, all priced for the viewer."""
    product = product_get(slug=slug, pk=pk)
    offers = product.active_offers
    ids = {o.pk for o in offers} | {a.pk for o in offers for a in o.active_addons}
    price_map = offer_price_map(context=context, offer_ids=ids, currency=currency)
    priced = []
    for offer in offers:
        addons = tuple(
            PricedOffer(offer=a, prices=_ordered(a, price_map.get(a.pk)))
            for a in offer.active_addons
        )
        priced.append(
            PricedOffer(offer=offer, prices=_ordered(offer, price_map.get(offer.pk)), addons=addons)
        )
    return PricedProduct(product=product, offers=tuple(priced))


def priced_offer_page(
    *,
    context: PriceContext,
    currency: str,
    page_request: PageRequest,
    product_id: int | None = None,
    category_ids=None,
    search: str = "",
) -> Page[PricedOffer]:
    offers, total = paginate(
        offer_list(product_id=product_id, category_ids=category_ids, search=search), page_request
    )
    price_map = offer_price_map(
        context=context, offer_ids=[o.pk for o in offers], currency=currency
    )
    items = [PricedOffer(offer=o, prices=_ordered(o, price_map.get(o.pk))) for o in offers]
    return Page(
        items=items, number=page_request.page, page_size=page_request.page_size, total=total
    )


def priced_offer_get(*, context: PriceContext, currency: str, pk: int) -> PricedOffer:
    offer = offer_get(pk=pk)
    price_map = offer_price_map(context=context, offer_ids=[offer.pk], currency=currency)
    return PricedOffer(offer=offer, prices=_ordered(offer, price_map.get(offer.pk)))


# --- Shipping methods ------------------------------------------------------------------------


def _shipping_price(
    rows: list[tuple[str, Decimal]], currency: str, rates: dict[tuple[str, str], Decimal]
) -> Money | None:
    """The price in ``currency`` from a method's ``(currency, amount)`` rows: its own price
    in that currency, else the first that converts."""
    for row_currency, amount in rows:
        if row_currency == currency:
            return Money(amount, currency)
    for row_currency, amount in rows:
        try:
            return convert(Money(amount, row_currency), to=currency, rates=rates)
        except (MissingExchangeRate, ValueError):  # no rate, or a currency no longer known
            continue
    return None


@dataclass(frozen=True)
class ShippingQuote:
    """An active shipping method of a provider with its price in the buyer's currency."""

    method_id: int
    name: str
    price: Money


def shipping_quote_list(
    *, provider_id: int, currency: str, rates: dict[tuple[str, str], Decimal]
) -> tuple[ShippingQuote, ...]:
    """The active shipping methods of the provider ``provider_id``, in their order, each
    priced in ``currency``: its price in that currency, else another of its prices converted
    with the provider's ``rates``. A method with no price reachable in ``currency`` is left
    out. One query."""
    rows = (
        ShippingMethodPrice.objects.filter(
            organization_id=provider_id, method__organization_id=provider_id, method__is_active=True
        )
        .order_by("method__position", "method__name", "method_id", "currency")
        .values_list("method_id", "method__name", "currency", "amount")
    )
    by_method: dict[int, tuple[str, list[tuple[str, Decimal]]]] = {}
    for method_id, name, row_currency, amount in rows:
        by_method.setdefault(method_id, (name, []))[1].append((row_currency, amount))
    quotes = []
    for method_id, (name, method_rows) in by_method.items():
        price = _shipping_price(method_rows, currency, rates)
        if price is not None:
            quotes.append(ShippingQuote(method_id=method_id, name=name, price=price))
    return tuple(quotes)
