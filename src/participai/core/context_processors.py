from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, object]:
    return {"PARTICIPAI_ENV": settings.ENV, "LANGUAGE_CHOICES": settings.LANGUAGES}
