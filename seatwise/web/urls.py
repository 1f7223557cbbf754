from django.urls import include, path

from seatwise.web import (
    account_views,
    address_views,
    customer_info_views,
    organization_switch_views,
    organization_views,
    terms_views,
    views,
)

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("products/", views.product_list, name="product_list"),
    path("c/<slug:slug>/", views.category, name="category"),
    path("p/<slug:slug>/", views.product_detail, name="product"),
    path("search/", views.search, name="search"),
    path("currency/", views.set_currency, name="set_currency"),
    path("account/info/", customer_info_views.customer_info, name="customer_info"),
    path("account/api-keys/", account_views.api_keys, name="api_keys"),
    path(
        "account/api-keys/<int:pk>/revoke/",
        account_views.api_key_revoke_view,
        name="api_key_revoke",
    ),
    path("account/addresses/", address_views.addresses, name="addresses"),
    path("account/addresses/<int:pk>/", address_views.address_edit, name="address_edit"),
    path(
        "account/addresses/<int:pk>/remove/",
        address_views.address_remove_view,
        name="address_remove",
    ),
    path("account/terms/", terms_views.terms, name="terms"),
    path("organizations/settings/terms/", terms_views.terms_settings, name="terms_settings"),
    path("organizations/users/", organization_views.organization_users, name="organization_users"),
    path(
        "organizations/users/<int:pk>/role/",
        organization_views.membership_role_change,
        name="membership_role_change",
    ),
    path(
        "organizations/users/<int:pk>/remove/",
        organization_views.membership_remove_view,
        name="membership_remove",
    ),
    path(
        "organizations/invitations/<int:pk>/withdraw/",
        organization_views.invitation_withdraw_view,
        name="invitation_withdraw",
    ),
    path(
        "organizations/switch/",
        organization_switch_views.organization_switch,
        name="organization_switch",
    ),
    path("invitations/<str:token>/", organization_views.invitation, name="invitation"),
    path("", include("seatwise.web.registration_urls")),
    path("", include("seatwise.web.company_urls")),
    path("", include("seatwise.web.signin_urls")),
    path("", include("seatwise.web.identity_providers_urls")),
    path("", include("seatwise.web.payment_settings_urls")),
    path("", include("seatwise.web.cart_urls")),
    path("", include("seatwise.web.checkout_urls")),
    path("", include("seatwise.web.order_urls")),
    path("", include("seatwise.web.buy_urls")),
    path("", include("seatwise.web.subscription_urls")),
]
