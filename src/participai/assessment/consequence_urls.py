"""Staff pages: consequence."""

urlpatterns: list = []
