from functools import cache

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language_info


@cache
def _language_choices() -> tuple[tuple[str, str], ...]:
    # Each language named in itself ("español", "català"), computed once.
    return tuple(
        (code, get_language_info(code)["name_local"].capitalize())
        for code, _ in settings.LANGUAGES
    )


def site(request: HttpRequest) -> dict[str, object]:
    return {"PARTICIPAI_ENV": settings.ENV, "LANGUAGE_CHOICES": _language_choices()}
