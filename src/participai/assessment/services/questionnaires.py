"""Every write to an organisation's own impact questionnaires: upload, retire, reactivate.

A body that already assesses with Canada's Algorithmic Impact Assessment
uploads the tool's SurveyJS definition (or a questionnaire in ParticipAI's own
format) and assesses its procurements with it, scored by the same rules as the
tool. Keyword-only, one transaction each, the organisation admin's right
checked (``Action.MANAGE_QUESTIONNAIRES``), an audit event in the same
transaction. A file that cannot be used raises ``ValidationError`` keyed
``file`` (or ``version``) and stores nothing.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from participai.accounts.models import Organisation, User
from participai.core.audit import audit_record
from participai.core.storable import holds_unstorable
from participai.procurements.access import Action, require_in_organisation
from participai.procurements.uploads import MESSAGES as UPLOAD_MESSAGES
from participai.procurements.uploads import human_size

from .. import registry
from ..aia_import import AiaImportError, import_aia_surveyjs
from ..models import OrganisationQuestionnaire, QuestionnaireFormat
from ..questionnaire import Questionnaire, QuestionnaireError, load_questionnaire

# The AIA definition (v1.0.1) is about 400 kB; ten times that is no questionnaire.
MAX_DEFINITION_BYTES = 4 * 1024 * 1024
VERSION_PATTERN = re.compile(r"[0-9A-Za-z][0-9A-Za-z.\-]{0,19}")
# What the column holds; the id also names the definition's download.
ID_PATTERN = re.compile(r"[0-9A-Za-z][0-9A-Za-z_.\-]{0,79}")


def too_big(size: int, limit: int) -> str:
    """What to tell someone whose file of ``size`` bytes is over ``limit``:
    the words every upload uses (``procurements.uploads``)."""
    return _(UPLOAD_MESSAGES["size"]) % {
        "size": human_size(size),
        "limit": human_size(limit),
    }


def read_json_upload(content: bytes, *, field: str = "file", limit: int) -> Any:
    """Parse an uploaded JSON file, or raise ``ValidationError`` keyed ``field``
    saying what is wrong with it (too big, not UTF-8, not JSON and where, or
    holding a character no text can be stored with)."""
    if len(content) > limit:
        raise ValidationError({field: too_big(len(content), limit)})
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError({field: _("The file is not UTF-8 text.")}) from None
    try:
        data = json.loads(text)
    except RecursionError:
        raise ValidationError({field: _("The file nests its data too deeply to read.")}) from None
    except json.JSONDecodeError as exc:
        raise ValidationError(
            {
                field: _(
                    "The file is not valid JSON: %(problem)s at line %(line)s, column %(column)s."
                )
                % {"problem": exc.msg, "line": exc.lineno, "column": exc.colno}
            }
        ) from None
    except ValueError:
        # Python refuses integers of thousands of digits (int_max_str_digits).
        raise ValidationError({field: _("The file holds a number too long to read.")}) from None
    if holds_unstorable(data):
        raise ValidationError(
            {
                field: _(
                    "The file holds a character that cannot be stored: "
                    "a null character or half of a surrogate pair."
                )
            }
        )
    return data


def _read_definition(
    data: Any, version: str
) -> tuple[str, Questionnaire, list[str], dict[str, Any]]:
    """Recognise the format and build the questionnaire.

    Returns ``(format, questionnaire, warnings, conversion)`` where
    ``conversion`` holds the AIA import's name mappings (empty otherwise).
    """
    if isinstance(data, Mapping) and "sections" in data:
        if version:
            data = {**data, "version": version}
        try:
            questionnaire = load_questionnaire(data)
        except QuestionnaireError as exc:
            raise ValidationError(
                {"file": _("This questionnaire is not valid: %(problem)s") % {"problem": exc}}
            ) from None
        return QuestionnaireFormat.PARTICIPAI, questionnaire, [], {}
    if isinstance(data, Mapping) and "pages" in data:
        try:
            imported = import_aia_surveyjs(data, version=version or None)
        except AiaImportError as exc:
            raise ValidationError(
                {
                    "file": _("This SurveyJS definition cannot be imported: %(problem)s")
                    % {"problem": exc}
                }
            ) from None
        conversion = {
            "key_map": [list(pair) for pair in imported.key_map],
            "phase_values": [list(pair) for pair in imported.phase_values],
        }
        return (
            QuestionnaireFormat.AIA_SURVEYJS,
            imported.questionnaire,
            list(imported.warnings),
            conversion,
        )
    raise ValidationError(
        {
            "file": _(
                "This file is neither a ParticipAI questionnaire (with “sections”) "
                "nor a SurveyJS definition of the Algorithmic Impact Assessment (with “pages”)."
            )
        }
    )


@transaction.atomic
def questionnaire_upload(
    *,
    actor: User,
    organisation: Organisation,
    file_name: str,
    content: bytes,
    version: str = "",
) -> OrganisationQuestionnaire:
    """Store a questionnaire uploaded by ``organisation``'s admin and offer it
    for new assessments.

    ``version`` overrides the version the file states (an AIA definition
    names its own, e.g. ``1.0.1``). Refused, with nothing stored: a file
    over :data:`MAX_DEFINITION_BYTES`, not JSON, in neither format, or
    invalid; an id or a version the columns cannot hold (``ID_PATTERN``,
    ``VERSION_PATTERN``); an id of a questionnaire the product ships; an id
    and version the organisation already has (the same file: say when it
    came; another file: ask for a new version, since assessments answered
    against the first must keep their meaning).
    """
    require_in_organisation(actor, Action.MANAGE_QUESTIONNAIRES, organisation)
    version = version.strip()
    if version and not VERSION_PATTERN.fullmatch(version):
        raise ValidationError(
            {"version": _("A version is letters, digits, dots and hyphens, such as 1.0.2.")}
        )
    data = read_json_upload(content, limit=MAX_DEFINITION_BYTES)
    source_format, questionnaire, warnings, conversion = _read_definition(data, version)
    if not ID_PATTERN.fullmatch(questionnaire.id):
        raise ValidationError(
            {
                "file": _(
                    "The questionnaire's id “%(id)s” should be up to 80 letters, digits, "
                    "dots, hyphens and underscores."
                )
                % {"id": questionnaire.id[:100]}
            }
        )
    if not VERSION_PATTERN.fullmatch(questionnaire.version):
        raise ValidationError(
            {
                "version": _(
                    "The file states the version “%(version)s”; a version is up to 20 letters, "
                    "digits, dots and hyphens. Give one here."
                )
                % {"version": questionnaire.version[:100]}
            }
        )
    if any(qid == questionnaire.id for qid, _version in registry.shipped()):
        raise ValidationError(
            {
                "file": _(
                    "“%(id)s” is the id of a questionnaire ParticipAI ships; "
                    "give yours another id."
                )
                % {"id": questionnaire.id}
            }
        )
    digest = hashlib.sha256(content).hexdigest()
    # Serialise uploads per organisation, so two admins cannot both pass the check below.
    Organisation.objects.select_for_update().get(pk=organisation.pk)
    existing = (
        OrganisationQuestionnaire.objects.filter(
            organisation=organisation,
            questionnaire_id=questionnaire.id,
            version=questionnaire.version,
        )
        .select_related("uploaded_by")
        .first()
    )
    if existing is not None:
        names = {"id": questionnaire.id, "version": questionnaire.version}
        if existing.source_sha256 == digest:
            message = _(
                "This file was already uploaded on %(date)s by %(person)s, as %(id)s %(version)s."
            ) % {
                **names,
                "date": date_format(existing.created_at, "DATE_FORMAT"),
                "person": existing.uploaded_by,
            }
        else:
            message = (
                _(
                    "%(id)s %(version)s is already uploaded from another file, and assessments "
                    "may rely on it. Give this one a new version."
                )
                % names
            )
        raise ValidationError({"version": message})
    row = OrganisationQuestionnaire.objects.create(
        organisation=organisation,
        questionnaire_id=questionnaire.id,
        version=questionnaire.version,
        title=questionnaire.title()[:300],
        source_format=source_format,
        source_name=file_name[:255],
        source_sha256=digest,
        definition=questionnaire.to_dict(),
        key_map=conversion.get("key_map", []),
        phase_values=conversion.get("phase_values", []),
        warnings=warnings,
        uploaded_by=actor,
    )
    audit_record(
        actor=actor,
        action="questionnaire.uploaded",
        target=row,
        organisation_id=organisation.pk,
        data={
            "questionnaire": f"{row.questionnaire_id} {row.version}",
            "format": source_format,
            "file": row.source_name,
            "sha256": digest,
            "warnings": len(warnings),
        },
    )
    return row


@transaction.atomic
def questionnaire_set_active(
    *, actor: User, questionnaire: OrganisationQuestionnaire, active: bool
) -> OrganisationQuestionnaire:
    """Offer (``active``) or stop offering the questionnaire for new assessments.

    Assessments already started with it keep it, drafts included: retiring
    changes what is proposed next, never what was answered. Setting the state
    it already has changes nothing and records nothing.
    """
    row = OrganisationQuestionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    require_in_organisation(actor, Action.MANAGE_QUESTIONNAIRES, row.organisation)
    if row.is_active == active:
        return row
    row.is_active = active
    row.save(update_fields=["is_active", "updated_at"])
    audit_record(
        actor=actor,
        action="questionnaire.reactivated" if active else "questionnaire.retired",
        target=row,
        organisation_id=row.organisation_id,
        data={"questionnaire": f"{row.questionnaire_id} {row.version}"},
    )
    return row
