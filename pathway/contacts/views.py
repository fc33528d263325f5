"""Checking a family's contact details, and the SEND team's safeguarding flags."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from earlyyears.access import child_for, family_contacts_for
from earlyyears.safeguarding import address_withheld_from

from ..access import is_send_team
from . import selectors, services
from .forms import CheckContactForm, ChildFlagsForm, ContactFlagsForm


@login_required
def check_contact(request: HttpRequest, child_id: int, contact_id: int) -> HttpResponse:
    child = child_for(request.user, child_id)
    if not selectors.can_check_contacts(request.user, child):
        raise PermissionDenied
    contact = selectors.contact_to_check(request.user, child, contact_id)
    form = CheckContactForm(
        request.POST or None,
        contact=contact,
        withhold_addresses=address_withheld_from(request.user, child, contact),
    )
    if request.method == "POST" and form.is_valid():
        person, details = form.answers()
        services.check_contact(contact, request.user, services.CheckAnswer(person, details))
        messages.success(request, f"Your answers about {contact.name} are saved.")
        return redirect("child-detail", child_id=child.pk)
    return render(
        request,
        "pathway/contacts/check_contact.html",
        {
            "page_title": f"Check {contact.name}'s details",
            "child": child,
            "contact": contact,
            "form": form,
        },
    )


@login_required
def safeguarding(request: HttpRequest, child_id: int) -> HttpResponse:
    if not is_send_team(request.user):
        raise PermissionDenied
    child = child_for(request.user, child_id)
    contacts = list(family_contacts_for(request.user, child))
    data = request.POST or None
    child_form = ChildFlagsForm(data, child=child)
    contact_forms = [ContactFlagsForm(data, contact=contact) for contact in contacts]
    if request.method == "POST" and all(form.is_valid() for form in [child_form, *contact_forms]):
        with transaction.atomic():
            note = child_form.cleaned_data.pop("safeguarding_note")
            services.set_child_flags(child, request.user, child_form.cleaned_data, note)
            for form in contact_forms:
                services.set_contact_flags(form.contact, request.user, form.cleaned_data)
        messages.success(request, "Safeguarding flags saved.")
        return redirect("child-detail", child_id=child.pk)
    return render(
        request,
        "pathway/contacts/safeguarding.html",
        {
            "page_title": f"Safeguarding flags for {child.full_name}",
            "child": child,
            "child_form": child_form,
            "contact_forms": contact_forms,
        },
    )
