"""Forms of surveys: a question as staff set it up, the survey as people
answer it, and the same with the pseudonym and channel of a response a
facilitator enters.

They parse what is typed or chosen; whether a question is well set up, and
whether an answer fits its question or a required one was skipped, is the
service's call (``services.surveys``), whose errors come back on the field
of the question (``answer_field``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from participai.core.forms import DesignSystemForm

from .. import surveying
from ..models import QuestionKind, SurveyQuestion
from ..services.surveys import answer_field, problem_text
from .workspace import AssistedEntryForm

# --------------------------------------------------------------------------- staff


class QuestionForm(DesignSystemForm):
    """One question of a survey. Once people have answered (``frozen``),
    only the help text can be changed: the other fields are shown disabled,
    so what is posted for them is ignored."""

    kind = forms.ChoiceField(
        label=_("Kind of question"), choices=QuestionKind.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("Question"),
        max_length=surveying.QUESTION_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    help_text = forms.CharField(
        label=_("Help"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional: what people need to know to answer."),
    )
    required = forms.BooleanField(
        label=_("People must answer it"),
        required=False,
        help_text=_("A response without an answer to it is refused."),
    )
    options = forms.CharField(
        label=_("Options or items to rank"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "One per line, in the order shown. For one choice, several choices and ranking; "
            "left out for a scale or free text."
        ),
    )
    max_choices = forms.IntegerField(
        label=_("Most choices allowed"),
        required=False,
        min_value=0,
        initial=0,
        help_text=_("For several choices: how many a person may choose at most; 0 for no limit."),
    )
    scale_min = forms.IntegerField(
        label=_("Scale from"),
        required=False,
        initial=1,
        help_text=_("For a scale: its lowest point."),
    )
    scale_min_label = forms.CharField(
        label=_("Meaning of the lowest point"),
        required=False,
        max_length=surveying.SCALE_LABEL_MAX,
        help_text=_("E.g. “Not at all”."),
    )
    scale_max = forms.IntegerField(
        label=_("Scale to"),
        required=False,
        initial=5,
        help_text=_("For a scale: its highest point."),
    )
    scale_max_label = forms.CharField(
        label=_("Meaning of the highest point"),
        required=False,
        max_length=surveying.SCALE_LABEL_MAX,
        help_text=_("E.g. “Completely”."),
    )

    def __init__(self, *args: Any, frozen: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if frozen:
            for name, item in self.fields.items():
                if name != "help_text":
                    item.disabled = True

    @classmethod
    def initial_of(cls, question: SurveyQuestion) -> dict[str, Any]:
        return {
            "kind": question.kind,
            "text": question.text,
            "help_text": question.help_text,
            "required": question.required,
            "options": "\n".join(question.options),
            "max_choices": question.max_choices,
            "scale_min": question.scale_min,
            "scale_max": question.scale_max,
            "scale_min_label": question.scale_min_label,
            "scale_max_label": question.scale_max_label,
        }

    def question_values(self) -> dict[str, Any]:
        """What the service takes (``QUESTION_FIELDS``); blank numbers take
        their defaults."""
        data = self.cleaned_data
        defaults = {"max_choices": 0, "scale_min": 1, "scale_max": 5}
        values = {name: data[name] for name in self.fields}
        for name, default in defaults.items():
            if values[name] is None:
                values[name] = default
        values["options"] = (data["options"] or "").splitlines()
        return values


# --------------------------------------------------------------------------- answering


class RankingField(forms.MultiValueField):
    """The place (1 to n) a person gives each item; cleaned to the order of
    the items' indexes, best first, or ``None`` when no place was given."""

    def __init__(self, count: int, **kwargs: Any) -> None:
        places = [("", "—")] + [(str(p), str(p)) for p in range(1, count + 1)]
        self.count = count
        super().__init__(
            fields=[forms.ChoiceField(choices=places, required=False) for _ in range(count)],
            widget=forms.MultiWidget([forms.Select(choices=places) for _ in range(count)]),
            require_all_fields=False,
            required=False,
            **kwargs,
        )

    def compress(self, data_list: list[str]) -> list[int] | None:
        if not data_list:
            return None
        places = [int(p) if p else None for p in data_list]
        try:
            return surveying.order_from_places(places, self.count)
        except surveying.AnswerError as error:
            raise forms.ValidationError(problem_text(error.problem)) from error


@dataclass
class Choice:
    value: str
    label: str
    checked: bool
    id: str


@dataclass
class RankedSlot:
    label: str
    name: str
    id: str
    selected: str


@dataclass
class Row:
    """One question as the template draws it: its number, the input's name
    and id, what is chosen or typed so far, and its errors."""

    question: SurveyQuestion
    number: int
    name: str
    id: str
    errors: list[str]
    choices: list[Choice] = field(default_factory=list)
    slots: list[RankedSlot] = field(default_factory=list)
    places: list[int] = field(default_factory=list)
    text: str = ""
    max_length: int = surveying.TEXT_MAX

    @property
    def kind(self) -> str:
        return self.question.kind

    @property
    def described_by(self) -> str:
        ids = []
        if self.question.help_text:
            ids.append(f"{self.id}_help")
        if self.kind in (surveying.MULTIPLE, surveying.RANKING):
            # The page says how many to choose, or how to rank.
            ids.append(f"{self.id}_hint")
        if self.errors:
            ids.append(f"{self.id}_error")
        return " ".join(ids)


