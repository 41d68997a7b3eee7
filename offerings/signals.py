"""Keep the in-memory catalogue index (offerings.index) current.

Every write that can change what the catalogue shows tells the index, wherever it comes
from: the admin, a service, an import. Bulk writes, which send no signals, go through
`offerings.search.offer_search_refresh`, which does the same.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal, receiver

from network.models import Institution
from offerings.index import catalogue_index_invalidate
from offerings.models import (
    DeliveryForm,
    FundingProgramme,
    Offer,
    OfferDate,
    SynonymGroup,
    TargetGroup,
    Topic,
    Venue,
)

# Sent after the commit that published offers (offerings.services), with `offer_ids`. Apps
# above the catalogue that wait for a course (counselling's joint measures) listen to it;
# the catalogue knows nothing of them. It fires on every publication, also a second one
# after archiving: a receiver must be idempotent.
offers_published = Signal()

# SynonymGroup: the thesaurus changes what a text finds, and the index keeps text results.
WATCHED = (
    *(Offer, OfferDate, Venue, Institution, DeliveryForm, FundingProgramme, TargetGroup, Topic),
    SynonymGroup,
)


def _changed(sender, **kwargs) -> None:
    if kwargs.get("raw"):  # loading fixtures
        return
    catalogue_index_invalidate()


for model in WATCHED:
    post_save.connect(_changed, sender=model, dispatch_uid=f"catalogue-index-save-{model.__name__}")
    post_delete.connect(
        _changed, sender=model, dispatch_uid=f"catalogue-index-delete-{model.__name__}"
    )


@receiver(m2m_changed, sender=Offer.topics.through)
@receiver(m2m_changed, sender=Offer.target_groups.through)
@receiver(m2m_changed, sender=Offer.funding_programmes.through)
def _terms_changed(sender, action: str, **kwargs) -> None:
    if action.startswith("post_"):
        catalogue_index_invalidate()
