from django.conf import settings

from .navigation import navigation_for


def service(request):
    return {
        "service_name": settings.SERVICE_NAME,
        "authority_name": settings.AUTHORITY_NAME,
        "navigation": navigation_for(request.user, request.path)
        if hasattr(request, "user")
        else [],
    }
