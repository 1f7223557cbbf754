from django.urls import path

from seatwise.web import identity_providers

urlpatterns = [
    path(
        "organizations/settings/authentication/",
        identity_providers.authentication_settings,
        name="authentication_settings",
    ),
]
