"""The outbox is `earlyyears.messaging.services`. This name stays only while earlyyears/views.py
(the message log's retry) imports it from here; import from there instead."""

from .messaging.services import retry_message

__all__ = ["retry_message"]
