"""A STOP to any of our texts withdraws the consent to be asked for feedback too: the family
asked for no more texts, so no survey text goes to that number until they agree again on their
own pages or with the setting or SEND team (START gives back text updates only)."""

from __future__ import annotations

from django.dispatch import receiver

from earlyyears.messaging.services import texts_stopped
from pathway.models import ConsentHow, FeedbackConsent

from .services import record_feedback_consent


@receiver(texts_stopped, dispatch_uid="family-survey-stop")
def stop_feedback_texts(sender, number: str, **kwargs) -> None:
    agreed = FeedbackConsent.objects.filter(contact__mobile_phone=number, given=True)
    for consent in agreed.select_related("contact"):
        record_feedback_consent(consent.contact, False, how=ConsentHow.TEXT_REPLY)
