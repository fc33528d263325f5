"""Writes of the referral pathway. Each runs in one transaction: a submitted referral, its
events and its outbox messages are saved together or not at all."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from earlyyears import uploads
from earlyyears.messaging.services import queue_message, remind_staff
from earlyyears.models import (
    CaseloadMembership,
    Child,
    FamilyContact,
    Role,
    Setting,
    SettingMembership,
    User,
)

from .after_response import refresh_planning_after_submission
from .clocks import clocks_for, most_urgent
from .consents import record_referral_consent
from .contacts.services import SuppliedContact, record_supplied_contact
from .identity.services import child_for_submission, flag_possible_matches, new_child_reference
from .models import (
    ConcernDraft,
    Observation,
    Referral,
    ReferralClock,
    ReferralEvent,
    RoutingRule,
    RoutingRuleSet,
)
from .routes import set_routes
from .routing import RoutingDecision, derive_facts, evaluate, family_next_steps
from .rules import published_rule_set, published_rules, rules_of  # noqa: F401 - imported from here too
from .timeline import event, record_events


def start_draft(user: User, *, setting: Setting | None, child: Child | None = None) -> ConcernDraft:
    now = timezone.now()
    mode = (
        ConcernDraft.Mode.WITH_FAMILY
        if user.role == Role.PORTAGE_WORKER
        else ConcernDraft.Mode.PRACTITIONER
    )
    return ConcernDraft.objects.create(
        owner=user,
        setting=setting,
        child=child,
        child_name=child.full_name if child else "",
        mode=mode,
        expires_at=now + datetime.timedelta(days=settings.CONCERN_DRAFT_DAYS),
    )


def _without_nul(value: Any) -> Any:
    """PostgreSQL cannot store a NUL character in JSON or text; a draft keeps raw posted answers
    (valid or not), so they are removed here. Forms refuse them in anything that is sent."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_without_nul(item) for item in value]
    if isinstance(value, dict):
        return {_without_nul(key): _without_nul(item) for key, item in value.items()}
    return value


def save_draft_progress(draft: ConcernDraft, data: dict[str, Any]) -> None:
    """Keep the wizard's answers; each save pushes the expiry date back."""
    now = timezone.now()
    data = _without_nul(data)
    draft.data = data
    draft.current_step = data.get("step") or ""
    draft.updated_at = now
    draft.expires_at = now + datetime.timedelta(days=settings.CONCERN_DRAFT_DAYS)
    ConcernDraft.objects.filter(pk=draft.pk, submitted_at__isnull=True).update(
        data=draft.data,
        current_step=draft.current_step,
        updated_at=now,
        expires_at=draft.expires_at,
        child_name=draft.child_name,
        child=draft.child,
    )


def record_observation(user: User, child: Child, data: dict[str, Any]) -> Observation:
    upload = data.get("attachment")
    observation = Observation(
        child=child,
        setting=child.setting,
        eyfs_area=data["eyfs_area"],
        observed_on=data["observed_on"],
        what_was_seen=data["what_was_seen"],
        strengths=data.get("strengths", ""),
        observer=user,
    )
    if upload:
        file_type = uploads.check_upload(upload, max_bytes=settings.UPLOAD_MAX_BYTES)
        observation.attachment_name = uploads.download_name(upload.name, file_type)
        observation.attachment.save(uploads.stored_name(file_type), upload, save=False)
    observation.save()
    return observation


