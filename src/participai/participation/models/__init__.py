"""The participation app's models, one module per instrument (see each)."""

from .demographics import (
    DemographicAnswer,
    DemographicKind,
    DemographicProfile,
    DemographicQuestion,
)
from .documents import DocumentParagraph, DocumentVersion
from .events import EventKind, EventRecord
from .insights import OpinionGroups, TextTopics
from .notifications import Follow, Notification, NotificationKind
from .prioritisation import (
    PrioritisationMethod,
    PriorityAllocation,
    PriorityBallot,
    PriorityItem,
)
from .processes import (
    Channel,
    Contribution,
    ContributionKind,
    ContributionStatus,
    DecisionStage,
    Flag,
    FlagReason,
    Module,
    ModuleKind,
    Process,
    ReadRequires,
    StatementVote,
    Support,
    VoteChoice,
    WriteRequires,
)
from .responses import ChangeKind, Response, ResponseStatus
from .surveys import QuestionKind, SurveyAnswer, SurveyQuestion, SurveyResponse

__all__ = [
    "ChangeKind",
    "Channel",
    "Contribution",
    "ContributionKind",
    "ContributionStatus",
    "DecisionStage",
    "DemographicAnswer",
    "DemographicKind",
    "DemographicProfile",
    "DemographicQuestion",
    "DocumentParagraph",
    "DocumentVersion",
    "EventKind",
    "EventRecord",
    "Flag",
    "FlagReason",
    "Follow",
    "Module",
    "ModuleKind",
    "Notification",
    "NotificationKind",
    "OpinionGroups",
    "PrioritisationMethod",
    "PriorityAllocation",
    "PriorityBallot",
    "PriorityItem",
    "Process",
    "QuestionKind",
    "ReadRequires",
    "Response",
    "ResponseStatus",
    "StatementVote",
    "Support",
    "SurveyAnswer",
    "SurveyQuestion",
    "SurveyResponse",
    "TextTopics",
    "VoteChoice",
    "WriteRequires",
]
