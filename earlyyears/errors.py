"""GOV.UK-styled error pages that never leak what was asked for."""

from django.conf import settings
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader


def permission_denied(request, exception=None):
    return render(request, "403.html", {"page_title": "You do not have access"}, status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", {"page_title": "Page not found"}, status=404)


def server_error(request):
    # Rendered without the request: the database (behind the user and navigation) may be down.
    body = loader.get_template("500.html").render(
        {
            "page_title": "Sorry, there is a problem with the service",
            "service_name": settings.SERVICE_NAME,
            "authority_name": settings.AUTHORITY_NAME,
        }
    )
    return HttpResponseServerError(body)
