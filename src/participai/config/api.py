"""The JSON API: one NinjaAPI, routers from each app, errors as JSON bodies
that say what is wrong and which field."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

from participai import __version__
from participai.assessment.api import router as assessment_router
from participai.contracts.api import router as contracts_router
from participai.engagement.api import router as toolbox_router
from participai.engagement.canvas_api import router as canvas_router
from participai.participation.api import router as participation_router
from participai.procurements.api import router as procurements_router
from participai.tendering.api import router as tendering_router

api = NinjaAPI(
    title="ParticipAI API",
    version=__version__,
    description=(
        "Open data about AI procurements by public bodies: what is being bought, "
        "why, at which stage, and the decisions taken at each gate."
    ),
    urls_namespace="api",
    docs_url="/docs",
)
api.add_router("/procurements", procurements_router)
api.add_router("/procurements", assessment_router)
api.add_router("/procurements", canvas_router)
api.add_router("/procurements", tendering_router)
api.add_router("/procurements", contracts_router)
api.add_router("/toolbox", toolbox_router)
api.add_router("", participation_router)


def _field_of(location: list) -> str:
    # ninja reports ("query", "page") or ("body", "payload", "title"); the
    # field a person would recognise is the last named element. Only the
    # leading source is dropped, so a payload field named "body" keeps its name.
    if location and location[0] in ("query", "body", "path", "header", "cookie", "form"):
        location = location[1:]
    names = [str(part) for part in location if part != "payload"]
    return ".".join(names)


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {"field": _field_of(list(error.get("loc", []))), "message": error.get("msg", "")}
        for error in exc.errors
    ]
    first = errors[0] if errors else {"field": None, "message": "Invalid input."}
    return api.create_response(
        request,
        {
            "message": f"{first['field']}: {first['message']}",
            "field": first["field"],
            "errors": errors,
        },
        status=422,
    )


@api.exception_handler(DjangoValidationError)
def _domain_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        errors = [
            {"field": field, "message": " ".join(messages)}
            for field, messages in exc.message_dict.items()
        ]
    else:
        errors = [{"field": None, "message": " ".join(exc.messages)}]
    first = errors[0]
    return api.create_response(
        request,
        {"message": first["message"], "field": first["field"], "errors": errors},
        status=400,
    )


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(
        request, {"message": str(exc) or "Not found.", "field": None}, status=404
    )


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(
        request, {"message": str(exc) or "Forbidden.", "field": None}, status=403
    )


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"message": "Log in first.", "field": None}, status=401)
