"""The review, its exit checklist and the lessons learned (namespace "contract")."""

from django.urls import path

from .. import views_review

urlpatterns: list = [
    path("", views_review.review, name="review"),
    path("exit/<int:step_id>/done/", views_review.exit_done, name="review_exit_done"),
    path("lessons/add/", views_review.lesson_add, name="review_lesson_add"),
    path("lessons/<int:lesson_id>/", views_review.lesson_edit, name="review_lesson_edit"),
]
