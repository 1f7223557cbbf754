from django.urls import path

from seatwise.web import buy_views

urlpatterns = [
    path("buy/<int:offer_id>/", buy_views.buy_now, name="buy_now"),
    path("buy/<int:offer_id>/summary/", buy_views.buy_now_summary, name="buy_now_summary"),
]
