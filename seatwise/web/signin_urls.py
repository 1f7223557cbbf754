"""Sign-in second factor and password recovery (issue 3, SMART cloud guide 3.1 and 3.2)."""

from django.urls import path

from seatwise.web import recovery_views, signin

urlpatterns = [
    path("accounts/login/second-factor/", signin.second_factor, name="second_factor"),
    path("accounts/recover/", recovery_views.password_recovery, name="password_recovery"),
    path(
        "accounts/recover/email-code/",
        recovery_views.password_recovery_email_code,
        name="password_recovery_email_code",
    ),
    path(
        "accounts/recover/phone-code/",
        recovery_views.password_recovery_phone_code,
        name="password_recovery_phone_code",
    ),
    path(
        "accounts/recover/new-password/",
        recovery_views.password_recovery_password,
        name="password_recovery_password",
    ),
    path(
        "accounts/recover/done/",
        recovery_views.password_recovery_done,
        name="password_recovery_done",
    ),
]
