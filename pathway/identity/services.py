"""Who is this child? Finding records that may be the same child, and the SEND team's answer.

A submission from someone who cannot already see a matching child never attaches to it: it makes
its own provisional record, and the pair waits on the possible-matches list. A SEND manager
merges (the merged record stays as an alias of the survivor) or says they are different
children; a merge can be undone exactly, because mixing two children's records is a breach."""

from __future__ import annotations

import datetime
import logging
import uuid
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from earlyyears.access import AnyUser, children_for
from earlyyears.models import Child, Role, User
from earlyyears.roles import SEND_TEAM_ROLES
from pathway.planning.tasks import rebuild_need_figures
from pathway.timeline import record_child_event

from ..access import referrals_for
from ..models import ChildMerge, PossibleMatch

logger = logging.getLogger(__name__)

# Records that point at a child but must never move: the audit trail is append-only (searches
# follow the alias instead), and the identity records themselves describe both children.
NEVER_MOVED = frozenset(
    {
        "dataprotection.accessevent",
        "pathway.possiblematch",
        "pathway.childmerge",
        "earlyyears.child",
    }
)


def new_child_reference() -> str:
    return f"C-{uuid.uuid4().hex[:10].upper()}"


class MergeRefused(Exception):
    """Why a merge or an undo cannot go ahead, in words for the SEND manager."""


def matching_children(
    *, first_name: str, last_name: str, date_of_birth: datetime.date, nhs_number: str = ""
) -> QuerySet[Child]:
    """Live records with the same name and date of birth, or the same NHS number."""
    same = Q(
        first_name__iexact=first_name.strip(),
        last_name__iexact=last_name.strip(),
        date_of_birth=date_of_birth,
    )
    nhs = "".join((nhs_number or "").split())
    if nhs:
        same |= Q(nhs_number=nhs)
    return Child.objects.filter(same).exclude(record_status=Child.RecordStatus.MERGED)


def children_visible_to(user: AnyUser) -> QuerySet[Child]:
    """Children the user can already see, directly or through a referral they may open."""
    return Child.objects.filter(
        Q(pk__in=children_for(user).values("pk")) | Q(pk__in=referrals_for(user).values("child_id"))
    )


def _match_words(child: Child, details: dict[str, Any]) -> str:
    nhs = "".join((details.get("nhs_number") or "").split())
    if nhs and child.nhs_number == nhs:
        return "Same NHS number"
    return "Same name and date of birth"


def child_for_submission(
    user: User, details: dict[str, Any], **new_child_fields: Any
) -> tuple[Child, bool]:
    """The child a submission is about, and whether it is an existing record.

    An existing record is used only if the submitter can already see it. Otherwise a new record
    is made from the details as submitted; if it resembles existing records it is provisional,
    with a possible match for each, and the submitter is told nothing about them."""
    matches = list(
        matching_children(
            first_name=details["first_name"],
            last_name=details["last_name"],
            date_of_birth=details["date_of_birth"],
            nhs_number=details.get("nhs_number", ""),
        ).order_by("pk")
    )
    if matches:
        visible = children_visible_to(user).filter(pk__in=[c.pk for c in matches]).first()
        if visible is not None:
            return visible, True
    child = new_child(user, details, matches, **new_child_fields)
    return child, False


def new_child(user: User, details: dict[str, Any], matches: list[Child], **fields: Any) -> Child:
    """Create a child record from a submission, flagging any resemblance for the SEND team."""
    child = Child.objects.create(
        reference=new_child_reference(),
        first_name=details["first_name"].strip(),
        last_name=details["last_name"].strip(),
        date_of_birth=details["date_of_birth"],
        postcode=details.get("postcode", ""),
        nhs_number="".join((details.get("nhs_number") or "").split()),
        record_status=(Child.RecordStatus.PROVISIONAL if matches else Child.RecordStatus.ACTIVE),
        **fields,
    )
    PossibleMatch.objects.bulk_create(
        PossibleMatch(child=child, existing=match, found_by=_match_words(match, details))
        for match in matches
    )
    return child


