from django.urls import path

from seatwise.payments import views

app_name = "payments"

urlpatterns = [
    path("liqpay/callback/", views.liqpay_callback, name="liqpay_callback"),
]
