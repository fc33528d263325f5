from django.conf import settings

from .navigation import navigation_for, section_label_for, subnavigation_for
from .security import between_steps


def service(request):
    signing_in = between_steps(request)
    shows_navigation = hasattr(request, "user") and not signing_in
    return {
        "service_name": settings.SERVICE_NAME,
        "authority_name": settings.AUTHORITY_NAME,
        "between_sign_in_steps": signing_in,
        "navigation": navigation_for(request.user, request.path) if shows_navigation else [],
        # The pages of the section this page is in (empty when it has only one for the user).
        "subnavigation": subnavigation_for(request.user, request.path) if shows_navigation else [],
        "section_label": section_label_for(request.user, request.path) if shows_navigation else "",
    }
