"""Retention: what is kept how long, and the job that deletes or anonymises what is due.

The periods are policy, so they live in settings (`RETENTION_YEARS`, from the environment),
not in a table anyone with the staff admin could shorten: destroying records cannot be undone,
and a change should go through the council's records manager and a deployment. The defaults
follow the IRMS information management toolkit's approach for SEN records: a child's SEN file
where an EHC plan existed is kept until the child is 31 (the plan can run to 25, plus six years
in which a claim can be brought); other SEN support records until the child is 25. Records a
setting makes about a child who never became a concern are working notes, kept for a short
period; message delivery records are anonymised after two years; the access audit trail is kept
seven years. Each rule is a function over querysets, so a rule is tested without the job.

A legal hold on a child (`LegalHold`, not lifted) stops every rule for that child.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from cms.models import LocalOfferComment
from earlyyears.models import (
    AccessReview,
    AccountEnding,
    Child,
    FamilyMember,
    ImportJob,
    OIDCIdentity,
    OutboxMessage,
)
from pathway.models import (
    CaseReview,
    ChildMerge,
    ConcernDraft,
    Decision,
    EhcRequest,
    FamilySurvey,
    FundEvidence,
    FundingAward,
    HomeObservation,
    Observation,
    Referral,
    Sen2Extract,
    SupportPlan,
    SurveyInvitation,
)

from .models import AccessEvent, LegalHold, RetentionRun

logger = logging.getLogger(__name__)

DEFAULT_RETENTION_YEARS: dict[str, int] = {
    # years after the child's date of birth
    "referrals_ehc_plan": 31,
    "referrals_other": 25,
    "children_without_referrals": 7,
    "support_plans": 25,
    # years after the record was made
    "observations_without_referral": 3,
    # years after a family added a home observation (issue 22)
    "home_observation_media": 2,
    "home_observations_not_added": 1,
    "outbox_messages": 2,
    "sen2_extracts": 3,
    # years after the review closed
    "case_reviews": 6,
    # years after a family survey closed (issue 27): the invitations name a contact; the
    # answers are anonymous
    "survey_invitations": 1,
    "survey_responses": 6,
    "access_events": 7,
    # years after a family's comment on the local offer was received
    "local_offer_comments": 1,
    # staff accounts (issue 28): years after the review finished, the account ended, or the
    # last council sign-in of an account no longer active
    "access_reviews": 7,
    "account_endings": 7,
    "council_sign_ins": 1,
    # years after an import file was uploaded (a caseload file names children)
    "import_files": 1,
}

RULE_DESCRIPTIONS: dict[str, str] = {
    "referrals_ehc_plan": "Referrals of a child for whom an EHC needs assessment was agreed or "
    "a plan issued, and everything recorded on them: deleted when the child is {years}",
    "referrals_other": "Other referrals no longer waiting for a decision, and everything "
    "recorded on them: deleted when the child is {years}",
    "children_without_referrals": "A child with no referral left (their details, family "
    "contacts and who in the family follows them online, observations, home visits, All about "
    "me, consent to share and its history, Team Around the Child): deleted when the child is "
    "{years}",
    "support_plans": "Support plans, with their outcomes, help, reviews and history: deleted "
    "when the child is {years} (with the referrals' EHC rule when an EHC needs assessment was "
    "agreed or a plan issued)",
    "observations_without_referral": "Observations of a child who has no referral: deleted "
    "{years} years after the observation",
    "outbox_messages": "Text messages and emails: phone numbers, addresses and wording removed "
    "{years} years after sending (the delivery record stays)",
    "home_observation_media": "Photos and videos a family added to a home observation: "
    "deleted {years} years after they were added (the family's note and what was decided about "
    "it stay with the child's record)",
    "home_observations_not_added": "Home observations the setting or SEND team did not add "
    "to the record, with any photo or video: deleted {years} year(s) after that decision",
    "sen2_extracts": "Extracts of the SEN2 return (the file and its record): deleted {years} "
    "years after they were produced",
    "case_reviews": "Case reviews (the sample, the panel and every finding): deleted {years} "
    "years after the review closed, so that findings can be compared over several years; a "
    "case also goes when its referral does",
    "survey_invitations": "Family survey invitations (who was texted a survey, and whether "
    "their link was used): deleted {years} year(s) after the survey closed. A contact's answer "
    "to 'can we ask you for feedback?' and its history stay with the contact",
    "survey_responses": "Family surveys with their anonymous answers (which name nobody): "
    "deleted {years} years after the survey closed, so that answers can be compared over "
    "several years and across an inspection cycle",
    "access_events": "The access audit trail: deleted {years} years after the event",
    "access_reviews": "Quarterly access reviews (who was on the checklist and what was "
    "decided): deleted {years} years after the review was finished",
    "account_endings": "The record of each staff account ended (a leaver, a dormant account, "
    "an access review): deleted {years} years after the account was ended",
    "council_sign_ins": "The link between a closed staff account and the council's identity "
    "provider: deleted {years} year(s) after its last council sign-in",
    "import_files": "Uploaded import files (a caseload file names children) and their row "
    "reports: deleted {years} year(s) after they were uploaded; the count of each import stays "
    "in the imports and exports record",
    "local_offer_comments": "Families' comments on the local offer: {years} year after a "
    "comment was received, the family's own words are erased (only the redacted comment and "
    "the council's response stay, as published), and a comment never published is deleted",
}

# Decisions that mean a statutory EHC file exists for the child.
EHC_DECISIONS = (Decision.Kind.EHC_ASSESS, Decision.Kind.EHC_PLAN_ISSUED)


def retention_years() -> dict[str, int]:
    configured = getattr(settings, "RETENTION_YEARS", None) or {}
    unknown = set(configured) - set(DEFAULT_RETENTION_YEARS)
    if unknown:
        raise ValueError(f"Unknown retention rules in RETENTION_YEARS: {sorted(unknown)}")
    years = {**DEFAULT_RETENTION_YEARS, **configured}
    for rule, value in years.items():
        if not isinstance(value, int) or value < 1:
            raise ValueError(
                f"RETENTION_YEARS[{rule!r}] must be a whole number of years, 1 or more"
            )
    return years


def describe_rules() -> list[dict[str, object]]:
    return [
        {"rule": rule, "years": years, "description": RULE_DESCRIPTIONS[rule].format(years=years)}
        for rule, years in retention_years().items()
    ]


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day `years` earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def held_child_ids() -> set[int]:
    """Children under a hold, with the records merged into them or they into: one child."""
    held = set(LegalHold.objects.filter(lifted_at__isnull=True).values_list("child_id", flat=True))
    if held:
        related = Child.objects.filter(Q(merged_into_id__in=held) | Q(aliases__in=held))
        held |= set(related.values_list("pk", flat=True))
    return held


def children_with_ehc_file() -> Exists:
    """For a queryset of referrals: any referral of the same child has an EHC decision, or the
    child has an EHC request on the EHC timeline (its records go with the referral it is on)."""
    return Exists(
        Decision.objects.filter(referral__child=OuterRef("child"), kind__in=EHC_DECISIONS)
    ) | Exists(EhcRequest.objects.filter(child=OuterRef("child")))


# --- What is due, rule by rule -------------------------------------------------------------


def due_referrals_ehc_plan(today: datetime.date, years: int, held: set[int]):
    return (
        Referral.objects.exclude(status__in=Referral.WAITING)
        .filter(child__date_of_birth__lte=years_before(today, years))
        .filter(children_with_ehc_file())
        .exclude(child_id__in=held)
    )


def due_referrals_other(today: datetime.date, years: int, held: set[int]):
    return (
        Referral.objects.exclude(status__in=Referral.WAITING)
        .filter(child__date_of_birth__lte=years_before(today, years))
        .exclude(children_with_ehc_file())
        .exclude(child_id__in=held)
    )


def due_support_plans(today: datetime.date, years: int, ehc_years: int, held: set[int]):
    """SEN support records: kept until the child is `years`, or `ehc_years` where an EHC file
    exists for the child."""
    return (
        SupportPlan.objects.annotate(has_ehc=children_with_ehc_file())
        .filter(
            Q(child__date_of_birth__lte=years_before(today, years), has_ehc=False)
            | Q(child__date_of_birth__lte=years_before(today, ehc_years), has_ehc=True)
        )
        .exclude(child_id__in=held)
    )


def due_children(today: datetime.date, years: int, held: set[int]):
    return (
        Child.objects.filter(date_of_birth__lte=years_before(today, years))
        .exclude(Exists(Referral.objects.filter(child=OuterRef("pk"))))
        # A support plan is an SEN record: the child goes once it has gone (`support_plans`).
        .exclude(Exists(SupportPlan.objects.filter(child=OuterRef("pk"))))
        .exclude(pk__in=held)
        # A merged record goes with the record it was merged into, never before it.
        .exclude(record_status=Child.RecordStatus.MERGED)
    )


def due_observations(today: datetime.date, years: int, held: set[int]):
    return (
        Observation.objects.filter(observed_on__lte=years_before(today, years))
        .exclude(Exists(Referral.objects.filter(child=OuterRef("child"))))
        .exclude(child_id__in=held)
    )


def due_outbox_messages(now: datetime.datetime, years: int, held: set[int]):
    cutoff = timezone.make_aware(
        datetime.datetime.combine(years_before(timezone.localdate(now), years), datetime.time())
    )
    not_yet_anonymised = (
        ~Q(to_phone="")
        | ~Q(to_email="")
        | Q(to_contact__isnull=False)
        | ~Q(context={})
        | ~Q(failure_reason="")
    )
    return (
        OutboxMessage.objects.filter(created_at__lt=cutoff)
        .filter(not_yet_anonymised)
        .exclude(child_id__in=held)
    )


# --- Doing it ------------------------------------------------------------------------------


@dataclass
class Tally:
    lines: list[dict[str, object]]

    def add(self, rule: str, action: str, per_type: dict[str, int]) -> None:
        for record_type, count in sorted(per_type.items()):
            if count:
                self.lines.append(
                    {"rule": rule, "record_type": record_type, "action": action, "count": count}
                )

    def counts(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for line in self.lines:
            totals[line["rule"]] = totals.get(line["rule"], 0) + int(line["count"])
        return totals


def _delete_files_after_commit(observations) -> None:
    """Attachments go once the rows are gone for good; a rolled-back run keeps them."""
    names = [
        name for name in observations.exclude(attachment="").values_list("attachment", flat=True)
    ]
    if names:
        storage = Observation._meta.get_field("attachment").storage
        transaction.on_commit(lambda: [storage.delete(name) for name in names])


def due_home_observation_media(now: datetime.datetime, years: int, held: set[int]):
    """Photos and videos of a young child at home are the most intrusive part of a home
    observation and their use is the picture of development now: they go after `years`, and
    the words stay."""
    cutoff = timezone.make_aware(
        datetime.datetime.combine(years_before(timezone.localdate(now), years), datetime.time())
    )
    return (
        HomeObservation.objects.filter(added_at__lt=cutoff)
        .exclude(media="")
        .exclude(child_id__in=held)
    )


def due_home_observations_not_added(now: datetime.datetime, years: int, held: set[int]):
    cutoff = timezone.make_aware(
        datetime.datetime.combine(years_before(timezone.localdate(now), years), datetime.time())
    )
    return HomeObservation.objects.filter(
        status=HomeObservation.Status.DECLINED, reviewed_at__lt=cutoff
    ).exclude(child_id__in=held)


def _delete_home_observation_media_after_commit(observations) -> None:
    names = list(observations.exclude(media="").values_list("media", flat=True))
    if names:
        storage = HomeObservation._meta.get_field("media").storage
        transaction.on_commit(lambda: [storage.delete(name) for name in names])


def _remove_home_observation_media(observations) -> dict[str, int]:
    ids = list(observations.values_list("pk", flat=True))
    if not ids:
        return {}
    chosen = HomeObservation.objects.filter(pk__in=ids)
    _delete_home_observation_media_after_commit(chosen)
    count = chosen.update(media="", media_removed_at=timezone.now())
    return {"pathway.HomeObservation (photo or video)": count}


def _delete_home_observations(observations) -> dict[str, int]:
    ids = list(observations.values_list("pk", flat=True))
    if not ids:
        return {}
    doomed = HomeObservation.objects.filter(pk__in=ids)
    _delete_home_observation_media_after_commit(doomed)
    return _delete(doomed)


def _delete_referrals(referrals) -> dict[str, int]:
    ids = list(referrals.values_list("pk", flat=True))
    if not ids:
        return {}
    draft_ids = list(
        Referral.objects.filter(pk__in=ids, draft__isnull=False).values_list("draft_id", flat=True)
    )
    per_type: dict[str, int] = {}
    # Funding awards protect their referral and decision: they go first, with the referral.
    for queryset in (
        FundingAward.objects.filter(referral_id__in=ids),
        Referral.objects.filter(pk__in=ids),
        ConcernDraft.objects.filter(pk__in=draft_ids),
    ):
        _, counts = queryset.delete()
        for label, count in counts.items():
            per_type[label] = per_type.get(label, 0) + count
    return per_type


def _delete_fund_evidence_after_commit(evidence) -> None:
    names = list(evidence.exclude(file="").values_list("file", flat=True))
    if names:
        storage = FundEvidence._meta.get_field("file").storage
        transaction.on_commit(lambda: [storage.delete(name) for name in names])


def _delete_children(children) -> dict[str, int]:
    ids = list(children.values_list("pk", flat=True))
    if not ids:
        return {}
    ids += list(Child.objects.filter(merged_into_id__in=ids).values_list("pk", flat=True))
    Child.objects.filter(pk__in=ids).update(merged_into=None)
    _delete_files_after_commit(Observation.objects.filter(child_id__in=ids))
    _delete_home_observation_media_after_commit(HomeObservation.objects.filter(child_id__in=ids))
    # Funding applications, their evidence and payments go with the child (cascade); the
    # evidence files once the rows are gone for good.
    _delete_fund_evidence_after_commit(FundEvidence.objects.filter(application__child_id__in=ids))
    per_type: dict[str, int] = {}
    for queryset in (
        LegalHold.objects.filter(child_id__in=ids, lifted_at__isnull=False),
        ConcernDraft.objects.filter(child_id__in=ids),
        ChildMerge.objects.filter(Q(survivor_id__in=ids) | Q(merged_id__in=ids)),
        Child.objects.filter(pk__in=ids),
    ):
        _, counts = queryset.delete()
        for label, count in counts.items():
            per_type[label] = per_type.get(label, 0) + count
    # Family members (issue 21) follow children: with their last child gone, they go too.
    _, counts = FamilyMember.objects.filter(links__isnull=True).delete()
    for label, count in counts.items():
        per_type[label] = per_type.get(label, 0) + count
    return per_type


def _delete_observations(observations) -> dict[str, int]:
    ids = list(observations.values_list("pk", flat=True))
    if not ids:
        return {}
    doomed = Observation.objects.filter(pk__in=ids)
    _delete_files_after_commit(doomed)
    _, counts = doomed.delete()
    return counts


def due_sen2_extracts(now: datetime.datetime, years: int):
    """Extracts hold many children's records: none is kept on hold for one child."""
    cutoff = timezone.make_aware(
        datetime.datetime.combine(years_before(timezone.localdate(now), years), datetime.time())
    )
    return Sen2Extract.objects.filter(produced_at__lt=cutoff)


