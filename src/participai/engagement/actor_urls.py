"""Staff pages: actor."""

urlpatterns: list = []
