"""Staff roles and the groups of roles the rules name: one definition of each group.

A group is named for what its members do, so a rule reads as the policy it enforces
(`user.role in SEND_TEAM_ROLES`) and adding a role means changing one line here.
"""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", "Nursery practitioner"
    PORTAGE_WORKER = "portage_worker", "Portage worker"
    SEND_OFFICER = "send_officer", "SEND team officer"
    SEND_MANAGER = "send_manager", "SEND team manager"
    EARLY_HELP_COORDINATOR = "early_help", "Early help coordinator"
    PROFESSIONAL = "professional", "Health or care professional"
    TRAINER = "trainer", "Trainer"
    PLANNER = "planner", "Planner"
    CASE_REVIEWER = "case_reviewer", "Case reviewer (family perspective)"
    ADMIN = "admin", "Service administrator"
    PROVIDER = "provider", "Local offer provider"


# The Early Years SEND team: triage, decisions, panels, funding, every child.
SEND_TEAM_ROLES = frozenset({Role.SEND_OFFICER, Role.SEND_MANAGER})

# Roles whose holders may see children's records at all (each through the access layer).
CHILD_ROLES = frozenset(
    {
        Role.PRACTITIONER,
        Role.PORTAGE_WORKER,
        *SEND_TEAM_ROLES,
        Role.EARLY_HELP_COORDINATOR,
        Role.PROFESSIONAL,
    }
)

# Staff who raise concerns about a child: a setting's practitioners, and portage workers
# completing one with a family.
CONCERN_RAISER_ROLES = frozenset({Role.PRACTITIONER, Role.PORTAGE_WORKER})

# Who sees the children list and a child's record page: the setting and the SEND team.
CHILD_RECORD_ROLES = frozenset({Role.PRACTITIONER, *SEND_TEAM_ROLES})

# Who may change what a family agreed to share (the setting that asked, or the SEND team).
CONSENT_RECORDER_ROLES = CHILD_RECORD_ROLES

# Who works with individual children directly, with a list of their own (the setting, portage,
# the SEND team); they record Team Around the Child meetings.
DIRECT_CHILD_ROLES = frozenset({Role.PRACTITIONER, Role.PORTAGE_WORKER, *SEND_TEAM_ROLES})

# Who may send a health notification (section 23): health professionals, or the SEND team for them.
HEALTH_NOTIFIER_ROLES = frozenset({Role.PROFESSIONAL, *SEND_TEAM_ROLES})

# Portage: the workers, and the SEND team who allocate them.
PORTAGE_ROLES = frozenset({Role.PORTAGE_WORKER, *SEND_TEAM_ROLES})

# Outside the local authority's early years team: they see only what the family shared.
SHARED_WITH_ROLES = frozenset({Role.PORTAGE_WORKER, Role.PROFESSIONAL})

# People who take provider training.
LEARNER_ROLES = frozenset({Role.PRACTITIONER, Role.PORTAGE_WORKER, *SEND_TEAM_ROLES})

# People who can be given actions at a Team Around the Child meeting.
ACTION_HOLDER_ROLES = frozenset({*DIRECT_CHILD_ROLES, Role.PROFESSIONAL})

# Who builds "could we have acted earlier?" case reviews and sees every finding.
CASE_REVIEW_MANAGER_ROLES = frozenset({Role.SEND_MANAGER})

# Need by area: planners, and the SEND manager who plans provision.
PLANNING_ROLES = frozenset({Role.PLANNER, Role.SEND_MANAGER})

# An organisation's own staff: they keep their organisation's local offer services in Wagtail
# (every change approved by the council) and see no child, no figures, nothing else.
PROVIDER_ROLES = frozenset({Role.PROVIDER})

# Who edits training and the local offer in Wagtail.
CONTENT_EDITOR_ROLES = frozenset({Role.TRAINER, Role.ADMIN})

# Downloads of referral data: the SEND team; the full (identifiable) download, the manager.
EXPORT_ROLES = SEND_TEAM_ROLES
FULL_EXPORT_ROLES = frozenset({Role.SEND_MANAGER})
