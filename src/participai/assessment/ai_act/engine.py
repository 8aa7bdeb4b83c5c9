"""The screening engine: from a valid set of answers to a :class:`~.model.ScreeningResult`.

The effects of every answer are gathered (banned practices, Annex III points,
transparency duties, extra reasons, flags), then classified: prohibited, else
high risk (unless the limited-task exception applies), else limited, else
minimal. For a high-risk use by a public body it also decides whether a
fundamental rights impact assessment and EU database registration are due.

Pure: no Django import.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from participai.assessment.datafiles import LANGUAGES

from .answers import validate_answers
from .loader import load_screening
from .model import (
    Effects,
    InvalidAnswers,
    Question,
    Reason,
    Screening,
    ScreeningResult,
    TransparencyDuty,
    area_of,
)


def _effects_of(question: Question, value: Any) -> Iterable[Effects]:
    if question.kind == "yes_no":
        return (question.if_yes,) if value else ()
    if question.kind == "choice":
        return (question.option(value).effects,)
    return tuple(question.option(key).effects for key in value)


def _add(target: list[str], codes: Iterable[str]) -> None:
    for code in codes:
        if code not in target:
            target.append(code)


def screen(answers: Mapping[str, Any], *, screening: Screening | None = None) -> ScreeningResult:
    """Classify a use of AI under the EU AI Act from a full set of answers.

    Raises :class:`InvalidAnswers` (with ``errors`` as from :func:`validate_answers`)
    when the answers are incomplete or malformed; never guesses a missing answer.
    """
    screening = screening or load_screening()
    errors = validate_answers(answers, screening=screening)
    if errors:
        raise InvalidAnswers(errors)

    prohibited: list[str] = []
    points: list[str] = []
    duties: list[str] = []
    notes: list[str] = []
    flags: set[str] = set()
    for question in screening.questions:
        for effects in _effects_of(question, answers[question.key]):
            _add(prohibited, effects.prohibited)
            _add(points, effects.annex_iii)
            _add(duties, effects.transparency)
            _add(notes, effects.reasons)
            flags.update(effects.flags)
    order = list(screening.points_by_code)
    points.sort(key=order.index)

    def reason(code: str) -> Reason:
        return Reason(code, dict(screening.reasons[code]))

    reasons = [
        Reason(f"prohibited.{code}", dict(screening.prohibited_practices[code]))
        for code in prohibited
    ]
    reasons += [_point_reason(screening, code) for code in points]

    derogation_applied = False
    if "derogation" in flags:
        if not points:
            reasons.append(reason("derogation_without_annex_iii"))
        elif "profiling" in flags:
            reasons.append(reason("derogation_refused_profiling"))
        else:
            derogation_applied = True
            reasons.append(reason("derogation_applied"))
    reasons += [reason(code) for code in notes]
    reasons += [
        Reason(f"transparency.{code}", dict(screening.transparency_duties[code]))
        for code in duties
    ]

    if prohibited:
        classification = "prohibited"
    elif points and not derogation_applied:
        classification = "high_risk"
    elif duties:
        classification = "limited"
        reasons.append(reason("limited_risk"))
    else:
        classification = "minimal"
        reasons.append(reason("minimal_risk"))

    fria_required = registration_required = False
    if classification == "high_risk":
        areas = {area_of(code) for code in points}
        public_body = "public_body" in flags
        if not public_body:
            reasons.append(reason("fria_not_required_private_deployer"))
        elif areas - screening.fria_excluded_areas:
            fria_required = True
            reasons.append(reason("fria_required"))
        else:
            reasons.append(reason("fria_not_required_critical_infrastructure"))
        if public_body and areas - screening.registration_excluded_areas:
            registration_required = True
            reasons.append(reason("eu_registration_required"))
            if areas & screening.registration_restricted_areas:
                reasons.append(reason("eu_registration_restricted_section"))
        elif public_body:
            reasons.append(reason("eu_registration_national_level"))

    return ScreeningResult(
        classification=classification,
        reasons=reasons,
        annex_iii=points,
        transparency_duties=[
            TransparencyDuty(code, dict(screening.transparency_duties[code])) for code in duties
        ],
        fria_required=fria_required,
        eu_database_registration_required=registration_required,
        prohibited_practices=prohibited,
        derogation_applied=derogation_applied,
    )


def _point_reason(screening: Screening, code: str) -> Reason:
    point = screening.points_by_code[code]
    area = screening.areas_by_number[point.area]
    template = screening.messages["annex_iii_point"]
    text = {
        lang: template[lang].format(
            area=point.area, area_name=area.name[lang], point=code, point_text=point.text[lang]
        )
        for lang in LANGUAGES
    }
    return Reason(f"annex_iii.{code}", text)
