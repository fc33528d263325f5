"""Twilio's calls to us: delivery status callbacks and inbound replies (STOP, START, HELP).

Every request must carry a valid X-Twilio-Signature for the exact public URL Twilio called
(TWILIO_WEBHOOK_BASE_URL + path, so proxies and https termination cannot break it); anything
unsigned or forged gets 403 and changes nothing."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from ..access import messages_for
from ..models import OutboxMessage, Role
from .selectors import message_page
from .services import (
    HELP_REQUEST,
    help_reply,
    record_opt_out_keyword,
    record_provider_status,
    retry_message,
    retry_refusal,
)


def public_url(request: HttpRequest) -> str:
    base = settings.TWILIO_WEBHOOK_BASE_URL
    return f"{base.rstrip('/')}{request.get_full_path()}" if base else request.build_absolute_uri()


def signed_by_twilio(request: HttpRequest) -> bool:
    signature = request.headers.get("X-Twilio-Signature", "")
    if not settings.TWILIO_AUTH_TOKEN or not signature:
        return False
    validator = RequestValidator(settings.TWILIO_AUTH_TOKEN)
    return validator.validate(public_url(request), request.POST.dict(), signature)


@csrf_exempt
@require_POST
def twilio_status(request: HttpRequest) -> HttpResponse:
    if not signed_by_twilio(request):
        return HttpResponseForbidden("Invalid signature")
    record_provider_status(
        request.POST.get("MessageSid", ""),
        request.POST.get("MessageStatus", ""),
        request.POST.get("ErrorCode", ""),
    )
    return HttpResponse(status=204)


@csrf_exempt
@require_POST
def twilio_inbound(request: HttpRequest) -> HttpResponse:
    if not signed_by_twilio(request):
        return HttpResponseForbidden("Invalid signature")
    keyword = record_opt_out_keyword(
        request.POST.get("From", ""),
        request.POST.get("Body", ""),
        request.POST.get("OptOutType", ""),
    )
    reply = MessagingResponse()
    # With OptOutType set, Twilio has already answered the keyword itself: answer only once.
    if keyword == HELP_REQUEST and not request.POST.get("OptOutType"):
        reply.message(help_reply())
    return HttpResponse(str(reply), content_type="text/xml")


@login_required
def message_log(request: HttpRequest) -> HttpResponse:
    """Every message the service has sent or tried to send, for the SEND team."""
    if not request.user.is_send_team:
        raise PermissionDenied
    status = request.GET.get("status", "")
    page = message_page(request.user, status, request.GET.get("page", 1))
    return render(
        request,
        "earlyyears/message_log.html",
        {
            "page_title": "Messages",
            "page": page,
            "status": status,
            "statuses": OutboxMessage.Status.choices,
            "can_retry": request.user.role == Role.SEND_MANAGER,
        },
    )


@login_required
@require_POST
def retry(request: HttpRequest, message_id: int) -> HttpResponse:
    if request.user.role != Role.SEND_MANAGER:
        raise PermissionDenied
    message = get_object_or_404(messages_for(request.user), pk=message_id)
    refusal = retry_refusal(message)
    if refusal:
        messages.error(request, refusal)
    elif retry_message(message):
        messages.success(request, "The message will be sent again.")
    else:
        messages.error(request, "The message could not be sent again: try later.")
    return redirect(
        request.POST.get("next")
        if url_has_allowed_host_and_scheme(
            request.POST.get("next"), allowed_hosts={request.get_host()}
        )
        else "message-log"
    )