def due_case_reviews(today: datetime.date, years: int):
    """A review is about how services worked, across many children: none is kept on hold for
    one child (a held child's referral keeps its own records)."""
    return CaseReview.objects.filter(closes_on__lt=years_before(today, years))


def due_survey_invitations(today: datetime.date, years: int, held: set[int]):
    """Invitations of surveys closed more than `years` ago (a held child's are kept)."""
    return SurveyInvitation.objects.filter(
        survey__closes_on__lt=years_before(today, years)
    ).exclude(contact__child_id__in=held)


def due_survey_responses(today: datetime.date, years: int, held: set[int]):
    """Surveys (their questions and anonymous answers) closed more than `years` ago, unless an
    invitation of a held child is still kept with one."""
    return FamilySurvey.objects.filter(closes_on__lt=years_before(today, years)).exclude(
        invitations__contact__child_id__in=held
    )


def due_local_offer_comments(now: datetime.datetime, years: int):
    """Comments with the family's words still held, received before the cutoff. Not about a
    child's record, so no legal hold applies."""
    cutoff = timezone.make_aware(
        datetime.datetime.combine(years_before(timezone.localdate(now), years), datetime.time())
    )
    return LocalOfferComment.objects.filter(received_at__lt=cutoff, erased_at__isnull=True)


