"""The pathway's header links and landing-page tasks (earlyyears.navigation orders them)."""

from __future__ import annotations

from earlyyears.navigation import LandingTask, Link, add_links, add_section_paths, add_tasks
from earlyyears.roles import (
    ACTION_HOLDER_ROLES,
    CHILD_RECORD_ROLES,
    CHILD_ROLES,
    CONCERN_RAISER_ROLES,
    PLANNING_ROLES,
    SEND_TEAM_ROLES,
    Role,
)

PRACTITIONER = frozenset({Role.PRACTITIONER})
PORTAGE_WORKER = frozenset({Role.PORTAGE_WORKER})
SEND_MANAGER = frozenset({Role.SEND_MANAGER})
EARLY_HELP = frozenset({Role.EARLY_HELP_COORDINATOR})
PROFESSIONAL = frozenset({Role.PROFESSIONAL})
PLANNER = frozenset({Role.PLANNER})
CASE_REVIEWS = frozenset({Role.SEND_MANAGER, Role.CASE_REVIEWER})

add_links(
    Link(200, "Children", "children", CHILD_RECORD_ROLES, section="children"),
    Link(300, "Your caseload", "portage-caseload", PORTAGE_WORKER, section="children"),
    Link(400, "My concerns", "my-concerns", CONCERN_RAISER_ROLES, section="referrals"),
    Link(500, "Questions", "information-requests", PRACTITIONER, section="referrals"),
    Link(600, "Triage", "triage-queue", SEND_TEAM_ROLES, section="referrals"),
    Link(605, "My work", "my-work", SEND_TEAM_ROLES, section="referrals"),
    Link(610, "Caseloads", "caseloads", SEND_TEAM_ROLES, section="referrals"),
    Link(620, "Panels", "panel-list", SEND_TEAM_ROLES, section="referrals"),
    Link(625, "EHC cases", "ehc-cases", SEND_TEAM_ROLES, section="referrals"),
    Link(630, "Funding", "funding", SEND_TEAM_ROLES, section="referrals"),
    Link(632, "Funding applications", "funds-applications", SEND_TEAM_ROLES, section="referrals"),
    Link(680, "Download referrals", "referrals-export", SEND_TEAM_ROLES, section="referrals"),
    Link(690, "SEN2 return", "sen2-return", SEND_TEAM_ROLES, section="referrals"),
    Link(612, "Register", "notification-register", SEND_TEAM_ROLES, section="referrals"),
    Link(614, "Possible matches", "possible-matches", SEND_TEAM_ROLES, section="referrals"),
    Link(700, "Routing rules", "routing-rules", SEND_MANAGER, section="service"),
    Link(730, "Bring in records", "caseload-import", SEND_MANAGER, section="service"),
    Link(800, "Early help", "early-help-list", EARLY_HELP, section="referrals"),
    Link(900, "My actions", "my-actions", ACTION_HOLDER_ROLES, section="children"),
    Link(1000, "Notify", "health-notification", PROFESSIONAL, section="referrals"),
    Link(1110, "Advice requests", "advice-list", CHILD_ROLES, section="children"),
    Link(1300, "Need by area", "planning", PLANNING_ROLES, section="planning"),
    Link(1320, "Starting school", "planning-school-entry", PLANNING_ROLES, section="planning"),
    Link(1340, "Case reviews", "case-reviews", CASE_REVIEWS, section="planning"),
    Link(1360, "Inspection evidence", "inspection-evidence", SEND_MANAGER, section="planning"),
    Link(1370, "Family surveys", "family-surveys", PLANNING_ROLES, section="planning"),
    Link(1380, "Self-evaluation", "self-evaluation", PLANNING_ROLES, section="planning"),
)

# Pages with no header link of their own, by the section whose sub-navigation they show.
add_section_paths(
    "referrals",
    "/referrals/",
    "/concerns/",
    "/triage/",
    "/panels/",
    "/possible-matches/",
    "/merges/",
    "/early-help/",
    "/exports/",
    "/notifications/",
    "/requests/",
    "/register/",
    "/funding/",
    "/ehc/",
    "/sen2/",
)
add_section_paths("children", "/children/", "/portage/", "/tac/", "/actions/", "/advice/")
add_section_paths(
    "planning",
    "/planning/",
    "/case-reviews/",
    "/inspection/",
    "/self-evaluation/",
    "/family-surveys/",
)

