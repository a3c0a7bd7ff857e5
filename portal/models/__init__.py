"""Every model module is imported here so Alembic and the app see the whole schema."""

from portal.models.accounts import (
    Agreement,
    ApiToken,
    ContactKind,
    ContactRole,
    LoginFailure,
    LoginSession,
    Organisation,
    Role,
    User,
)
from portal.models.cases import (
    Attachment,
    Case,
    CaseEvent,
    CaseMessage,
    CaseNumberCounter,
    CaseStatus,
    Channel,
    Deflection,
)
from portal.models.docs import DocPage
from portal.models.forums import Category, Post, PostRevision, Report, Topic, TopicWatch
from portal.models.ideas import (
    Idea,
    IdeaStatus,
    IdeaStatusChange,
    IdeaVote,
    SuggestionTermsAcceptance,
)
from portal.models.jobs import Job, OutgoingMail
from portal.models.kb import Article, ArticleRating, ArticleRevision, ArticleStatus
from portal.models.licenses import LicenseKey, RenewalRequest
from portal.models.mail import CaseNotice, IncomingMail
from portal.models.partners import Partner
from portal.models.products import Product, ProductVersion
from portal.models.releases import Release, ReleaseKind
from portal.models.search import SearchChange
from portal.models.self_help import ArticleFeedback, SearchGapClosure, SearchLog, SearchSource
from portal.models.settings import PolicyRecord
from portal.models.staff import CannedReply, CaseArticleLink, CasePresence, StaffProfile
from portal.models.surveys import SurveyAnswer, SurveyCampaign, SurveyInvitation

__all__ = [
    "Article",
    "ArticleFeedback",
    "ArticleRating",
    "ArticleRevision",
    "ArticleStatus",
    "SearchChange",
    "SearchGapClosure",
    "SearchLog",
    "SearchSource",
    "Agreement",
    "Attachment",
    "Case",
    "CannedReply",
    "CaseArticleLink",
    "CasePresence",
    "CaseEvent",
    "CaseMessage",
    "CaseNotice",
    "CaseNumberCounter",
    "CaseStatus",
    "Channel",
    "Deflection",
    "ApiToken",
    "LoginFailure",
    "LoginSession",
    "ContactKind",
    "ContactRole",
    "Category",
    "DocPage",
    "Idea",
    "IncomingMail",
    "IdeaStatus",
    "IdeaStatusChange",
    "IdeaVote",
    "Post",
    "Product",
    "ProductVersion",
    "PostRevision",
    "Report",
    "SuggestionTermsAcceptance",
    "Topic",
    "TopicWatch",
    "Job",
    "LicenseKey",
    "Organisation",
    "OutgoingMail",
    "Partner",
    "PolicyRecord",
    "Release",
    "ReleaseKind",
    "RenewalRequest",
    "StaffProfile",
    "SurveyAnswer",
    "SurveyCampaign",
    "SurveyInvitation",
    "Role",
    "User",
]
