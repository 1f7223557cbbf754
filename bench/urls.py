"""The project's URLs plus ``/bench/bare/offers``: a bare django-ninja endpoint returning 20
offer rows from the same database, the baseline the catalogue API is measured against.
Mounted only by ``bench.settings``; never part of the product."""

from django.urls import path
from ninja import NinjaAPI

from config.urls import urlpatterns as project_urlpatterns
from seatwise.catalog.models import Offer

bare = NinjaAPI(
    title="Bench baseline", urls_namespace="bench-bare", docs_url=None, openapi_url=None
)


@bare.get("/offers")
def bare_offer_list(request):
    return list(Offer.objects.order_by("pk").values("id", "name", "sku")[:20])


urlpatterns = [path("bench/bare/", bare.urls), *project_urlpatterns]
