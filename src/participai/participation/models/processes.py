"""Participation processes, their modules, and what people contribute to them.

A process belongs to a procurement and a stage, and may run an activity of
the engagement plan. Its modules (``core.vocabulary.MODULE_KINDS``) are the
ways to take part; the stage declares which kinds it allows
(``lifecycle.Stage.modules``). Contributions (comments, ideas, replies,
statements) share one table so moderation, flags, exports and "you said, we
did" treat them alike; supports and statement votes are one row per
participant, enforced by the database. Counters on a contribution are kept
by the services in the same transaction, never recounted per request.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from participai.accounts.models import Participant
from participai.core import vocabulary
from participai.core.models import TimeStampedModel
from participai.procurements import lifecycle
from participai.procurements.models import Procurement

from ..policy import Window


class DecisionStage(models.TextChoices):
    DIAGNOSIS = "diagnosis", _("Diagnosis")
    DELIBERATION = "deliberation", _("Deliberation")
    NEGOTIATION = "negotiation", _("Negotiation")
    VOTE = "vote", _("Vote")
    ASSESSMENT = "assessment", _("Assessment")


assert tuple(DecisionStage.values) == vocabulary.DECISION_STAGES


class ReadRequires(models.TextChoices):
    NONE = "none", _("Anyone")
    ACCOUNT = "account", _("People with an account")


class WriteRequires(models.TextChoices):
    GUEST = "guest", _("Anyone with a pseudonym")
    CONFIRMED = "confirmed", _("Guests who confirmed their email, and account holders")
    ACCOUNT = "account", _("Account holders only")


class Process(TimeStampedModel):
    """A question put to the public about one procurement, at one stage.

    Invariants: ``closes_at`` is after ``opens_at``; ``slug`` is unique within
    the procurement; only published processes are shown to the public.
    """

    procurement = models.ForeignKey(
        Procurement, on_delete=models.PROTECT, related_name="processes"
    )
    stage = models.CharField(_("stage"), max_length=40, choices=lifecycle.STAGE_CHOICES)
    slug = models.SlugField(_("short name"), max_length=80)
    title = models.CharField(_("title"), max_length=200)
    question = models.TextField(_("question"))
    description = models.TextField(_("description"), blank=True)
    negotiable = models.TextField(_("open to your influence"))
    not_negotiable = models.TextField(_("already decided"), blank=True)
    decision_stage = models.CharField(
        _("decision stage"), max_length=20, choices=DecisionStage.choices
    )
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    activity = models.ForeignKey(
        "engagement.EngagementActivity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="processes",
    )
    read_requires = models.CharField(
        max_length=20, choices=ReadRequires.choices, default=ReadRequires.NONE
    )
    contribute_requires = models.CharField(
        max_length=20, choices=WriteRequires.choices, default=WriteRequires.GUEST
    )
    vote_requires = models.CharField(
        max_length=20, choices=WriteRequires.choices, default=WriteRequires.GUEST
    )
    is_published = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["procurement", "opens_at", "pk"]
        verbose_name = _("participation process")
        constraints = [
            models.UniqueConstraint(fields=["procurement", "slug"], name="process_slug_unique"),
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="process_closes_after_it_opens"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def requirement(self, action: str) -> str:
        """What the process asks for ``action`` (``read``, ``contribute``, ``vote``)."""
        return {
            "read": self.read_requires,
            "contribute": self.contribute_requires,
            "vote": self.vote_requires,
        }[action]


class ModuleKind(models.TextChoices):
    COMMENTS = "comments", _("Comments and ideas")
    SURVEY = "survey", _("Survey")
    STATEMENTS = "statements", _("Statements to vote on")
    PRIORITISATION = "prioritisation", _("Prioritisation")
    DOCUMENT_REVIEW = "document_review", _("Document review")
    EVENT = "event", _("Event record")


assert tuple(ModuleKind.values) == vocabulary.MODULE_KINDS


class Module(TimeStampedModel):
    """One way to take part in a process.

    A module takes contributions between its own dates when set, else the
    process's; outside them it stays readable. ``config`` holds what the kind
    needs (e.g. the point budget of a dot vote).
    """

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="modules")
    kind = models.CharField(_("kind"), max_length=20, choices=ModuleKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    config = models.JSONField(default=dict, blank=True)
    contribution_count = models.PositiveIntegerField(default=0)
    # Top-level contributions, hidden and removed ones included (they keep
    # their place in the thread): the thread pages' paginator reads it
    # instead of counting a long thread on every request.
    thread_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["process", "position", "pk"]
        verbose_name = _("module")
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(closes_at__gt=F("opens_at")),
                name="module_closes_after_it_opens",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def window(self, process: Process | None = None) -> Window:
        """When the module takes contributions (its own dates, else the process's)."""
        process = process or self.process
        return Window(
            opens=self.opens_at or process.opens_at, closes=self.closes_at or process.closes_at
        )

    def state(self, now: datetime) -> str:
        """``upcoming``, ``open`` or ``closed``."""
        return self.window().state(now)


class ContributionKind(models.TextChoices):
    COMMENT = "comment", _("Comment")
    IDEA = "idea", _("Idea")
    STATEMENT = "statement", _("Statement")


class ContributionStatus(models.TextChoices):
    VISIBLE = "visible", _("Visible")
    HIDDEN = "hidden", _("Hidden by a moderator")
    REMOVED = "removed", _("Removed by its author")


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("By phone")
    PAPER = "paper", _("On paper")
    ASSISTED_ONLINE = "assisted_online", _("Online, with help")


assert tuple(Channel.values) == vocabulary.CHANNELS


class Contribution(models.Model):
    """Something a participant said in a module: a comment or idea (with
    threaded replies through ``parent``) or a statement others vote on.

    ``body`` is the Markdown the author wrote, kept as written;
    ``body_html`` is its sanitised rendering, made once on write. A hidden
    contribution keeps its text for the author and moderators; a removed one
    keeps neither text nor author, only its place in the thread.
    """

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="contributions")
    kind = models.CharField(max_length=20, choices=ContributionKind.choices)
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="contributions"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replies"
    )
    # In a document review, the paragraph of the draft a comment is about.
    paragraph = models.ForeignKey(
        "participation.DocumentParagraph",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="comments",
    )
    body = models.TextField()
    body_html = models.TextField()
    status = models.CharField(
        max_length=20, choices=ContributionStatus.choices, default=ContributionStatus.VISIBLE
    )
    moderation_reason = models.TextField(blank=True)
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.ONLINE)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    support_count = models.PositiveIntegerField(default=0)
    reply_count = models.PositiveIntegerField(default=0)
    agree_count = models.PositiveIntegerField(default=0)
    disagree_count = models.PositiveIntegerField(default=0)
    pass_count = models.PositiveIntegerField(default=0)
    # Open flags only: moderation resolving them sets it back to zero.
    flag_count = models.PositiveIntegerField(default=0)
    # Published "you said, we did" responses that answer it.
    response_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["module", "created_at", "pk"]
        verbose_name = _("contribution")
        indexes = [
            models.Index(fields=["module", "parent", "-created_at"], name="contribution_newest"),
            models.Index(fields=["module", "parent", "-support_count"], name="contribution_top"),
            models.Index(fields=["status", "-flag_count"], name="contribution_flagged"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"

    @property
    def is_visible(self) -> bool:
        return self.status == ContributionStatus.VISIBLE


class Support(models.Model):
    """One participant supporting one comment or idea; at most one each."""

    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, related_name="supports"
    )
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["contribution", "participant"], name="one_support_per_participant"
            )
        ]

    def __str__(self) -> str:
        return f"support {self.participant_id} → {self.contribution_id}"


class VoteChoice(models.TextChoices):
    AGREE = "agree", _("Agree")
    DISAGREE = "disagree", _("Disagree")
    PASS = "pass", _("Pass / unsure")


class StatementVote(models.Model):
    """One participant's vote on one statement; changing it replaces it."""

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="votes")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="statement_votes"
    )
    choice = models.CharField(max_length=10, choices=VoteChoice.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["contribution", "participant"], name="one_vote_per_participant"
            )
        ]

    def __str__(self) -> str:
        return f"{self.choice} {self.participant_id} → {self.contribution_id}"


class FlagReason(models.TextChoices):
    SPAM = "spam", _("Spam or advertising")
    ABUSE = "abuse", _("Abusive, hateful or harassing")
    PERSONAL_DATA = "personal_data", _("Personal information about someone")
    OFF_TOPIC = "off_topic", _("Off topic")
    OTHER = "other", _("Something else")


class Flag(models.Model):
    """Someone asking moderators to look at a contribution; one per person each."""

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="flags")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=20, choices=FlagReason.choices)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["contribution", "participant"], name="one_flag_per_participant"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reason} {self.participant_id} → {self.contribution_id}"