def flag_possible_matches(child: Child) -> int:
    """After a setting adds a child it cannot see elsewhere: flag resemblances for the SEND
    team. The setting's own record stays as it is, and the setting is told nothing."""
    matches = list(
        matching_children(
            first_name=child.first_name,
            last_name=child.last_name,
            date_of_birth=child.date_of_birth,
            nhs_number=child.nhs_number,
        ).exclude(pk=child.pk)
    )
    if not matches:
        return 0
    child.record_status = Child.RecordStatus.PROVISIONAL
    Child.objects.filter(pk=child.pk).update(record_status=child.record_status)
    PossibleMatch.objects.bulk_create(
        [
            PossibleMatch(
                child=child,
                existing=match,
                found_by=_match_words(match, {"nhs_number": child.nhs_number}),
            )
            for match in matches
        ],
        ignore_conflicts=True,
    )
    return len(matches)


def _settle_status(child: Child) -> None:
    """A provisional record becomes active once no possible match is left to check."""
    if child.record_status != Child.RecordStatus.PROVISIONAL:
        return
    if not PossibleMatch.objects.filter(
        Q(child=child) | Q(existing=child), status=PossibleMatch.Status.OPEN
    ).exists():
        Child.objects.filter(pk=child.pk).update(record_status=Child.RecordStatus.ACTIVE)


def mark_different(match: PossibleMatch, user: User, reason: str) -> PossibleMatch:
    """The SEND team checked: two different children. Both records stay as they are."""
    if user.role not in SEND_TEAM_ROLES:
        raise PermissionDenied
    with transaction.atomic():
        match = PossibleMatch.objects.select_for_update().get(pk=match.pk)
        if match.status != PossibleMatch.Status.OPEN:
            raise MergeRefused("Someone has already dealt with this possible match.")
        match.status = PossibleMatch.Status.DIFFERENT
        match.decided_by, match.decided_at, match.reason = user, timezone.now(), reason
        match.save(update_fields=["status", "decided_by", "decided_at", "reason"])
        record_child_event(
            [match.child, match.existing],
            user,
            "Checked against another record: different children",
            {"match": match.pk, "reason": reason},
        )
        _settle_status(match.child)
        _settle_status(match.existing)
        return match


def _child_relations() -> list[tuple[type[models.Model], str]]:
    """Every model with a foreign key or one-to-one to Child, discovered, so a record kind added
    later moves with the merge without anyone remembering to list it here."""
    relations = []
    for model in apps.get_models():
        if model._meta.label_lower in NEVER_MOVED:
            continue
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is Child:
                relations.append((model, field.name))
    return relations


def _unique_with_child(model: type[models.Model], field: str) -> list[tuple[str, ...]]:
    """The unique field sets that include the child: a row that would collide stays behind."""
    sets = []
    if model._meta.get_field(field).one_to_one:
        sets.append((field,))
    for constraint in model._meta.constraints:
        fields = getattr(constraint, "fields", ())
        if isinstance(constraint, models.UniqueConstraint) and field in fields:
            sets.append(tuple(fields))
    sets.extend(tuple(u) for u in model._meta.unique_together if field in u)
    return sets


