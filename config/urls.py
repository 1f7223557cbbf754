from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from config.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    # Password recovery is Seatwise's own (e-mail code, then phone code): seatwise.web.signin_urls.
    path(
        "accounts/password/reset/",
        RedirectView.as_view(pattern_name="web:password_recovery", query_string=True),
    ),
    path("accounts/", include("allauth.urls")),
    # The SMS second factor for headless clients, before allauth's own 2fa/authenticate.
    path("_allauth/", include("seatwise.web.headless_second_factor")),
    path("_allauth/", include("allauth.headless.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("dev/", include("seatwise.notifications.urls")),  # 404 unless DEBUG
    path("payments/", include("seatwise.payments.urls")),  # LiqPay's server callback
    path("", include("seatwise.audit.urls")),
    path("", include("seatwise.web.urls")),
]

if settings.DEBUG:  # uploaded product images under runserver; production serves MEDIA_ROOT itself
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
