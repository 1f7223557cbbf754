from django.urls import path

from seatwise.web import order_views

urlpatterns: list = [
    path("account/orders/", order_views.orders, name="orders"),
    path("account/orders/<str:number>/", order_views.order_detail, name="order_detail"),
]