def _erase_local_offer_comments(comments, now: datetime.datetime) -> dict[str, int]:
    """Published comments keep their redacted text and response (the public record); the rest
    go whole."""
    published = comments.filter(status=LocalOfferComment.Status.PUBLISHED)
    erased = published.update(original="", erased_at=now)
    deleted = comments.exclude(status=LocalOfferComment.Status.PUBLISHED).delete()[0]
    return {"cms.LocalOfferComment (words erased)": erased, "cms.LocalOfferComment": deleted}


def _delete_extracts(extracts) -> dict[str, int]:
    names = list(extracts.exclude(file="").values_list("file", flat=True))
    if names:
        storage = Sen2Extract._meta.get_field("file").storage
        transaction.on_commit(lambda: [storage.delete(name) for name in names])
    return _delete(extracts)


def _cutoff(now: datetime.datetime, years: int) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(years_before(timezone.localdate(now), years), datetime.time())
    )


def due_import_files(now: datetime.datetime, years: int):
    """Files many children's rows are in: none kept on hold for one child; one still being
    checked or applied is left to finish."""
    running = (ImportJob.Status.QUEUED, ImportJob.Status.CHECKING, ImportJob.Status.APPLYING)
    return ImportJob.objects.filter(created_at__lt=_cutoff(now, years)).exclude(status__in=running)


