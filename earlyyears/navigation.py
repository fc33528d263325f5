"""What each role sees in the header navigation and on its landing page."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from .models import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool = False


@dataclass(frozen=True)
class Task:
    """A thing a role does next, shown on the landing page."""

    title: str
    description: str
    url: str | None = None


def _children_label(role: str) -> str:
    return {
        Role.PORTAGE_WORKER: "Your caseload",
        Role.PRACTITIONER: "Children",
    }.get(role, "Children")


def navigation_for(user, path: str) -> list[NavItem]:
    if not user.is_authenticated:
        url = reverse("local-offer")
        return [NavItem("Local offer", url, active=path.startswith(url))]
    items: list[tuple[str, str]] = [("Home", reverse("home"))]
    if user.role in (Role.PRACTITIONER, Role.SEND_OFFICER, Role.SEND_MANAGER):
        items.append((_children_label(user.role), reverse("children")))
    if user.role == Role.PORTAGE_WORKER:
        items.append(("Your caseload", reverse("portage-caseload")))
    if user.role in (Role.PRACTITIONER, Role.PORTAGE_WORKER):
        items.append(("My concerns", reverse("my-concerns")))
    if user.role == Role.PRACTITIONER:
        items.append(("Questions", reverse("information-requests")))
    if user.role in (Role.SEND_OFFICER, Role.SEND_MANAGER):
        items.append(("Triage", reverse("triage-queue")))
        items.append(("Caseloads", reverse("caseloads")))
        items.append(("Panels", reverse("panel-list")))
        items.append(("Funding", reverse("funding")))
        items.append(("Download referrals", reverse("referrals-export")))
        items.append(("Register", reverse("notification-register")))
        items.append(("Possible matches", reverse("possible-matches")))
        items.append(("Messages", reverse("message-log")))
    if user.role == Role.SEND_MANAGER:
        items.append(("Routing rules", reverse("routing-rules")))
        items.append(("Audit trail", reverse("audit-search")))
        items.append(("Account changes", reverse("account-changes")))
    if user.role == Role.EARLY_HELP_COORDINATOR:
        items.append(("Early help", reverse("early-help-list")))
    if user.role in MY_ACTIONS_ROLES:
        items.append(("My actions", reverse("my-actions")))
    if user.role == Role.PROFESSIONAL:
        items.append(("Notify", reverse("health-notification")))
    if user.role in (
        Role.PRACTITIONER,
        Role.PORTAGE_WORKER,
        Role.SEND_OFFICER,
        Role.SEND_MANAGER,
        Role.EARLY_HELP_COORDINATOR,
        Role.PROFESSIONAL,
    ):
        items.append(("Local offer", reverse("local-offer")))
        items.append(("Advice requests", reverse("advice-list")))
    if user.role in LEARNER_ROLES:
        items.append(("Training", TRAINING_URL))
    if user.role == Role.TRAINER:
        items.append(("Training coverage", reverse("training-coverage")))
    if user.role in (Role.PLANNER, Role.SEND_MANAGER):
        items.append(("Need by area", reverse("planning")))
    if user.role in (Role.TRAINER, Role.ADMIN):
        items.append(("Content admin", reverse("wagtailadmin_home")))
    if user.role == Role.ADMIN:
        items.append(("Accounts and places", reverse("admin:index")))
    return [
        NavItem(label, url, active=(path == url if url == "/" else path.startswith(url)))
        for label, url in items
    ]


# The training catalogue is a Wagtail page (the training index), so it has a path, not a name.
TRAINING_URL = "/training/"
LEARNER_ROLES = (Role.PRACTITIONER, Role.PORTAGE_WORKER, Role.SEND_OFFICER, Role.SEND_MANAGER)

MY_ACTIONS_ROLES = (
    Role.PRACTITIONER,
    Role.PORTAGE_WORKER,
    Role.SEND_OFFICER,
    Role.SEND_MANAGER,
    Role.PROFESSIONAL,
)


def tasks_for(user) -> list[Task]:
    """The landing page's 'what you do next' for each role."""
    tasks = _role_tasks(user)
    tasks.append(
        Task(
            "Two-step sign-in",
            "Your authenticator app and recovery codes.",
            reverse("two-factor"),
        )
    )
    if user.role in LEARNER_ROLES and user.role != Role.PRACTITIONER:
        tasks.append(
            Task(
                "Take training",
                "Spotting additional needs, talking with families, and what to do next.",
                TRAINING_URL,
            )
        )
    if user.role in MY_ACTIONS_ROLES:
        tasks.append(
            Task(
                "My actions",
                "Actions agreed at Team Around the Child meetings that you are doing.",
                reverse("my-actions"),
            )
        )
    return tasks


