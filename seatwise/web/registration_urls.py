from django.urls import path

from seatwise.web import registration_views

urlpatterns = [
    path("register/", registration_views.register, name="register"),
    path("register/details/", registration_views.register_details, name="register_details"),
    path("register/phone/", registration_views.register_phone, name="register_phone"),
    path("register/cancel/", registration_views.register_cancel, name="register_cancel"),
]
