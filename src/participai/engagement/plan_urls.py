"""Staff pages: plan."""

urlpatterns: list = []
