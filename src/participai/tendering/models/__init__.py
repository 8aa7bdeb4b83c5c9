"""The Delivery phase: the tender, its evaluation, and the test of the chosen solution."""

from .evaluation import (
    Award,
    Bid,
    BidDocument,
    BidStatus,
    ModeratedScore,
    PanelMember,
    PanelMemberKind,
    Score,
)
from .solicitation import (
    Clarification,
    ClarificationStatus,
    Criterion,
    CriterionGroup,
    Requirement,
    RequirementKind,
    RequirementSource,
    ScoringMethod,
    SourceKind,
    Tender,
    TenderClause,
    TenderStatus,
)
from .solution import SolutionTest, TestResult

__all__ = [
    "Award",
    "Bid",
    "BidDocument",
    "BidStatus",
    "Clarification",
    "ClarificationStatus",
    "Criterion",
    "CriterionGroup",
    "ModeratedScore",
    "PanelMember",
    "PanelMemberKind",
    "Requirement",
    "RequirementKind",
    "RequirementSource",
    "Score",
    "ScoringMethod",
    "SolutionTest",
    "SourceKind",
    "Tender",
    "TenderClause",
    "TenderStatus",
    "TestResult",
]