add_tasks(
    # A setting's practitioner.
    LandingTask(
        100,
        PRACTITIONER,
        "See the children in your setting",
        "Their details and family contacts.",
        "children",
    ),
    LandingTask(
        110,
        PRACTITIONER,
        "Raise a concern about a child",
        "Record what you have seen and tried, then tell the Early Years SEND team.",
        "start-concern",
    ),
    LandingTask(
        120,
        PRACTITIONER,
        "Follow your concerns",
        "Drafts, and what happened to concerns you sent.",
        "my-concerns",
    ),
    LandingTask(
        130,
        PRACTITIONER,
        "Answer questions from the SEND team",
        "When the team needs to know more before deciding.",
        "information-requests",
    ),
    # A portage worker.
    LandingTask(
        100,
        PORTAGE_WORKER,
        "See your caseload",
        "The families you visit at home: last and next visits, and their paperwork.",
        "portage-caseload",
    ),
    LandingTask(
        110,
        PORTAGE_WORKER,
        "Complete a concern with a family",
        "The family's views and consent, together.",
        "start-concern",
    ),
    LandingTask(
        120,
        PORTAGE_WORKER,
        "Send a family's request for help",
        "When a family asks for support directly.",
        "parent-request",
    ),
    LandingTask(
        130,
        PORTAGE_WORKER,
        "Record a home visit",
        "Goals, progress and the family's paperwork.",
        "portage-caseload",
    ),
    # The Early Years SEND team.
    LandingTask(
        100,
        SEND_TEAM_ROLES,
        "Find a child",
        "Every child known to the Early Years SEND team.",
        "children",
    ),
    LandingTask(
        110,
        SEND_TEAM_ROLES,
        "Search the notification register",
        "Every referral, from every way in.",
        "notification-register",
    ),
    LandingTask(
        120,
        SEND_TEAM_ROLES,
        "Check possible matches",
        "Records that may be the same child: merge them, or say they are different.",
        "possible-matches",
    ),
    LandingTask(
        130,
        SEND_TEAM_ROLES,
        "Triage referrals",
        "Concerns waiting for a decision, the most urgent clock first.",
        "triage-queue",
    ),
    LandingTask(
        135,
        SEND_TEAM_ROLES,
        "See your work",
        "The referrals you hold, your actions, and advice and reviews coming due.",
        "my-work",
    ),
    LandingTask(
        140,
        SEND_TEAM_ROLES,
        "See caseloads",
        "Open referrals by officer, with what is due soon or overdue.",
        "caseloads",
    ),
    LandingTask(
        150,
        SEND_TEAM_ROLES,
        "Run the Early Years panel",
        "Schedule panels, build agendas from waiting referrals and publish minutes.",
        "panel-list",
    ),
    LandingTask(
        160,
        SEND_TEAM_ROLES,
        "Inclusion funding",
        "Top-up funding awarded to settings, against the budget.",
        "funding",
    ),
    # Funding for settings: a setting follows its applications; planners see budget totals.
    LandingTask(
        140,
        PRACTITIONER,
        "Follow your funding applications",
        "Their status, the decisions and the payments due.",
        "funds-applications",
    ),
    LandingTask(
        175,
        SEND_MANAGER | PLANNER,
        "Funding budgets",
        "What each fund has, has committed and has paid, by year and area.",
        "funds-budgets",
    ),
    LandingTask(
        170,
        SEND_MANAGER | PLANNER,
        "Need by area",
        "Where needs cluster, against provision and trained staff.",
        "planning",
    ),
    LandingTask(
        185,
        CASE_REVIEWS,
        "Case reviews",
        "Could we have acted earlier? Sampled cases, the panel's findings and what to change.",
        "case-reviews",
    ),
    LandingTask(
        180,
        SEND_MANAGER,
        "Edit and test routing rules",
        "How concerns are routed, and why.",
        "routing-rules",
    ),
    # Early help, and health and care professionals.
    LandingTask(
        100,
        EARLY_HELP,
        "Early help referrals",
        "Families routed to an Early Help Assessment: the referral pack, then your "
        "decision and the outcome.",
        "early-help-list",
    ),
    LandingTask(
        100,
        PROFESSIONAL,
        "Notify the local authority about a child",
        "A health notification under section 23 of the Children and Families Act 2014.",
        "health-notification",
    ),
    LandingTask(
        110,
        PROFESSIONAL,
        "Advice requests",
        "Children you have been asked to advise on.",
        "advice-list",
    ),
    # Everyone who can be given an action at a Team Around the Child meeting.
    LandingTask(
        220,
        ACTION_HOLDER_ROLES,
        "My actions",
        "Actions agreed at Team Around the Child meetings that you are doing.",
        "my-actions",
    ),
)
