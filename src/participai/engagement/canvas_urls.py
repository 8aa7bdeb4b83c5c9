"""Staff pages: canvas."""

urlpatterns: list = []
