import uuid

from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from earlyyears.models import OutboxMessage


@csrf_exempt
@require_POST
def bare_insert(request):
    """The floor to compare with: one request, one INSERT, no templates, no auth."""
    OutboxMessage.objects.create(
        idempotency_key=uuid.uuid4().hex, channel="email", template="bench", status="sent"
    )
    return HttpResponse("ok")


urlpatterns = [
    path("bench/insert/", bare_insert),
    path("", include("earlyyears.urls")),
]
