from django.urls import path

from seatwise.notifications import views

app_name = "notifications"

urlpatterns = [
    path("mailbox/", views.dev_mailbox, name="dev_mailbox"),
    path(
        "mailbox/attachments/<int:delivery_id>/<str:filename>",
        views.dev_mailbox_attachment,
        name="dev_mailbox_attachment",
    ),
]
