"""The site's URLs plus the developer mailbox, until ``config/urls.py`` includes it."""

from django.urls import include, path

from config.urls import urlpatterns as site_urlpatterns

urlpatterns = list(site_urlpatterns)
if not any(getattr(pattern, "namespace", None) == "notifications" for pattern in urlpatterns):
    urlpatterns.insert(0, path("dev/", include("seatwise.notifications.urls")))
