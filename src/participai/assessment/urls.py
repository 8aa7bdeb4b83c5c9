from django.urls import include, path

from .views import impact, obligations, screening

app_name = "assessment"
urlpatterns = [
    path("", impact.overview, name="overview"),
    path("start/", impact.start, name="start"),
    path("ai-act/", screening.overview, name="ai_act"),
    path("ai-act/start/", screening.screening_start, name="screening_start"),
    path("ai-act/<int:number>/", screening.screening, name="screening"),
    path("rights/start/", screening.rights_start, name="rights_start"),
    path("rights/<int:number>/", screening.rights, name="rights"),
    path("obligations/", obligations.obligations, name="obligations"),
    path("obligations/<slug:key>/exempt/", obligations.exempt, name="exempt"),
    path("consequences/", include("participai.assessment.consequence_urls")),
    path("<int:number>/", impact.review, name="review"),
    path("<int:number>/complete/", impact.complete, name="complete"),
    path("<int:number>/answers/", impact.import_answers, name="import_answers"),
    # Section keys may hold "." and ":" (see questionnaire.loader), which a slug may not.
    path("<int:number>/<str:section>/", impact.section, name="section"),
]
