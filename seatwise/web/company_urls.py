from django.urls import path

from seatwise.web import company_views

urlpatterns: list = [
    path("register/company/", company_views.company_register, name="company_register"),
    path(
        "register/company/domain/",
        company_views.company_domain_check,
        name="company_domain_check",
    ),
    path(
        "register/company/done/",
        company_views.company_register_done,
        name="company_register_done",
    ),
    path("r/<slug:slug>/", company_views.reseller_storefront, name="reseller_storefront"),
]
