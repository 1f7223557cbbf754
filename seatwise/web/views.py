"""Storefront pages. Each view parses its input, resolves the viewer through ``shop_for``,
calls one or two selectors and renders. Bad input becomes a 400 page, an unknown slug or a
page past the end a 404 page (``storefront_view``)."""

from __future__ import annotations

from functools import wraps

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from seatwise.catalog.selectors import (
    category_breadcrumbs,
    category_descendant_ids,
    category_get,
    category_tree,
    product_list_by_ids,
)
from seatwise.core.errors import ApplicationError, NotFoundError, ValidationError
from seatwise.core.pagination import PageRequest
from seatwise.pricing.selectors import priced_product_get, priced_product_page
from seatwise.web.errors import render_error, safe_next
from seatwise.web.forms import (
    PAGE_SIZE_CHOICES,
    SORT_CHOICES,
    CurrencyForm,
    parse_list_query,
)
from seatwise.web.shop import (
    currency_remember,
    recently_viewed_ids,
    recently_viewed_push,
    shop_for,
)

FEATURED_COUNT = 8
RESULTS_TARGET = "product-results"


class PageOutOfRange(NotFoundError):
    code = "page_out_of_range"


def _known_messages() -> dict[str, str]:
    """The visitor's words for errors the storefront knows, translated."""
    return {
        "category_not_found": _("This category does not exist."),
        "product_not_found": _("This product does not exist or is no longer sold."),
    }


def storefront_view(view):
    """Render ``ApplicationError`` as the shop's 404 or 400 page instead of a server error."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except ApplicationError as exc:
            return render_error(request, exc, _known_messages())

    return wrapper


def _wants_partial(request) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request and not htmx.boosted


def _page_window(number: int, num_pages: int, *, around: int = 2) -> list[int | None]:
    """Page numbers to link: the first, the last and those around the current one; None
    marks a gap."""
    wanted = {1, num_pages} | set(range(number - around, number + around + 1))
    pages = sorted(n for n in wanted if 1 <= n <= num_pages)
    window: list[int | None] = []
    for n in pages:
        if window and n - window[-1] > 1:
            window.append(None)
        window.append(n)
    return window


@require_GET
@storefront_view
def home(request):
    shop = shop_for(request)
    featured = shop.cached(
        "featured",
        build=lambda: priced_product_page(
            context=shop.price_context,
            currency=shop.currency,
            page_request=PageRequest(page=1, page_size=FEATURED_COUNT),
        ),
    )
    return render(
        request,
        "web/home.html",
        {
            "categories": shop.cache.get_or_build(("category_tree",), category_tree),
            "featured": featured.items,
            "recently_viewed": product_list_by_ids(ids=recently_viewed_ids(request)),
        },
    )


def _product_list(request, *, category=None, searching: bool = False):
    shop = shop_for(request)
    query = parse_list_query(request.GET)
    page = None
    key: tuple = ()
    if query.search or not searching:

        def build():
            ids = category_descendant_ids(category=category) if category else None
            return priced_product_page(
                context=shop.price_context,
                currency=shop.currency,
                page_request=query.page_request,
                category_ids=ids,
                search=query.search,
                sort=query.sort,
            )

        key = ("products", category.pk if category else None, query.search, query.sort)
        page = shop.cached(*key, query.page_request, build=build)
        if page.out_of_range:
            raise PageOutOfRange(
                _("Page %(page)s does not exist: the list has %(pages)s page(s).")
                % {"page": page.number, "pages": page.num_pages}
            )
    context = {
        "page": page,
        # The rendered card grid is cached too (same generation, viewer, currency, query).
        "grid_cache_key": shop.cache_key(*key, query.page_request) if page else None,
        "page_window": _page_window(page.number, page.num_pages) if page else [],
        "query": query,
        "category": category,
        "searching": searching,
        "sort_choices": SORT_CHOICES,
        "page_size_choices": [size for size, _label in PAGE_SIZE_CHOICES],
        "results_target": RESULTS_TARGET,
    }
    if _wants_partial(request):
        response = render(request, "web/partials/product_results.html", context)
    else:
        tree = shop.cache.get_or_build(("category_tree",), category_tree)
        breadcrumbs = category_breadcrumbs(category=category) if category else []
        context.update(
            categories=tree,
            all_count=sum(node.product_count for node in tree),
            breadcrumbs=breadcrumbs,
            open_ids={c.pk for c in breadcrumbs},
            recently_viewed=product_list_by_ids(ids=recently_viewed_ids(request)),
        )
        response = render(request, "web/product_list.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_GET
@storefront_view
def product_list(request):
    return _product_list(request)


@require_GET
@storefront_view
def category(request, slug: str):
    return _product_list(request, category=category_get(slug=slug))


@require_GET
@storefront_view
def search(request):
    return _product_list(request, searching=True)


@require_GET
@storefront_view
def product_detail(request, slug: str):
    shop = shop_for(request)
    priced = shop.cached(
        "product",
        slug,
        build=lambda: priced_product_get(
            context=shop.price_context, currency=shop.currency, slug=slug
        ),
    )
    product = priced.product
    recent = [
        p for p in product_list_by_ids(ids=recently_viewed_ids(request)) if p.pk != product.pk
    ]
    recently_viewed_push(request, product.pk)
    return render(
        request,
        "web/product_detail.html",
        {
            "priced": priced,
            "product": product,
            "breadcrumbs": category_breadcrumbs(category=product.category),
            "recently_viewed": recent,
        },
    )


@require_POST
@storefront_view
def set_currency(request):
    form = CurrencyForm(request.POST)
    if not form.is_valid():
        message = " ".join(form.errors.get("currency") or [_("Choose a currency.")])
        raise ValidationError(message, code="invalid_currency", details={"field": "currency"})
    currency_remember(request, form.cleaned_data["currency"])
    return HttpResponseRedirect(safe_next(request, form.cleaned_data["next"]))
