"""Forms for an organisation's own questionnaires and for answers saved by the
Canadian tool. They carry the file and refuse one over the service's limit by
its size, before anything reads it; the services read and judge the rest."""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from participai.core.forms import DesignSystemForm

from ..selectors.questionnaires import QuestionnaireOption
from ..services import impact as impact_services
from ..services import questionnaires as questionnaire_services


def _within(upload: UploadedFile, limit: int) -> UploadedFile:
    """``upload``, unless it is over ``limit`` bytes: then refused unread, so a
    huge file is never loaded into memory."""
    if upload.size > limit:
        raise forms.ValidationError(questionnaire_services.too_big(upload.size, limit))
    return upload


class QuestionnaireUploadForm(DesignSystemForm):
    file = forms.FileField(
        label=_("Questionnaire file (JSON)"),
        help_text=_(
            "The SurveyJS definition of Canada's Algorithmic Impact Assessment "
            "(survey-enfr.json), or a questionnaire in ParticipAI's format."
        ),
        widget=forms.FileInput(attrs={"accept": ".json,application/json"}),
    )
    version = forms.CharField(
        label=_("Version (optional)"),
        required=False,
        max_length=20,
        help_text=_("Leave empty to use the version the file states."),
    )

    def clean_file(self) -> UploadedFile:
        return _within(self.cleaned_data["file"], questionnaire_services.MAX_DEFINITION_BYTES)


class AnswersUploadForm(DesignSystemForm):
    file = forms.FileField(
        label=_("Answers saved by the Canadian tool (JSON)"),
        help_text=_(
            "Answers in the file replace the answers to the same questions here; "
            "the other answers are kept."
        ),
        widget=forms.FileInput(attrs={"accept": ".json,application/json"}),
    )

    def clean_file(self) -> UploadedFile:
        return _within(self.cleaned_data["file"], impact_services.MAX_ANSWERS_BYTES)


class QuestionnaireChoiceForm(forms.Form):
    """Which questionnaire a new assessment is answered against."""

    questionnaire = forms.ChoiceField(label=_("Questionnaire"), widget=forms.RadioSelect)

    def __init__(self, *args, options: list[QuestionnaireOption], lang: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.options = {option.value: option for option in options}
        self.fields["questionnaire"].choices = [
            (option.value, f"{option.questionnaire.title(lang)} {option.questionnaire.version}")
            for option in options
        ]

    def chosen(self) -> QuestionnaireOption:
        """The option picked; call after ``is_valid()``."""
        return self.options[self.cleaned_data["questionnaire"]]
