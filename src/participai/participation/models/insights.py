"""What the deliberation math made of a statements module: its opinion groups.

The computation (``participai.deliberation``) runs in the background after
votes arrive, never in a request; the page shows the last result and when it
was made. One row per module holds that result, the state the next update
starts from (so groups do not flicker), and whether an update is waiting.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .processes import Module


class OpinionGroups(models.Model):
    """The last opinion groups of one statements module.

    ``summary`` is what the pages read (groups, the map, representative,
    consensus and divisive statements, the order statements are offered in),
    computed from ``votes_counted`` votes; ``state`` is the deliberation
    ``GroupState``, handed to the next update. ``requested_at`` is set while an
    update waits in the queue: more votes in the meantime ask for nothing
    more (the debounce), and the task clears it when it starts.
    """

    module = models.OneToOneField(Module, on_delete=models.CASCADE, related_name="opinion_groups")
    requested_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    votes_counted = models.PositiveIntegerField(default=0)
    participants_counted = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    state = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("opinion groups")
        verbose_name_plural = _("opinion groups")

    def __str__(self) -> str:
        return f"opinion groups of module {self.module_id}"


class TextTopics(models.Model):
    """The last topics of what people wrote in one module: comments, ideas
    and replies (comments, document review, event record) or the survey's
    free-text answers, embedded on this machine and grouped.

    ``summary`` holds the topics with their labels, counts and quotes (as
    references to the rows, so a text hidden or deleted since is not
    quoted), and near-duplicate pairs; ``requested_at`` works as for
    :class:`OpinionGroups`.
    """

    module = models.OneToOneField(Module, on_delete=models.CASCADE, related_name="text_topics")
    requested_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    texts_counted = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("text topics")
        verbose_name_plural = _("text topics")

    def __str__(self) -> str:
        return f"topics of module {self.module_id}"