def merge_children(match: PossibleMatch, user: User, *, survivor: Child, reason: str) -> ChildMerge:
    """Same child: move the other record's rows to the survivor and keep it as an alias.

    Only a SEND manager merges. Rows that would break a uniqueness rule on the survivor (a
    second caseload entry for the same worker, a second "All about me") stay with the alias and
    are listed on the merge. Planning figures are rebuilt for both areas."""
    if user.role != Role.SEND_MANAGER:
        raise PermissionDenied
    with transaction.atomic():
        match = PossibleMatch.objects.select_for_update().get(pk=match.pk)
        if match.status != PossibleMatch.Status.OPEN:
            raise MergeRefused("Someone has already dealt with this possible match.")
        if survivor.pk not in (match.child_id, match.existing_id):
            raise MergeRefused("Choose one of the two records to keep.")
        merged_id = match.existing_id if survivor.pk == match.child_id else match.child_id
        pair = {
            c.pk: c
            for c in Child.objects.select_for_update().filter(pk__in=[survivor.pk, merged_id])
        }
        survivor, merged = pair[survivor.pk], pair[merged_id]
        if merged.is_merged or survivor.is_merged:
            raise MergeRefused("One of these records has already been merged.")
        moved: dict[str, list] = {}
        kept: dict[str, list] = {}
        for model, field in _child_relations():
            rows = model._default_manager.filter(**{field: merged})
            unique_sets = _unique_with_child(model, field)
            stay: set = set()
            for fields in unique_sets:
                others = [f for f in fields if f != field]
                on_survivor = model._default_manager.filter(**{field: survivor})
                if others:
                    taken = set(on_survivor.values_list(*others))
                else:
                    taken = {()} if on_survivor.exists() else set()
                for row in rows.values("pk", *others):
                    if tuple(row[f] for f in others) in taken:
                        stay.add(row["pk"])
            label = f"{model._meta.label_lower}.{field}"
            ids = [pk for pk in rows.values_list("pk", flat=True) if pk not in stay]
            if ids:
                model._default_manager.filter(pk__in=ids).update(**{field: survivor})
                moved[label] = [str(pk) for pk in ids]
            if stay:
                kept[label] = [str(pk) for pk in stay]
        state = {
            "record_status": merged.record_status,
            "kept_on_alias": kept,
        }
        Child.objects.filter(pk=merged.pk).update(
            record_status=Child.RecordStatus.MERGED, merged_into=survivor
        )
        match.status = PossibleMatch.Status.SAME_CHILD
        match.decided_by, match.decided_at, match.reason = user, timezone.now(), reason
        match.save(update_fields=["status", "decided_by", "decided_at", "reason"])
        record = ChildMerge.objects.create(
            survivor=survivor,
            merged=merged,
            match=match,
            moved=moved,
            merged_state=state,
            reason=reason,
            merged_by=user,
        )
        record_child_event(
            [survivor],
            user,
            f"Record {merged.reference} merged into this one (same child)",
            {"merge": record.pk, "reason": reason},
        )
        _settle_status(survivor)
        _refresh_figures(survivor)
        return record


def undo_merge(record: ChildMerge, user: User, reason: str) -> ChildMerge:
    """Put back exactly what the merge moved, and make both records what they were."""
    if user.role != Role.SEND_MANAGER:
        raise PermissionDenied
    with transaction.atomic():
        record = ChildMerge.objects.select_for_update().get(pk=record.pk)
        if record.is_undone:
            raise MergeRefused("This merge has already been undone.")
        merged = Child.objects.select_for_update().get(pk=record.merged_id)
        for label, ids in record.moved.items():
            app_model, field = label.rsplit(".", 1)
            model = apps.get_model(app_model)
            pk_field = model._meta.pk
            model._default_manager.filter(
                pk__in=[pk_field.to_python(pk) for pk in ids], **{field: record.survivor_id}
            ).update(**{field: merged})
        Child.objects.filter(pk=merged.pk).update(
            record_status=record.merged_state.get("record_status", Child.RecordStatus.ACTIVE),
            merged_into=None,
        )
        if record.match_id:
            PossibleMatch.objects.filter(pk=record.match_id).update(
                status=PossibleMatch.Status.OPEN, decided_by=None, decided_at=None, reason=""
            )
        record.undone_by, record.undone_at, record.undo_reason = user, timezone.now(), reason
        record.save(update_fields=["undone_by", "undone_at", "undo_reason"])
        record_child_event(
            [record.survivor, merged],
            user,
            f"Merge of {merged.reference} into {record.survivor.reference} undone",
            {"merge": record.pk, "reason": reason},
        )
        _refresh_figures(record.survivor)
        return record


def _refresh_figures(child: Child) -> None:
    """Children are counted once each in the planning figures: a merge or undo changes that
    count, so every figure is rebuilt after commit (a rare event; the nightly run also would)."""

    def enqueue() -> None:
        try:
            rebuild_need_figures.delay()
        except Exception:  # noqa: BLE001 - never fail the merge; the nightly rebuild catches up
            logger.warning("Could not rebuild planning figures after a merge of child %s", child.pk)

    transaction.on_commit(enqueue)
