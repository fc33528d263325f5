"""Pages for families (issue 21), and the SEND team's family access controls on a child.

A family page never looks at `request.user` to decide access: the family identity comes from
the session, checked against the database on this request (`family_from_request`). A member of
staff signed in in the same browser is refused every family page (404), as a family is refused
every staff page (request.user stays AnonymousUser). Each family page is shown in the family's
language (`translation.override`); staff pages stay English."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from earlyyears.access import FamilyIdentity, child_for, family_contacts_for
from earlyyears.models import FamilyContact, FamilyLink, FamilyMember

from ..access import is_send_team
from ..access.families import (
    FAMILY_LANGUAGE_KEY,
    FAMILY_PENDING_LINK_KEY,
    end_family_session,
    family_children_for,
    family_from_request,
    start_family_session,
)
from ..models import FamilySignInLink
from . import selectors, services
from .forms import SHIPPED_LANGUAGES, BlockForm, CodeForm, PreferencesForm

RTL_LANGUAGES = {"ar", "ur"}
# One line offering an interpreter, in a language the service has no translation for yet.
INTERPRETER_LINES = {
    "ur": "اگر آپ کو ترجمان کی ضرورت ہے تو ہمیں {phone} پر فون کریں۔",
    "ar": "إذا كنت بحاجة إلى مترجم، اتصل بنا على {phone}.",
    "pa": "ਜੇ ਤੁਹਾਨੂੰ ਦੁਭਾਸ਼ੀਏ ਦੀ ਲੋੜ ਹੈ, ਤਾਂ ਸਾਨੂੰ {phone} 'ਤੇ ਫ਼ੋਨ ਕਰੋ।",
    "ro": "Dacă aveți nevoie de un interpret, sunați-ne la {phone}.",
}


def page_language(request: HttpRequest, preferred: str = "") -> tuple[str, str]:
    """(language the page is shown in, the family's own language). A language switch on the
    page wins; then the member's preferred language."""
    chosen = request.session.get(FAMILY_LANGUAGE_KEY) or preferred or "en"
    return (chosen if chosen in SHIPPED_LANGUAGES else "en"), chosen


def family_page(view: Callable) -> Callable:
    """Family pages: no staff session, the family's language, never cached by the browser."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            raise Http404  # staff never see family pages, not even their own family's
        family = family_from_request(request)
        if family is not None:
            request.family = family  # the audit trail records every page they open
        preferred = ""
        if family is not None:
            preferred = (
                FamilyMember.objects.filter(pk=family.member_id)
                .values_list("preferred_language", flat=True)
                .first()
                or ""
            )
        language, own = page_language(request, preferred)
        with translation.override(language):
            request.family_language = (language, own)
            response = view(request, family, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        response["Content-Language"] = language
        return response

    return wrapper


def _render(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    language, own = request.family_language
    phone = services.send_team_phone()
    interpreter = ""
    if own not in SHIPPED_LANGUAGES and own in INTERPRETER_LINES:
        interpreter = INTERPRETER_LINES[own].format(phone=phone)
    context = {
        **context,
        "page_language": language,
        "page_dir": "rtl" if translation.get_language_bidi() else "ltr",
        "interpreter_line": interpreter,
        "interpreter_language": own,
        "interpreter_dir": "rtl" if own in RTL_LANGUAGES else "ltr",
        "send_team_phone": phone,
        "signed_in": getattr(request, "family", None) is not None,
        "languages": [("en", "English"), ("cy", "Cymraeg"), ("pl", "Polski")],
        "next_path": request.get_full_path(),
    }
    return render(request, template, context, status=status)


def _signed_out(request: HttpRequest, status: int = 200) -> HttpResponse:
    return _render(
        request,
        "pathway/families/signed_out.html",
        {
            "page_title": _("You are not signed in"),
            "timed_out": getattr(request, "family_timed_out", False),
        },
        status=status,
    )


# --- Getting in -------------------------------------------------------------------------------

LINK_PROBLEMS = {
    "unknown": lambda: _("This link does not work"),
    "expired": lambda: _("This link has run out"),
    "replaced": lambda: _("We have sent you a newer link"),
    "no_access": lambda: _("You cannot use this link now"),
    "locked": lambda: _("Too many wrong codes"),
}


def _link_problem(request: HttpRequest, problem: str) -> HttpResponse:
    return _render(
        request,
        "pathway/families/link_problem.html",
        {"page_title": LINK_PROBLEMS[problem](), "problem": problem},
        status=404 if problem in ("unknown", "no_access") else 410,
    )


@family_page
def open_link(request: HttpRequest, family: FamilyIdentity | None, token: str) -> HttpResponse:
    """The link from the text: asks to send a code to the mobile it came to."""
    state = services.link_state(token)
    if state.link is not None and FAMILY_LANGUAGE_KEY not in request.session:
        language = state.link.member.preferred_language
        request.session[FAMILY_LANGUAGE_KEY] = language
        translation.activate(language if language in SHIPPED_LANGUAGES else "en")
        request.family_language = page_language(request, language)
    if state.problem:
        return _link_problem(request, state.problem)
    if request.method == "POST":
        code = services.send_code(state.link)
        if code is None:
            return _render(
                request,
                "pathway/families/send_code.html",
                {
                    "page_title": _("Get a code"),
                    "ending": state.link.sent_to[-3:],
                    "too_many": True,
                    "minutes": services.CODE_WINDOW_MINUTES,
                },
                status=429,
            )
        request.session[FAMILY_PENDING_LINK_KEY] = state.link.pk
        return redirect("family-code")
    return _render(
        request,
        "pathway/families/send_code.html",
        {"page_title": _("Get a code"), "ending": state.link.sent_to[-3:]},
    )


CODE_PROBLEMS = {
    "expired": lambda: _("That code has run out. Ask for a new code."),
    "used": lambda: _("That code has already been used. Ask for a new code."),
    "none": lambda: _("Ask for a code first."),
}


@family_page
def enter_code(request: HttpRequest, family: FamilyIdentity | None) -> HttpResponse:
    link_id = request.session.get(FAMILY_PENDING_LINK_KEY)
    link = (
        FamilySignInLink.objects.select_related("member", "contact").filter(pk=link_id).first()
        if link_id
        else None
    )
    if link is None:
        return _signed_out(request, status=404)
    state = services.state_of(link)
    if state.problem:
        request.session.pop(FAMILY_PENDING_LINK_KEY, None)
        return _link_problem(request, state.problem)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = services.check_code(link, form.cleaned_data["code"])
        if result.ok:
            start_family_session(request, link.member)
            request.session[FAMILY_LANGUAGE_KEY] = request.family_language[1]
            return redirect("family-home")
        if result.problem in LINK_PROBLEMS:
            request.session.pop(FAMILY_PENDING_LINK_KEY, None)
            return _link_problem(request, result.problem)
        if result.problem == "wrong":
            form.add_error(
                "code",
                _("That code is not right. Check the text and try again. Tries left: %(count)s.")
                % {"count": result.tries_left},
            )
        else:
            form.add_error("code", CODE_PROBLEMS[result.problem]())
    return _render(
        request,
        "pathway/families/enter_code.html",
        {
            "page_title": _("Enter your code"),
            "form": form,
            "ending": link.sent_to[-3:],
            "token_page": None,
        },
        status=400 if request.method == "POST" else 200,
    )


@family_page
@require_POST
def resend_code(request: HttpRequest, family: FamilyIdentity | None) -> HttpResponse:
    """Send another code for the link being signed in with (the rate limit still applies)."""
    link_id = request.session.get(FAMILY_PENDING_LINK_KEY)
    link = FamilySignInLink.objects.filter(pk=link_id).first() if link_id else None
    if link is None:
        return _signed_out(request, status=404)
    state = services.state_of(link)
    if state.problem:
        request.session.pop(FAMILY_PENDING_LINK_KEY, None)
        return _link_problem(request, state.problem)
    if services.send_code(link) is None:
        return _render(
            request,
            "pathway/families/send_code.html",
            {
                "page_title": _("Get a code"),
                "ending": link.sent_to[-3:],
                "too_many": True,
                "minutes": services.CODE_WINDOW_MINUTES,
            },
            status=429,
        )
    messages.info(request, _("We have sent you a new code."))
    return redirect("family-code")


@family_page
@require_POST
def sign_out(request: HttpRequest, family: FamilyIdentity | None) -> HttpResponse:
    end_family_session(request)
    request.session.pop(FAMILY_LANGUAGE_KEY, None)
    if hasattr(request, "family"):
        del request.family
    return _render(
        request,
        "pathway/families/signed_out.html",
        {"page_title": _("You have signed out"), "signed_out": True},
    )


# --- What they see ----------------------------------------------------------------------------


@family_page
def home(request: HttpRequest, family: FamilyIdentity | None) -> HttpResponse:
    if family is None:
        return _signed_out(request)
    children = list(family_children_for(family).order_by("first_name", "pk"))
    request.audit = {"action": "view"}
    if len(children) == 1:
        return redirect("family-child", child_id=children[0].pk)
    return _render(
        request,
        "pathway/families/home.html",
        {"page_title": _("Your children"), "children": children},
    )


@family_page
def child(request: HttpRequest, family: FamilyIdentity | None, child_id: int) -> HttpResponse:
    if family is None:
        return _signed_out(request, status=404)
    status = selectors.child_status(family, child_id)
    services.record_view(family.member_id, status.child)
    several = family_children_for(family).count() > 1
    return _render(
        request,
        "pathway/families/child.html",
        {
            "page_title": _("Where things stand for %(name)s") % {"name": status.child.first_name},
            "status": status,
            "several_children": several,
        },
    )


@family_page
def preferences(request: HttpRequest, family: FamilyIdentity | None) -> HttpResponse:
    if family is None:
        return _signed_out(request, status=404)
    member = selectors.member_for(family)
    form = PreferencesForm.for_member(request.POST or None, member)
    if request.method == "POST" and form.is_valid():
        services.set_preferences(
            member.pk,
            fewer_texts=form.cleaned_data["texts"] == "fewer",
            language=form.cleaned_data["language"],
        )
        request.session[FAMILY_LANGUAGE_KEY] = form.cleaned_data["language"]
        return redirect("family-home")
    return _render(
        request,
        "pathway/families/preferences.html",
        {"page_title": _("Your texts and language"), "form": form},
        status=400 if request.method == "POST" else 200,
    )


@family_page
@require_POST
def switch_language(request: HttpRequest, family: FamilyIdentity | None) -> HttpResponse:
    """The language links on every family page (a form: no JavaScript needed)."""
    language = request.POST.get("language", "")
    if language in SHIPPED_LANGUAGES:
        request.session[FAMILY_LANGUAGE_KEY] = language
    next_path = request.POST.get("next", "")
    if not next_path.startswith("/family/"):
        next_path = reverse("family-home")
    return redirect(next_path)


@family_page
def privacy(request: HttpRequest, family: FamilyIdentity | None) -> HttpResponse:
    return _render(
        request, "pathway/families/privacy.html", {"page_title": _("Privacy notice for families")}
    )


# --- The SEND team's controls on a child ------------------------------------------------------


@login_required
def family_access(request: HttpRequest, child_id: int) -> HttpResponse:
    """Who in the family may follow this child online, when they last looked; give access to a
    confirmed contact, send a new link (a lost phone), end a link, block or unblock."""
    if not is_send_team(request.user):
        raise PermissionDenied
    child = child_for(request.user, child_id)
    block_form = BlockForm(request.POST if request.POST.get("action") == "block" else None)
    if request.method == "POST":
        done = _staff_action(request, child, block_form)
        if done:
            return redirect("family-access", child_id=child.pk)
    contacts = list(family_contacts_for(request.user, child))
    links = list(
        FamilyLink.objects.filter(child=child)
        .select_related("member", "contact", "confirmed_by", "ended_by")
        .order_by("ended_at", "confirmed_at")
    )
    linked_contacts = {link.contact_id for link in links if link.ended_at is None}
    return render(
        request,
        "pathway/families/family_access.html",
        {
            "page_title": f"Family access for {child.full_name}",
            "child": child,
            "links": links,
            "access_block": child.family_blocks.filter(lifted_at__isnull=True).first(),
            "block_form": block_form,
            "contacts": [
                {
                    "contact": contact,
                    "problem": services.why_not_linkable(contact),
                    "linked": contact.pk in linked_contacts,
                    "members": _members_with_number(contact),
                }
                for contact in contacts
            ],
        },
        status=400 if block_form.is_bound and not block_form.is_valid() else 200,
    )


def _members_with_number(contact: FamilyContact) -> list[FamilyMember]:
    """Family members who already follow another child from the same confirmed mobile: offered
    to the SEND team to choose, never joined by themselves."""
    if not contact.mobile_phone:
        return []
    return list(
        FamilyMember.objects.filter(mobile_phone=contact.mobile_phone, links__ended_at__isnull=True)
        .exclude(links__child=contact.child, links__ended_at__isnull=True)
        .distinct()
    )


def _staff_action(request: HttpRequest, child, block_form: BlockForm) -> bool:
    action = request.POST.get("action", "")
    user = request.user
    try:
        if action == "link":
            contact = get_object_or_404(
                family_contacts_for(user, child), pk=request.POST.get("contact_id") or 0
            )
            member = None
            if request.POST.get("member_id"):
                member = get_object_or_404(
                    FamilyMember.objects.filter(mobile_phone=contact.mobile_phone),
                    pk=request.POST["member_id"],
                )
            link = services.link_contact(contact, by=user, member=member)
            services.send_sign_in_link(link, by=user)
            messages.success(
                request,
                f"{contact.name} can now follow {child.first_name}'s referral. "
                "We have texted them a link.",
            )
            return True
        if action in ("send", "end"):
            link = get_object_or_404(
                FamilyLink.objects.filter(child=child, ended_at__isnull=True),
                pk=request.POST.get("link_id") or 0,
            )
            if action == "send":
                services.send_sign_in_link(link, by=user)
                messages.success(
                    request,
                    f"We have texted {link.member.name} a new link. "
                    "Any older link no longer works.",
                )
            else:
                services.end_link(link, by=user, reason=request.POST.get("reason", ""))
                messages.success(
                    request,
                    f"{link.member.name} can no longer see {child.first_name}'s referral online.",
                )
            return True
        if action == "block":
            if not block_form.is_valid():
                return False
            services.block_family_access(child, by=user, reason=block_form.cleaned_data["reason"])
            messages.success(
                request,
                "Family access is blocked. "
                "Nobody in the family can see this child's referral online.",
            )
            return True
        if action == "lift":
            services.lift_block(child, by=user)
            messages.success(request, "Family access is no longer blocked.")
            return True
    except services.FamilyError as error:
        messages.error(request, str(error))
        return True
    raise Http404