@transaction.atomic(savepoint=False)
def create_referral(
    *,
    child: Child,
    source: str,
    submitted_by: User,
    answers: dict[str, Any],
    setting: Setting | None = None,
    draft: ConcernDraft | None = None,
    consent: dict[str, Any] | None = None,
    contact: FamilyContact | None = None,
    submitted_at: datetime.datetime | None = None,
    notify: bool = True,
) -> Referral:
    """Route and save a referral from any way in: all of it or none (inside a caller's
    transaction it adds no savepoint, so a submission's statements stay as they are).

    `submitted_at` and `notify=False` are for back-filling records received before the service
    existed: nobody should be texted about those."""
    rule_set, rules = published_rules()
    now = submitted_at or timezone.now()
    facts = derive_facts(answers, child.age_in_months(now.date()), source)
    decision = evaluate(facts, rules)
    consent = consent or {}
    referral = Referral(
        child=child,
        setting=setting,
        area_id=child.area_id,
        source=source,
        submitted_by=submitted_by,
        submitted_at=now,
        draft=draft,
        answers=answers,
        facts=facts,
        routes=decision.routes,
        routing_reasons=decision.reasons,
        rule_set=rule_set,
        broad_areas_of_need=facts["broad_areas_of_need"],
        ehc_assessment_requested=facts["ehc_assessment_requested"],
        consent_given_by=consent.get("consent_given_by", ""),
        consent_given_on=consent.get("consent_given_on"),
        share_with=consent.get("share_with", []),
        sms_consent=bool(consent.get("sms_consent")),
        completed_with_family=bool(consent.get("completed_with_family")),
    )
    # The clocks are worked out before the referral is saved, so it is saved with its most
    # urgent due date rather than updated with it afterwards.
    clocks = clocks_for(
        referral,
        timezone.localdate(now),
        ehc_assessment_requested=referral.ehc_assessment_requested,
    )
    referral.next_due_on, referral.next_due_soon_from = most_urgent(clocks)
    referral.save(force_insert=True)
    referral.reference = f"EY{now:%y}-{referral.pk:06d}"
    referral.save(update_fields=["reference"])
    set_routes(referral, decision.routes, by_rules=True, new=True, at=referral.submitted_at)
    # The form's share list is consent to share, kept in one place (pathway.consents).
    record_referral_consent(
        child, referral.share_with, by=submitted_by, given_by=referral.consent_given_by, at=now
    )
    ReferralClock.objects.bulk_create(clocks)
    _record_arrival(referral, decision, rule_set.version)
    if notify:
        refresh_planning_after_submission(referral.pk)
        _acknowledge(referral, contact)
    return referral


def _record_arrival(referral: Referral, decision: RoutingDecision, rule_set_version: int) -> None:
    """The timeline starts with who sent the referral and where the rules routed it, and why."""
    record_events(
        [
            event(
                referral,
                ReferralEvent.Kind.SUBMITTED,
                referral.submitted_by,
                f"{Referral.Source(referral.source).label} submitted",
                at=referral.submitted_at,
            ),
            event(
                referral,
                ReferralEvent.Kind.ROUTED,
                None,
                "Routed to " + ", ".join(referral.route_labels),
                at=referral.submitted_at,
                rule_set_version=rule_set_version,
                reasons=decision.reasons,
            ),
        ]
    )


def _acknowledge(referral: Referral, contact: FamilyContact | None) -> None:
    """Tell the family (by text, when a contact may be texted) and the sender (by email) that
    the referral arrived, with its reference."""
    context = {
        "authority": settings.AUTHORITY_NAME,
        "reference": referral.reference,
        "setting": referral.setting.name if referral.setting else "A professional",
        # What happens next, in the family's words; never why (a text carries no health
        # details). English only: the Welsh and Polish texts do not use it.
        "next_steps": family_next_steps(referral.routes),
    }
    if contact is not None:
        queue_message(
            key=f"referral:{referral.pk}:family:{contact.pk}",
            template="concern_received_family",
            context=context,
            contact=contact,
            child=referral.child,
            language=contact.preferred_language,
        )
    if referral.submitted_by.email:
        queue_message(
            key=f"referral:{referral.pk}:submitter",
            template="concern_submitted_staff",
            context=context,
            channel="email",
            user=referral.submitted_by,
            child=referral.child,
        )


def _supplied_contact(family: dict[str, Any]) -> SuppliedContact:
    return SuppliedContact(
        name=family["consent_given_by"],
        relationship=family.get("relationship") or FamilyContact.Relationship.PARENT,
        mobile_phone=family.get("mobile_phone", ""),
        preferred_language=family.get("preferred_language", ""),
        sms_consent=bool(family.get("sms_consent")),
    )


