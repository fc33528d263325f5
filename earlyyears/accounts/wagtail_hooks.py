"""Wagtail's bulk actions on users follow the account rules too: "Assign role" (a group) and
"Set active state" go through `earlyyears.accounts` one account at a time (so each change is
held or saved, and audited) instead of Wagtail's single UPDATE."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from wagtail import hooks

from ..models import User
from . import services


@hooks.register("before_bulk_action")
def account_rules_for_bulk_actions(request, action_type, objects, action):
    if getattr(action, "model", None) is not User or action_type not in (
        "assign_role",
        "set_active_state",
    ):
        return None
    data = action.cleaned_form.cleaned_data
    saved = held = refused = 0
    for user in objects:
        if action_type == "assign_role":
            wanted = {"groups": [*user.groups.values_list("pk", flat=True), data["role"].pk]}
        else:
            wanted = {"is_active": bool(data.get("mark_as_active"))}
        try:
            change = services.submit(request.user, user, wanted)
        except services.AccountRuleBroken:
            refused += 1
            continue
        held += change is not None
        saved += change is None
    messages.success(request, f"Changed {saved} account{'s' if saved != 1 else ''}.")
    if held:
        messages.warning(
            request,
            f"{held} change{'s wait' if held != 1 else ' waits'} for a SEND team manager to "
            "approve: those people can see children's records.",
        )
    if refused:
        messages.error(request, "You cannot change your own role or whether you can sign in.")
    return redirect(action.next_url)
