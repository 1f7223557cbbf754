from django.urls import path

from seatwise.notifications import views

app_name = "notifications"

urlpatterns = [
    path("mailbox/", views.dev_mailbox, name="dev_mailbox"),
]
