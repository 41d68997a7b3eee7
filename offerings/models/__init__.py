"""The course catalogue's models, by sub-domain; imported from here as `offerings.models`."""

from offerings.models.alerts import (
    AlertFrequency,
    CourseAlert,
)
from offerings.models.backoffice import (
    IMPORTS_DIRECTORY,
    ImportFormat,
    ImportJob,
    ImportStatus,
    OfferApproval,
    OfferChange,
)
from offerings.models.offers import (
    EASY_LANGUAGE_SUMMARY_MAX,
    ONGOING_KINDS,
    REVIEW_INTERVAL_DAYS,
    CertificateKind,
    Language,
    Level,
    Offer,
    OfferDate,
    OfferQuerySet,
    OfferStatus,
    Schedule,
    StartKind,
    TimeOfDay,
    review_cutoff,
    review_deadline,
)
from offerings.models.places import (
    Municipality,
    Postcode,
    Venue,
)
from offerings.models.searchlog import (
    SearchDay,
    SearchTerm,
)
from offerings.models.synonyms import (
    SynonymGroup,
    SynonymKind,
)
from offerings.models.taxonomy import (
    OPEN_FROM_ANYWHERE,
    CourseMode,
    DeliveryForm,
    FundingProgramme,
    TargetGroup,
    Term,
    Topic,
)

__all__ = [
    "EASY_LANGUAGE_SUMMARY_MAX",
    "IMPORTS_DIRECTORY",
    "ONGOING_KINDS",
    "OPEN_FROM_ANYWHERE",
    "REVIEW_INTERVAL_DAYS",
    "AlertFrequency",
    "CertificateKind",
    "CourseAlert",
    "CourseMode",
    "DeliveryForm",
    "FundingProgramme",
    "ImportFormat",
    "ImportJob",
    "ImportStatus",
    "Language",
    "Level",
    "Municipality",
    "Offer",
    "OfferApproval",
    "OfferChange",
    "OfferDate",
    "OfferQuerySet",
    "OfferStatus",
    "Postcode",
    "Schedule",
    "SearchDay",
    "SearchTerm",
    "StartKind",
    "SynonymGroup",
    "SynonymKind",
    "TargetGroup",
    "Term",
    "TimeOfDay",
    "Topic",
    "Venue",
    "review_cutoff",
    "review_deadline",
]
