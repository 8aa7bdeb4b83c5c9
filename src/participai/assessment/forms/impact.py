"""A page of the impact questionnaire as a Django form, built from the data."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _

from ..questionnaire import Questionnaire, Section
from ..scoring import TEXT_MAX_LENGTH


class SectionForm(forms.Form):
    """One section's questions: single → radio buttons, multiple → check boxes,
    text → a text area. Nothing is required here: a draft may be saved half
    done, and completion checks what is missing."""

    def __init__(
        self,
        *args: Any,
        questionnaire: Questionnaire,
        section: Section,
        answers: dict[str, Any],
        lang: str,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.section = section
        for question in section.questions:
            label = question.text(lang)
            help_parts = [question.help(lang)] if question.help else []
            if question.visible_if:
                condition = questionnaire.question(question.visible_if.question)
                chosen = [
                    choice.label(lang)
                    for choice in condition.choices
                    if choice.key in question.visible_if.any_of
                ]
                help_parts.append(
                    _("Answer only if you answered “%(answer)s” to “%(question)s”.")
                    % {"answer": " / ".join(chosen), "question": condition.text(lang)}
                )
            common = {
                "label": label,
                "required": False,
                "help_text": " ".join(help_parts),
                "initial": answers.get(question.key),
            }
            choices = [(choice.key, choice.label(lang)) for choice in question.choices]
            if question.type == "single":
                field = forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
            elif question.type == "multiple":
                field = forms.MultipleChoiceField(
                    choices=choices, widget=forms.CheckboxSelectMultiple, **common
                )
            else:
                field = forms.CharField(
                    widget=forms.Textarea(attrs={"rows": 3, "class": "usa-textarea"}),
                    max_length=TEXT_MAX_LENGTH,
                    **common,
                )
            field.required_in_questionnaire = question.required
            self.fields[question.key] = field

    def answers(self) -> dict[str, Any]:
        """The page's answers, every question of the section included, so that a
        cleared field clears its answer."""
        return {key: self.cleaned_data.get(key) for key in self.fields}