def due_access_reviews(now: datetime.datetime, years: int):
    return AccessReview.objects.filter(completed_at__lt=_cutoff(now, years))


def due_account_endings(now: datetime.datetime, years: int):
    return AccountEnding.objects.filter(ended_at__lt=_cutoff(now, years))


def due_council_sign_ins(now: datetime.datetime, years: int):
    """Links of accounts switched off, unused since the cutoff (an active account keeps its
    link: it is how the person signs in)."""
    cutoff = _cutoff(now, years)
    return OIDCIdentity.objects.filter(user__is_active=False).filter(
        Q(last_signed_in_at__lt=cutoff) | Q(last_signed_in_at__isnull=True, linked_at__lt=cutoff)
    )


def _delete(queryset) -> dict[str, int]:
    _, counts = queryset.delete()
    return counts


def _anonymise_messages(messages) -> dict[str, int]:
    count = messages.update(
        to_phone="", to_email="", to_contact=None, context={}, body="", failure_reason=""
    )
    return {"earlyyears.OutboxMessage": count}


def apply_retention(*, dry_run: bool = False, now: datetime.datetime | None = None) -> RetentionRun:
    """Delete or anonymise everything due, in one transaction, and record what went.

    Idempotent: a second run finds nothing left to do. A dry run does the same work and rolls it
    back, so its counts include everything that would cascade; it saves no run record."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    years = retention_years()
    run = RetentionRun(started_at=now, rules=years)
    tally = Tally(lines=[])
    with transaction.atomic():
        held = held_child_ids()
        run.held_children = len(held)
        # Referrals before children: a child whose last referral goes today can then go too
        # if their own rule says so.
        tally.add(
            "referrals_ehc_plan",
            "deleted",
            _delete_referrals(due_referrals_ehc_plan(today, years["referrals_ehc_plan"], held)),
        )
        tally.add(
            "referrals_other",
            "deleted",
            _delete_referrals(due_referrals_other(today, years["referrals_other"], held)),
        )
        tally.add(
            "support_plans",
            "deleted",
            _delete(
                due_support_plans(today, years["support_plans"], years["referrals_ehc_plan"], held)
            ),
        )
        tally.add(
            "children_without_referrals",
            "deleted",
            _delete_children(due_children(today, years["children_without_referrals"], held)),
        )
        tally.add(
            "observations_without_referral",
            "deleted",
            _delete_observations(
                due_observations(today, years["observations_without_referral"], held)
            ),
        )
        tally.add(
            "home_observations_not_added",
            "deleted",
            _delete_home_observations(
                due_home_observations_not_added(now, years["home_observations_not_added"], held)
            ),
        )
        tally.add(
            "home_observation_media",
            "deleted",
            _remove_home_observation_media(
                due_home_observation_media(now, years["home_observation_media"], held)
            ),
        )
        tally.add(
            "outbox_messages",
            "anonymised",
            _anonymise_messages(due_outbox_messages(now, years["outbox_messages"], held)),
        )
        tally.add(
            "sen2_extracts",
            "deleted",
            _delete_extracts(due_sen2_extracts(now, years["sen2_extracts"])),
        )
        tally.add(
            "case_reviews",
            "deleted",
            _delete(due_case_reviews(today, years["case_reviews"])),
        )
        tally.add(
            "survey_invitations",
            "deleted",
            _delete(due_survey_invitations(today, years["survey_invitations"], held)),
        )
        tally.add(
            "survey_responses",
            "deleted",
            _delete(due_survey_responses(today, years["survey_responses"], held)),
        )
        tally.add(
            "local_offer_comments",
            "erased or deleted",
            _erase_local_offer_comments(
                due_local_offer_comments(now, years["local_offer_comments"]), now
            ),
        )
        for rule, due in (
            ("access_reviews", due_access_reviews),
            ("account_endings", due_account_endings),
            ("council_sign_ins", due_council_sign_ins),
            ("import_files", due_import_files),
        ):
            tally.add(rule, "deleted", _delete(due(now, years[rule])))
        audit_cutoff = timezone.make_aware(
            datetime.datetime.combine(years_before(today, years["access_events"]), datetime.time())
        )
        tally.add(
            "access_events",
            "deleted",
            {
                "dataprotection.AccessEvent": AccessEvent.objects.purge_before(
                    audit_cutoff, exclude_child_ids=held
                )
            },
        )
        run.lines = tally.lines
        run.counts = {rule: tally.counts().get(rule, 0) for rule in years}
        run.finished_at = timezone.now()
        if dry_run:
            transaction.set_rollback(True)
        else:
            run.save()
    if not dry_run:
        for line in run.lines:
            logger.info(
                "retention rule=%s %s %s %s",
                line["rule"],
                line["action"],
                line["count"],
                line["record_type"],
            )
        logger.info("retention run %s finished: %s records", run.pk, run.total)
    return run
