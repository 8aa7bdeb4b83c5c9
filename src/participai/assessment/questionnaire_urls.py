from django.urls import path

from .views import questionnaires

app_name = "questionnaires"
urlpatterns = [
    path("", questionnaires.questionnaire_list, name="list"),
    path("<int:pk>/", questionnaires.questionnaire_detail, name="detail"),
    path("<int:pk>/active/", questionnaires.questionnaire_active, name="active"),
    path("<int:pk>/definition.json", questionnaires.questionnaire_definition, name="definition"),
]
