from django.conf import settings

from .navigation import navigation_for
from .security import between_steps


def service(request):
    signing_in = between_steps(request)
    return {
        "service_name": settings.SERVICE_NAME,
        "authority_name": settings.AUTHORITY_NAME,
        "between_sign_in_steps": signing_in,
        "navigation": navigation_for(request.user, request.path)
        if hasattr(request, "user") and not signing_in
        else [],
    }