def _scale_label(question: SurveyQuestion, point: int) -> str:
    if point == question.scale_min and question.scale_min_label:
        return f"{point} – {question.scale_min_label}"
    if point == question.scale_max and question.scale_max_label:
        return f"{point} – {question.scale_max_label}"
    return str(point)


def initial_answers(questions: list[SurveyQuestion], values: dict[int, Any]) -> dict[str, Any]:
    """A form's initial data from stored answers (question id → value)."""
    initial: dict[str, Any] = {}
    for question in questions:
        value = values.get(question.pk)
        if value is None:
            continue
        name = answer_field(question.pk)
        if question.kind == surveying.MULTIPLE:
            initial[name] = [str(i) for i in value]
        elif question.kind == surveying.RANKING:
            initial[name] = [str(p) for p in surveying.places_from_order(value)]
        else:
            initial[name] = str(value)
    return initial


class SurveyForm(DesignSystemForm):
    """Every question of a survey, in order, none required here (the
    service decides, so the page and the API refuse the same answers).
    Field ``question_<id>`` per question; a ranking's places are
    ``question_<id>_0``, ``_1``…"""

    def __init__(self, *args: Any, questions: list[SurveyQuestion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            name = answer_field(question.pk)
            kind = question.kind
            if kind == surveying.SINGLE:
                item = forms.ChoiceField(
                    required=False,
                    choices=list(enumerate(question.options)),
                    widget=forms.RadioSelect,
                )
            elif kind == surveying.MULTIPLE:
                item = forms.MultipleChoiceField(
                    required=False,
                    choices=list(enumerate(question.options)),
                    widget=forms.CheckboxSelectMultiple,
                )
            elif kind == surveying.SCALE:
                points = range(question.scale_min, question.scale_max + 1)
                item = forms.ChoiceField(
                    required=False,
                    choices=[(p, _scale_label(question, p)) for p in points],
                    widget=forms.RadioSelect,
                )
            elif kind == surveying.RANKING:
                item = RankingField(len(question.options))
            else:
                item = forms.CharField(
                    required=False,
                    max_length=surveying.TEXT_MAX,
                    widget=forms.Textarea(attrs={"rows": 4}),
                )
            item.label = question.text
            self.fields[name] = item

    def clean(self) -> dict[str, Any]:
        """Every answer checked against its question as the service will,
        so all problems show at once (the service checks again)."""
        cleaned = super().clean()
        parsed = [q for q in self.questions if answer_field(q.pk) not in self.errors]
        checked = surveying.check_answers(
            parsed, {q.pk: cleaned.get(answer_field(q.pk)) for q in parsed}
        )
        for question_id, problem in checked.problems.items():
            self.add_error(answer_field(question_id), problem_text(problem))
        return cleaned

    def answers(self) -> dict[int, Any]:
        """The raw answers for ``survey_answer``, by question id (after ``is_valid``)."""
        return {q.pk: self.cleaned_data.get(answer_field(q.pk)) for q in self.questions}

    def _raw(self, name: str) -> Any:
        if self.is_bound:
            widget = self.fields[name].widget
            return widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
        return self.initial.get(name)

    @property
    def rows(self) -> list[Row]:
        """The questions as the template draws them, with what was entered."""
        rows = []
        for number, question in enumerate(self.questions, start=1):
            name = answer_field(question.pk)
            bound = self[name]
            raw = self._raw(name)
            row = Row(
                question=question,
                number=number,
                name=bound.html_name,
                id=bound.auto_id,
                errors=list(bound.errors),
            )
            if question.kind in (surveying.SINGLE, surveying.MULTIPLE, surveying.SCALE):
                chosen = {str(v) for v in raw} if isinstance(raw, list) else {str(raw or "")}
                row.choices = [
                    Choice(
                        value=str(value),
                        label=str(label),
                        checked=str(value) in chosen,
                        id=f"{bound.auto_id}_{index}",
                    )
                    for index, (value, label) in enumerate(self.fields[name].choices)
                ]
            elif question.kind == surveying.RANKING:
                raw = raw if isinstance(raw, list) else []
                row.places = list(range(1, len(question.options) + 1))
                row.slots = [
                    RankedSlot(
                        label=label,
                        name=f"{bound.html_name}_{index}",
                        id=f"{bound.auto_id}_{index}",
                        selected=str(raw[index] or "") if index < len(raw) else "",
                    )
                    for index, label in enumerate(question.options)
                ]
            else:
                row.text = raw if isinstance(raw, str) else ""
            rows.append(row)
        return rows


class SurveyAssistForm(AssistedEntryForm, SurveyForm):
    """A response a facilitator types in: the name the person chose, how
    they answered, and their answers."""

    channel_label = _("How the answers were given")
