from django.urls import path

from seatwise.web import cart_views

urlpatterns = [
    path("cart/", cart_views.cart_page, name="cart"),
    path("cart/add/", cart_views.cart_add, name="cart_add"),
    path("cart/mini/", cart_views.mini_cart, name="mini_cart"),
    path("cart/lines/<int:pk>/", cart_views.cart_line_update_view, name="cart_line_update"),
    path("cart/lines/<int:pk>/remove/", cart_views.cart_line_remove_view, name="cart_line_remove"),
    path("cart/coupon/", cart_views.cart_coupon_apply_view, name="cart_coupon_apply"),
    path("cart/coupon/remove/", cart_views.cart_coupon_remove_view, name="cart_coupon_remove"),
    path("cart/save-for-later/", cart_views.cart_save_for_later_view, name="cart_save_for_later"),
]
