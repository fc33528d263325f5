"""Reads of the messages the service sent: through the access layer's `messages_for`.

A message is shown as sent: its words in the language used, to whom (a name and a masked
number or address, never the whole of either), and whether it was delivered. Never its
template's code."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.paginator import Page, Paginator

from ..access import children_for, messages_for
from ..models import FamilyContact, MessageTemplate, OutboxMessage

LANGUAGES = dict(FamilyContact.Language.choices)
NOT_SENT = {
    OutboxMessage.Status.PENDING,
    OutboxMessage.Status.SENDING,
    OutboxMessage.Status.HELD,
    OutboxMessage.Status.SUPPRESSED,
}


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def mask_phone(number: str) -> str:
    """'mobile ending 123': enough to tell two numbers apart, not enough to ring."""
    digits = "".join(ch for ch in number or "" if ch.isdigit())
    return f"mobile ending {digits[-3:]}" if len(digits) >= 3 else ""


def mask_email(address: str) -> str:
    """'s…@example.org'."""
    if "@" not in (address or ""):
        return ""
    local, domain = address.split("@", 1)
    return f"{local[:1]}…@{domain}"


@dataclass
class SentMessage:
    """One row of the message log."""

    message: OutboxMessage
    text: str
    text_note: str  # why the words may not be exactly those sent, when they may not
    language: str
    language_code: str
    recipient: str
    address: str

    @property
    def pk(self) -> int:
        return self.message.pk


def _recipient(message: OutboxMessage) -> tuple[str, str]:
    if message.to_contact_id:
        contact = message.to_contact
        who = f"{contact.name} ({contact.get_relationship_display().lower()})"
    elif message.to_user_id:
        user = message.to_user
        who = user.get_full_name() or user.username
    else:
        who = ""
    if message.channel == OutboxMessage.Channel.SMS:
        address = mask_phone(message.to_phone)
    else:
        address = mask_email(message.to_email)
    return who or address or "Nobody", address if who else ""


# Messages whose words let whoever reads them in (a family's sign-in link and one-time code):
# the log and the subject access record say what was sent, never the words.
SECRET_WORDS: dict[str, str] = {
    "family_sign_in_link": "A sign-in link for the family (not shown: it lets whoever has it in)",
    "family_sign_in_code": "A one-time sign-in code for the family (not shown)",
    "family_survey_invitation": (
        "An invitation to a short anonymous survey (the link is not shown: whoever has it "
        "could answer in the family's place)"
    ),
}


def as_sent(messages: Iterable[OutboxMessage]) -> list[SentMessage]:
    """Rows for the log, with one query for the wording of messages kept before the text was
    (or not yet sent), however many rows."""
    messages = list(messages)
    wanting = {m.template for m in messages if not m.body}
    bodies = (
        {
            (key, language): body
            for key, language, body in MessageTemplate.objects.filter(key__in=wanting).values_list(
                "key", "language", "body"
            )
        }
        if wanting
        else {}
    )
    rows = []
    for message in messages:
        language = message.language
        if message.template in SECRET_WORDS:
            text, note = SECRET_WORDS[message.template], ""
        elif message.body:
            text, note = message.body, ""
        else:
            body = bodies.get((message.template, language))
            if body is None:
                language = "en"
                body = bodies.get((message.template, "en"), "")
            text = body.format_map(_Blank(message.context or {}))
            note = (
                "Not sent: the words it would have had"
                if message.status in NOT_SENT
                else "Sent before the service kept the words sent: the words as they read now"
            )
        who, address = _recipient(message)
        rows.append(
            SentMessage(
                message=message,
                text=text,
                text_note=note,
                language=LANGUAGES.get(language, language).split(" (")[0],
                language_code=language,
                recipient=who,
                address=address,
            )
        )
    return rows


def message_page(user, status: str = "", page_number: str | int = 1, per_page: int = 50) -> Page:
    messages = messages_for(user).select_related("child", "to_user", "to_contact")
    if status in OutboxMessage.Status.values:
        messages = messages.filter(status=status)
    page = Paginator(messages.order_by("-created_at", "-pk"), per_page).get_page(page_number)
    page.object_list = as_sent(page.object_list)
    return page


def messages_about(user, child) -> list[SentMessage]:
    """Messages about one child, for the SEND team's case view."""
    return as_sent(
        messages_for(user)
        .filter(child__in=children_for(user).filter(pk=child.pk))
        .select_related("to_user", "to_contact")
        .order_by("-created_at")[:50]
    )
