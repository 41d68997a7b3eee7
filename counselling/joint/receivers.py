"""Counselling hears the catalogue: when offers are published, the joint measures waiting
for one of them tell everyone who asked (services.joint_measures_tell_published, in a
task). Connected in counselling.apps; offerings imports nothing of counselling."""

from django.dispatch import receiver

from offerings.signals import offers_published


@receiver(offers_published, dispatch_uid="counselling-joint-measures-tell")
def _offers_published(sender, offer_ids, **kwargs) -> None:
    from counselling.joint.tasks import joint_measures_tell_published_task

    joint_measures_tell_published_task.delay(offer_ids=list(offer_ids))
