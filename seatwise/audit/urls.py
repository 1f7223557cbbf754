from django.urls import path

from seatwise.audit import views

app_name = "audit"

urlpatterns = [
    path("organizations/<int:org_id>/events/", views.event_list, name="event_list"),
]
