"""Forms of the consequence scan: parse what the team types; the services decide the rest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from participai.core.forms import DesignSystemForm

from ..consequence_prompts import PromptSet
from ..models import (
    ConsequenceEffect,
    ConsequenceIntention,
    ConsequenceResponse,
    ConsequenceStatus,
)
from ..services.consequences import DESCRIPTION_MAX_LENGTH, NOTE_MAX_LENGTH


class ConsequenceForm(DesignSystemForm):
    """A new consequence. ``prompt`` (a key of ``prompts``) pre-selects the
    prompt it answers and whatever that prompt suggests for the two axes."""

    description = forms.CharField(
        label=_("Consequence"),
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What could happen, in a sentence or two."),
    )
    intention = forms.ChoiceField(
        label=_("Intended or unintended?"),
        choices=ConsequenceIntention.choices,
        widget=forms.RadioSelect,
    )
    effect = forms.ChoiceField(
        label=_("Positive or negative?"),
        choices=ConsequenceEffect.choices,
        widget=forms.RadioSelect,
    )
    affected_group = forms.CharField(
        label=_("Who it affects"),
        max_length=200,
        help_text=_("A group of people, e.g. “older residents living alone”."),
    )
    response = forms.ChoiceField(
        label=_("Response"),
        choices=ConsequenceResponse.choices,
        widget=forms.RadioSelect,
    )
    owner = forms.CharField(
        label=_("Owner"),
        max_length=200,
        required=False,
        help_text=_("The person or team who sees to it. Every negative one needs an owner."),
    )
    prompt_key = forms.ChoiceField(
        label=_("Prompt it answers"),
        required=False,
        choices=(),
        help_text=_("Optional: the scanning prompt that brought it up."),
    )

    def __init__(
        self, *args: Any, prompts: PromptSet, lang: str, prompt: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["prompt_key"].choices = [("", _("Not from a prompt"))] + [
            (group.label(lang), [(p.key, p.question_in(lang)) for p in members])
            for group, members in prompts.by_group()
        ]
        if prompt and prompt in prompts and not self.is_bound:
            chosen = prompts.get(prompt)
            self.initial.setdefault("prompt_key", chosen.key)
            if chosen.intention:
                self.initial.setdefault("intention", chosen.intention)
            if chosen.effect:
                self.initial.setdefault("effect", chosen.effect)


class ConsequenceEditForm(ConsequenceForm):
    """A consequence as the team revisits it: every field, and where it stands."""

    status = forms.ChoiceField(
        label=_("Status"), choices=ConsequenceStatus.choices, widget=forms.RadioSelect
    )
    status_note = forms.CharField(
        label=_("What was done, or why it was dismissed"),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when the consequence is addressed or dismissed."),
    )
