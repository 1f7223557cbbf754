from django.urls import path

from seatwise.web import order_views

urlpatterns: list = [
    path("account/orders/", order_views.orders, name="orders"),
    path("account/orders/<str:number>/", order_views.order_detail, name="order_detail"),
    path(
        "account/orders/<str:number>/invoice.pdf",
        order_views.order_invoice_pdf,
        name="order_invoice_pdf",
    ),
    path("account/orders/<str:number>/resume/", order_views.order_resume, name="order_resume"),
]