def _chosen(child: Child, family: dict[str, Any]) -> dict[str, Any]:
    """The family answers with the chosen existing contact's own name and relationship, so the
    contact rules find that contact rather than adding one. A contact that is not the child's,
    or was rejected since, is not used: the answers stand as typed."""
    contact_id = family.get("contact_id")
    if not contact_id:
        return family
    contact = (
        child.family_contacts.exclude(confirmation=FamilyContact.Confirmation.REJECTED)
        .filter(pk=contact_id)
        .first()
    )
    if contact is None:
        return family
    return {**family, "consent_given_by": contact.name, "relationship": contact.relationship}


def submit_concern(
    draft: ConcernDraft, user: User, *, child_answer: dict[str, Any], answers: dict[str, Any]
) -> Referral:
    """Submit a draft once: a second submission (double click, two tabs) returns the first."""
    with transaction.atomic():
        # The setting (and its area, for a child the setting adds) in the same read; only the
        # draft's row is locked.
        locked = (
            ConcernDraft.objects.select_for_update(of=("self",))
            .select_related("setting__area")
            .get(pk=draft.pk)
        )
        if locked.submitted_at is not None:
            return Referral.objects.get(draft=locked)
        child = child_answer.get("child")
        if child is None:
            # A child the setting adds is the setting's own record; if it resembles a record
            # elsewhere, the SEND team checks the pair (the setting is told nothing).
            child = Child.objects.create(
                reference=new_child_reference(),
                first_name=child_answer["first_name"].strip(),
                last_name=child_answer["last_name"].strip(),
                date_of_birth=child_answer["date_of_birth"],
                postcode=child_answer["postcode"],
                area=locked.setting.area,
                setting=locked.setting,
            )
            flag_possible_matches(child)
        family = answers["family"]
        contact = record_supplied_contact(
            child, _supplied_contact(_chosen(child, family)), user=user
        )
        referral = create_referral(
            child=child,
            source=Referral.Source.SETTING_CONCERN,
            submitted_by=user,
            answers=answers,
            setting=locked.setting or child.setting,
            draft=locked,
            consent=family,
            contact=contact,
        )
        locked.submitted_at = timezone.now()
        locked.child = child
        locked.child_name = child.full_name
        locked.save(update_fields=["submitted_at", "child", "child_name"])
        return referral


def submit_health_notification(user: User, data: dict[str, Any]) -> Referral:
    """A section 23 notification. The professional reaches an existing child only if they can
    already see it; otherwise the notification makes its own record (see identity)."""
    with transaction.atomic():
        child, existing = child_for_submission(user, data, area=data["area"])
        family = {
            "consent_given_by": data["parent_name"],
            "mobile_phone": data.get("parent_mobile", ""),
            "sms_consent": data.get("sms_consent") == "yes",
            "share_with": ["send_team", "health"],
        }
        contact = record_supplied_contact(child, _supplied_contact(family), user=user)
        answers = {
            "broad_areas_of_need": data["broad_areas_of_need"],
            "health_family": {
                "diagnoses": data["diagnoses"],
                "ehc_assessment_requested": data["ehc_assessment_requested"] == "yes",
            },
            "notifier": {"name": user.get_full_name(), "job_title": user.job_title},
        }
        return create_referral(
            child=child,
            source=Referral.Source.HEALTH_NOTIFICATION,
            submitted_by=user,
            answers=answers,
            # The existing child's setting is not the notifier's business, and not shown to them.
            setting=child.setting if existing else None,
            consent=family,
            contact=contact,
        )