def _role_tasks(user) -> list[Task]:
    role = user.role
    children = reverse("children")
    if role == Role.PRACTITIONER:
        return [
            Task(
                "See the children in your setting", "Their details and family contacts.", children
            ),
            Task(
                "Raise a concern about a child",
                "Record what you have seen and tried, then tell the Early Years SEND team.",
                reverse("start-concern"),
            ),
            Task(
                "Follow your concerns",
                "Drafts, and what happened to concerns you sent.",
                reverse("my-concerns"),
            ),
            Task(
                "Answer questions from the SEND team",
                "When the team needs to know more before deciding.",
                reverse("information-requests"),
            ),
            Task(
                "Take training",
                "Learn the signs that a child might have additional needs.",
                TRAINING_URL,
            ),
        ]
    if role == Role.PORTAGE_WORKER:
        return [
            Task(
                "See your caseload",
                "The families you visit at home: last and next visits, and their paperwork.",
                reverse("portage-caseload"),
            ),
            Task(
                "Complete a concern with a family",
                "The family's views and consent, together.",
                reverse("start-concern"),
            ),
            Task(
                "Send a family's request for help",
                "When a family asks for support directly.",
                reverse("parent-request"),
            ),
            Task(
                "Record a home visit",
                "Goals, progress and the family's paperwork.",
                reverse("portage-caseload"),
            ),
        ]
    if role in (Role.SEND_OFFICER, Role.SEND_MANAGER):
        tasks = [
            Task("Find a child", "Every child known to the Early Years SEND team.", children),
            Task(
                "Search the notification register",
                "Every referral, from every way in.",
                reverse("notification-register"),
            ),
            Task(
                "Check possible matches",
                "Records that may be the same child: merge them, or say they are different.",
                reverse("possible-matches"),
            ),
            Task(
                "Triage referrals",
                "Concerns waiting for a decision, the most urgent clock first.",
                reverse("triage-queue"),
            ),
            Task(
                "See caseloads",
                "Open referrals by officer, with what is due soon or overdue.",
                reverse("caseloads"),
            ),
            Task(
                "Run the Early Years panel",
                "Schedule panels, build agendas from waiting referrals and publish minutes.",
                reverse("panel-list"),
            ),
            Task(
                "Inclusion funding",
                "Top-up funding awarded to settings, against the budget.",
                reverse("funding"),
            ),
        ]
        if role == Role.SEND_MANAGER:
            tasks.append(
                Task(
                    "Need by area",
                    "Where needs cluster, against provision and trained staff.",
                    reverse("planning"),
                )
            )
            tasks.append(
                Task(
                    "Edit and test routing rules",
                    "How concerns are routed, and why.",
                    reverse("routing-rules"),
                )
            )
        return tasks
    if role == Role.EARLY_HELP_COORDINATOR:
        return [
            Task(
                "Early help referrals",
                "Families routed to an Early Help Assessment: the referral pack, then your "
                "decision and the outcome.",
                reverse("early-help-list"),
            )
        ]
    if role == Role.PROFESSIONAL:
        return [
            Task(
                "Notify the local authority about a child",
                "A health notification under section 23 of the Children and Families Act 2014.",
                reverse("health-notification"),
            ),
            Task(
                "Advice requests",
                "Children you have been asked to advise on.",
                reverse("advice-list"),
            ),
        ]
    if role == Role.TRAINER:
        return [
            Task(
                "Write and publish training",
                "Modules and lessons for early years providers.",
                reverse("wagtailadmin_home"),
            ),
            Task(
                "See training coverage",
                "Who has completed which module, by setting and area; download records and "
                "upload face-to-face attendance.",
                reverse("training-coverage"),
            ),
        ]
    if role == Role.PLANNER:
        return [
            Task(
                "Need by area",
                "Where needs cluster, against provision and trained staff.",
                reverse("planning"),
            )
        ]
    if role == Role.ADMIN:
        return [
            Task(
                "Manage accounts, settings and areas",
                "Staff, roles and memberships.",
                reverse("admin:index"),
            ),
            Task("Manage content", "Training and the local offer.", reverse("wagtailadmin_home")),
        ]
    return []
