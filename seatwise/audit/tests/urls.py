"""The project's URLs plus the audit page, for the tests, until ``config/urls.py`` includes
``seatwise.audit.urls`` itself (then this adds nothing)."""

from django.urls import include, path

from config import urls as project

_included = any(getattr(p, "namespace", None) == "audit" for p in project.urlpatterns)

urlpatterns = [
    *([] if _included else [path("", include("seatwise.audit.urls"))]),
    *project.urlpatterns,
]