def submit_parent_request(user: User, data: dict[str, Any]) -> Referral:
    with transaction.atomic():
        child = data["child"]
        family = {
            "consent_given_by": data["consent_given_by"],
            "consent_given_on": data["consent_given_on"],
            "share_with": data["share_with"],
            "completed_with_family": True,
        }
        contact = (
            child.family_contacts.exclude(confirmation=FamilyContact.Confirmation.REJECTED)
            .filter(name__iexact=data["consent_given_by"])
            .first()
        )
        answers = {
            "broad_areas_of_need": data["broad_areas_of_need"],
            "family": {"family_views": data["family_views"]},
            "health_family": {
                "family_circumstances": data["family_circumstances"] == "yes",
                "ehc_assessment_requested": data["ehc_assessment_requested"] == "yes",
            },
        }
        return create_referral(
            child=child,
            source=Referral.Source.PARENT_REQUEST,
            submitted_by=user,
            answers=answers,
            setting=child.setting,
            consent=family,
            contact=contact,
        )


def copy_rule_set(rule_set: RoutingRuleSet, user: User) -> RoutingRuleSet:
    """A new draft version to edit; published versions never change."""
    with transaction.atomic():
        latest = RoutingRuleSet.objects.select_for_update().order_by("-version").first()
        draft = RoutingRuleSet.objects.create(
            version=(latest.version if latest else 0) + 1,
            notes=f"Copied from version {rule_set.version}",
            created_by=user,
        )
        RoutingRule.objects.bulk_create(
            RoutingRule(
                rule_set=draft,
                position=rule.position,
                name=rule.name,
                route=rule.route,
                conditions=rule.conditions,
                fallback=rule.fallback,
            )
            for rule in rule_set.rules.all()
        )
        return draft


def publish_rule_set(rule_set: RoutingRuleSet, user: User) -> RoutingRuleSet:
    """Publish a draft, retiring the current version. Refuses rules that do not parse, and a set
    without a catch-all, which would leave some referrals with no route."""
    if rule_set.status != RoutingRuleSet.Status.DRAFT:
        raise ValueError(f"version {rule_set.version} is not a draft")
    specs = rules_of(rule_set)
    if not any(spec.fallback and not spec.conditions for spec in specs):
        raise ValueError(
            "it needs a last fallback rule with no conditions, so that every referral gets a route"
        )
    with transaction.atomic():
        RoutingRuleSet.objects.filter(status=RoutingRuleSet.Status.PUBLISHED).update(
            status=RoutingRuleSet.Status.RETIRED
        )
        rule_set.status = RoutingRuleSet.Status.PUBLISHED
        rule_set.published_at = timezone.now()
        rule_set.published_by = user
        rule_set.save(update_fields=["status", "published_at", "published_by"])
        return rule_set


def purge_expired_drafts() -> int:
    deleted, _ = ConcernDraft.objects.filter(
        submitted_at__isnull=True, expires_at__lte=timezone.now()
    ).delete()
    return deleted


def remind_drafts_expiring(within_days: int = 3) -> int:
    """One reminder per draft per expiry date, by the owner's chosen channel(s); none to
    someone who left the draft's setting or no longer has the child on their caseload."""
    now = timezone.now()
    at_setting = SettingMembership.objects.filter(
        setting=OuterRef("setting"), user=OuterRef("owner")
    )
    on_caseload = CaseloadMembership.objects.filter(
        child=OuterRef("child"), portage_worker=OuterRef("owner")
    )
    drafts = (
        ConcernDraft.objects.filter(
            submitted_at__isnull=True,
            expires_at__gt=now,
            expires_at__lte=now + datetime.timedelta(days=within_days),
        )
        .filter(Q(setting__isnull=True) | Exists(at_setting))
        .filter(Q(child__isnull=True) | ~Q(owner__role=Role.PORTAGE_WORKER) | Exists(on_caseload))
        .select_related("owner")
    )
    queued = 0
    for draft in drafts:
        due = timezone.localtime(draft.expires_at).date()
        with transaction.atomic():
            queued += remind_staff(
                draft.owner,
                key=f"draft-expiry:{draft.pk}:{due.isoformat()}",
                template="draft_expiring_staff",
                context={"authority": settings.AUTHORITY_NAME, "due": f"{due:%-d %B %Y}"},
            )
    return queued
