"""Staggered payments, under .../contract/payments/ (namespace "contract")."""

from django.urls import path

from .. import views_payments as views

urlpatterns = [
    path("", views.payments, name="payments"),
    path("<int:milestone_id>/release/", views.payment_release, name="payment_release"),
    path("<int:milestone_id>/withhold/", views.payment_withhold, name="payment_withhold"),
]
