"""What each survey asks: the areas of SPEC §7, worded for customers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Area:
    key: str
    label: str
    question: str


CASE_AREAS = [
    Area(
        "customer_service", "Customer service", "How well were you treated while we worked on it?"
    ),
    Area("responsiveness", "Responsiveness", "How quickly did we answer you?"),
    Area("communication", "Communication", "How clear and useful were our messages?"),
    Area("knowledge", "Knowledgeable assistance", "How well did the engineer know the product?"),
    Area(
        "resolution_time", "Resolution time", "How satisfied are you with the time to a solution?"
    ),
    Area(
        "comparison",
        "Compared with others",
        "How does our support compare with other vendors' support you use?",
    ),
    Area("overall", "Overall impression", "Overall, how satisfied are you with this case?"),
]

SEMIANNUAL_AREAS = [
    Area("personnel", "Support personnel", "How do you rate the people who support you?"),
    Area("escalation", "Escalating issues", "When you escalated a case, how well was it handled?"),
    Area("documentation", "Documentation", "How useful is our product documentation?"),
    Area("website", "The support website", "How easy is this support site to use?"),
    Area("knowledge_base", "The knowledge base", "How often does the knowledge base answer you?"),
    Area("renewals", "Renewing agreements", "How smooth is renewing your support agreement?"),
    Area("case_handling", "Case handling", "How well are your support cases handled overall?"),
    Area("overall", "Overall impression", "Overall, how satisfied are you with our support?"),
]

SCORES = {1: "Very poor", 2: "Poor", 3: "Acceptable", 4: "Good", 5: "Excellent"}


def areas_for(kind: str) -> list[Area]:
    return CASE_AREAS if kind == "case" else SEMIANNUAL_AREAS
