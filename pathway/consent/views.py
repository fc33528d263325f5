"""Who sees what: the family's page (they give or withdraw consent themselves) and the staff
page (the setting, the SEND team or the family's portage worker records what the family told
them). Both write through pathway.consents.record_consent, so a change reads the same on the
timeline and takes effect on the next request everywhere."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from earlyyears.access import FamilyIdentity, child_for
from earlyyears.models import Role
from earlyyears.roles import CONSENT_RECORDER_ROLES
from pathway.access.families import family_child_for, family_member
from pathway.consents import ConsentError, record_consent

# The family pages' frame (the session check, the language, the page) is families' own: shared
# on purpose rather than copied (see .importlinter).
from pathway.families.views import _render, _signed_out, family_page
from pathway.models import ConsentHow

from . import selectors
from .forms import FamilyChangeForm, StaffChangeForm

# Who records a change on the family's behalf: the setting and the SEND team (as for the
# referral's sharing page), and the family's portage worker while they are on the caseload.
STAFF_RECORDERS = frozenset({*CONSENT_RECORDER_ROLES, Role.PORTAGE_WORKER})


def _done_message(agency: str, given: bool) -> str:
    """What the family reads after a change, in their language."""
    who = selectors.in_a_sentence(agency)
    if given:
        return _("You agreed to share with %(who)s. They can see it from now on.") % {"who": who}
    return _(
        "You withdrew consent for %(who)s. From now on they cannot see anything new. "
        "What they already needed to record stays on their record."
    ) % {"who": who}


@family_page
def family_consent(
    request: HttpRequest, family: FamilyIdentity | None, child_id: int
) -> HttpResponse:
    if family is None:
        return _signed_out(request, status=404)
    child = family_child_for(family, child_id)
    form = FamilyChangeForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            agency = form.cleaned_data["agency"]
            given = form.cleaned_data["decision"] == "give"
            member = family_member(family)
            with transaction.atomic():
                outcome = record_consent(
                    child, agency, given, how=ConsentHow.FAMILY_ONLINE, by_member=member
                )
            if outcome.disagreement and given:
                messages.info(
                    request,
                    _(
                        "Someone else with parental responsibility withdrew consent for "
                        "%(who)s, so it stays withdrawn for now. The SEND team will "
                        "contact you to talk about it."
                    )
                    % {"who": selectors.in_a_sentence(agency)},
                )
            else:
                messages.success(request, _done_message(agency, given))
            return redirect("family-consent", child_id=child.pk)
    return _render(
        request,
        "pathway/consent/family.html",
        {
            "page_title": _("Who can see information about %(name)s") % {"name": child.first_name},
            "child": child,
            "rows": selectors.agency_rows(child),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@login_required
def staff_consent(request: HttpRequest, child_id: int) -> HttpResponse:
    user = request.user
    if user.role not in STAFF_RECORDERS:
        raise PermissionDenied
    child = child_for(user, child_id)
    form = StaffChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                record_consent(
                    child,
                    data["agency"],
                    data["decision"] == "give",
                    how=data["how"],
                    by_staff=user,
                    on_behalf_of=data["on_behalf_of"],
                    note=data["note"],
                )
        except ConsentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Consent recorded. It takes effect straight away.")
            return redirect("child-consent", child_id=child.pk)
    return render(
        request,
        "pathway/consent/staff.html",
        {
            "page_title": f"Consent to share for {child.full_name}",
            "child": child,
            "rows": selectors.agency_rows(child),
            "history": selectors.history(child)[:50],
            "form": form,
        },
        status=400 if form.errors else 200,
    )
