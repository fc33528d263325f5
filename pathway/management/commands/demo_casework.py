"""Demo casework for the demo authority (run after `demo_pathway`): Early Years panels, portage
home visits and "All about me", Team Around the Child meetings, advice requests and early help
responses, so that every casework page has something to show each demo sign-in.

Every record is made by the real services (panels, portage, tac, advice, early_help, casework),
as the person who would make it, so the rules and the case timeline are the real ones. Things
that happened in the past are made with the services and then back-dated with update(), as
demo_pathway back-dates its decisions.

Idempotent: each part is skipped when its demo rows exist (any panel; a family's visits or
paperwork; any Team Around the Child meeting; any request to the demo professional; any
hand-off a coordinator answered). Nobody is messaged: decisions pass notify=False, and the
texts and emails the services queue without such a flag (portage.record_visit,
advice.request_advice) are marked not sent in the same transaction, so the sending that follows
the commit finds nothing to send, and then deleted.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from earlyyears.accounts import demo
from earlyyears.messaging.services import render as render_message
from earlyyears.models import (
    Child,
    FamilyContact,
    OutboxMessage,
    SettingMembership,
    User,
)
from pathway.advice import services as advice
from pathway.casework import services as casework
from pathway.early_help import services as early_help
from pathway.family_story import services as family_story
from pathway.panels import services as panels
from pathway.portage import services as portage
from pathway.tac import services as tac

from ...models import (
    AdviceRequest,
    AdviceTemplate,
    AllAboutMe,
    Decision,
    Discipline,
    EarlyHelpHandoff,
    FamilyPaperwork,
    FundApplication,
    FundingAward,
    InformationRequest,
    PanelMeeting,
    PanelMember,
    PortageVisit,
    Referral,
    ReferralClock,
    ReferralEvent,
    Route,
    ShareWith,
    TacAction,
    TacMeeting,
)

# The services that queue messages without a notify flag, by the keys they use.
# The panel's top-up awards also decide the setting's funding application, which emails them.
MESSAGE_KEY_PREFIXES = ("portage-visit:", "advice:", "fund-decision:")
THURSDAY = 3

PANEL_MEMBERS = [
    # (name, role, agency, present)
    ("Helen Carter", "Early years SEND team manager (chair)", PanelMember.Agency.SEND_TEAM, True),
    ("Laura Bennett", "Early years SEND officer", PanelMember.Agency.SEND_TEAM, True),
    ("Sarah Whitfield", "Senior educational psychologist", PanelMember.Agency.EDUCATION, True),
    ("Jo Kendrick", "Early years inclusion lead", PanelMember.Agency.EDUCATION, True),
    ("Dr Priya Nair", "Consultant community paediatrician", PanelMember.Agency.HEALTH, True),
    ("Aled Morgan", "Speech and language therapist", PanelMember.Agency.HEALTH, False),
    ("Mark Osei", "Team manager, disabled children's team", PanelMember.Agency.SOCIAL_CARE, True),
    ("Ruth Ellis", "Westmoor Parent Carer Forum", PanelMember.Agency.PARENT_CARER_FORUM, True),
]
PANEL_NOTES = (
    "The panel welcomed Jo Kendrick, the new early years inclusion lead. Inclusion funding "
    "this year is on budget; the chair asked officers to bring review dates to the next panel. "
    "Health colleagues noted a wait of about 14 weeks for community paediatric appointments."
)
PANEL_DECISIONS = [
    # (decision kind, reason, discussion for the minutes)
    (
        Decision.Kind.ACCEPT,
        "Significant delays in two prime areas, with two cycles of support in the setting: the "
        "panel agreed the routes the rules suggested.",
        "The setting's evidence is clear and the family's views are recorded. Health confirmed "
        "the child is already known to speech and language therapy.",
    ),
    (
        Decision.Kind.FUNDING,
        "The setting needs extra adult support to deliver the small-group and 1:1 work in the "
        "child's support plan.",
        "The panel agreed 10 weeks of inclusion funding, reviewed at 8 weeks, and asked the "
        "setting to share its updated support plan with the SEND officer.",
    ),
    (
        Decision.Kind.MORE_INFORMATION,
        "The panel could not decide without the latest support plan review.",
        "Deferred for the setting's review of the last assess-plan-do-review cycle; the panel "
        "will look at the referral again once the setting has answered.",
    ),
    (
        Decision.Kind.SIGNPOST,
        "Emerging needs that universal services can meet for now.",
        "The family will be given details of the stay-and-play and Chatterbox language "
        "sessions at their children's centre; the setting can refer again if progress stalls.",
    ),
]
PANEL_QUESTION = (
    "Please send the review of your most recent support plan: what you tried, for how long, "
    "and what changed for the child."
)

# Portage: what families and portage workers work on, in small steps.
VISIT_THEMES = [
    {
        "goals": "{name} will take turns rolling a ball back and forth three times.",
        "progress": [
            "{name} watched the ball closely and pushed it back once with a lot of "
            "encouragement from Mum.",
            "{name} rolled the ball back twice without help and laughed when it came back.",
            "Three turns today, and {name} held out their hands to ask for the ball again.",
        ],
        "next_steps": "Keep playing for a few minutes each day; try with a car or a bean bag "
        "too. Say 'my turn, your turn' each time.",
    },
    {
        "goals": "{name} will use a sign or a sound to ask for 'more' at snack time.",
        "progress": [
            "{name} reached for the snack pot; we modelled the 'more' sign each time.",
            "{name} copied the 'more' sign once after we showed it, then got the snack straight "
            "away.",
            "The family say {name} now signs 'more' at most meals, and sometimes says 'mo'.",
        ],
        "next_steps": "Offer small amounts so there are lots of chances to ask. Wait a few "
        "seconds before helping, and praise any sign or sound.",
    },
    {
        "goals": "{name} will put three shapes in the shape sorter with a little help.",
        "progress": [
            "{name} put the circle in with hand-over-hand help and enjoyed hearing it drop.",
            "{name} put the circle and square in on their own; the triangle needed help.",
            "All three shapes today with only a point from Dad to the right hole.",
        ],
        "next_steps": "Leave the sorter out with just the circle and square; add the triangle "
        "when {name} finds them easy.",
    },
    {
        "goals": "{name} will look at a picture book with an adult for two minutes.",
        "progress": [
            "{name} looked at the first two pages, then wanted to chew the book: we chose a "
            "board book with flaps instead.",
            "{name} lifted the flaps and looked at each picture we named; about a minute and a "
            "half.",
            "Two minutes and more today; {name} brought the book back to be read again.",
        ],
        "next_steps": "Read the same flap book every day at the same time, naming one thing on "
        "each page. The library has more in the same series.",
    },
    {
        "goals": "{name} will pull up to stand at the sofa and stand for a count of five.",
        "progress": [
            "{name} pulled up to kneeling and stood briefly holding Mum's hands.",
            "{name} pulled up at the sofa twice to reach a favourite toy, standing for a count "
            "of three.",
            "Standing for a count of five, and starting to step sideways along the sofa.",
        ],
        "next_steps": "Put favourite toys on the sofa cushion to tempt {name} to pull up. The "
        "physiotherapist's advice about shoes is in the red folder.",
    },
    {
        "goals": "{name} will copy two actions in a favourite song.",
        "progress": [
            "{name} watched 'Wind the bobbin up' closely and clapped at the end.",
            "{name} copied the clapping and started the rolling action with some help.",
            "Two actions copied in 'Wind the bobbin up', and {name} now asks for it by rolling "
            "their hands.",
        ],
        "next_steps": "Sing the song slowly and pause before each action so {name} can join in. "
        "Try 'Row, row, row your boat' next.",
    },
    {
        "goals": "{name} will feed themselves finger foods for half of a meal.",
        "progress": [
            "{name} picked up soft pieces of banana but mostly waited to be fed.",
            "{name} fed themselves toast fingers and cucumber for about a quarter of lunch.",
            "Half of lunch fed independently today, with a little help to scoop the yoghurt.",
        ],
        "next_steps": "Offer finger foods first at each meal while {name} is hungriest; try a "
        "pre-loaded spoon with yoghurt.",
    },
    {
        "goals": "{name} will stay with a play activity alongside an adult for three minutes.",
        "progress": [
            "{name} moved quickly between toys; we used a timer and a favourite bubbles game.",
            "{name} stayed with the water tray and cups for about two minutes.",
            "Over three minutes with the water tray, pouring and watching, and checking back "
            "with Mum to share the fun.",
        ],
        "next_steps": "Keep to one activity at a time with the other toys out of sight. Use "
        "'finished' and a box to tidy away before the next one.",
    },
]

ABOUT_ME = [
    {
        "what_people_like_about_me": "My big smile and my giggle when someone plays peekaboo. "
        "I am very affectionate and love a cuddle.",
        "what_is_important_to_me": "My family, especially my big sister. My blue blanket "
        "comes everywhere with me. Bath time with bubbles.",
        "how_best_to_support_me": "Get down to my level and give me time. Show me what is going "
        "to happen next with a picture or the object. Keep things calm when I am tired.",
        "how_i_communicate": "I use my eyes and reach for what I want. I am starting to use the "
        "'more' sign. I cry when I am hungry or when something is too noisy.",
        "family_hopes": "We hope {name} will be able to tell us what they want, and will make "
        "friends at nursery next year.",
        "family_worries": "We worry about how {name} will cope when we are not there, and "
        "about waiting lists for speech therapy.",
    },
    {
        "what_people_like_about_me": "I am determined and funny. I love music and dancing and "
        "I always wave to the bus driver.",
        "what_is_important_to_me": "Nana, who looks after me on Tuesdays. My toy cars. Going "
        "to the park to see the ducks.",
        "how_best_to_support_me": "Tell me what is happening in short words. Give me warning "
        "before we stop a game. I like to be shown, not told.",
        "how_i_communicate": "I point and take your hand to what I want. I say 'mama', 'dada' "
        "and 'car'. I shake my head for 'no'.",
        "family_hopes": "That {name} will be happy and confident, and will go to our local "
        "nursery with the right support.",
        "family_worries": "Whether other children will understand {name}, and how to manage "
        "big feelings when {name} cannot tell us what is wrong.",
    },
    {
        "what_people_like_about_me": "My curiosity: I want to know how everything works. I am "
        "gentle with babies and animals.",
        "what_is_important_to_me": "Our dog, Biscuit. Books about animals. Having the same "
        "bedtime routine every night.",
        "how_best_to_support_me": "Keep routines the same, and use a now-and-next board when "
        "things change. Let me watch first before I join in.",
        "how_i_communicate": "I use about 20 words and some signs. I bring you things to show "
        "you. I go quiet when I am worried.",
        "family_hopes": "We hope {name} keeps loving books and learning, and that we get help "
        "early so {name} is ready for school.",
        "family_worries": "Nothing big at the moment; we would like to understand {name}'s "
        "needs better.",
    },
]
RELATIONSHIPS = dict(FamilyContact.Relationship.choices)

# Advice answers by discipline, in the template's question keys. {name} is the child's first
# name; nothing in them is true of a real child.
ADVICE_ANSWERS = {
    Discipline.SLT: {
        "attention": "{name}'s attention is single-channelled: they can focus on their own "
        "choice of activity for 5 to 10 minutes but cannot yet listen to an adult at the same "
        "time. Attention to adult-led activity is about one minute.",
        "understanding": "{name} understands familiar single words in context (cup, shoes, "
        "coat) and routine instructions with gesture. Not yet understanding two key words.",
        "expressive": "About 15 single words, used inconsistently, and some signs. Speech "
        "sounds are typical for a younger child: p, b, m and d, with final sounds often left "
        "off.",
        "social": "{name} enjoys people games and shares attention with familiar adults, "
        "especially in songs. Plays alongside other children rather than with them.",
        "eating": "No concerns reported by the family or the setting.",
        "outcomes": "By the end of the summer term, {name} will: follow instructions with two "
        "key words in play; use 50 words or signs; join in a small-group song for 5 minutes.",
        "provision": "A key person trained in the Westmoor 'Talk Together' approach; daily "
        "5-minute 1:1 language play using the home programme; a visual timetable. SLT review "
        "in the setting in 12 weeks.",
    },
    Discipline.OT: {
        "sensory": "{name} seeks movement and deep pressure, and covers their ears in busy "
        "rooms. Lining up toys helps them settle.",
        "fine_motor": "Uses a palmar grasp on crayons; can post large shapes and turn board "
        "book pages. Not yet using a pincer grip consistently.",
        "self_care": "Drinks from an open cup with help; feeds with fingers and a pre-loaded "
        "spoon. Pulls off socks and hat. In nappies.",
        "equipment": "A wobble cushion at group times and ear defenders for the hall. No "
        "specialist seating needed.",
        "outcomes": "{name} will use a pincer grip to pick up small objects, feed themselves "
        "with a spoon for most of a meal, and stay in a group activity for 5 minutes with "
        "sensory support.",
        "provision": "A sensory circuit each morning (10 minutes); a quiet space with a den; "
        "fine motor play (play dough, pegs, tongs) three times a week. OT review in 4 months.",
    },
    Discipline.PAEDIATRICS: {
        "diagnoses": "Global developmental delay, under assessment. Seen in clinic twice; "
        "genetic tests are awaited. No other health conditions.",
        "medication": "None. No health care plan needed in the setting.",
        "hearing_vision": "Hearing test in audiology clinic: normal. Vision: no concerns, "
        "orthoptic check at 3 years.",
        "referrals": "Speech and language therapy (open), occupational therapy (open), "
        "physiotherapy (discharged).",
        "outcomes": "Keep making steady progress across the prime areas, with the family "
        "supported to understand {name}'s needs as assessments continue.",
        "provision": "Support in the setting as the SLT and OT advise. Clinic review in 6 "
        "months; the family can contact the community paediatric nurse meanwhile.",
    },
}
ADVICE_DRAFT = {
    "learning": "{name} learns best through play with familiar adults and lots of repetition, "
    "with visual support and time to process.",
    "cognition": "Enjoys cause-and-effect toys and posting; beginning simple pretend play "
    "with a doll and cup.",
}
ADVICE_PLAN = [
    # (discipline, requested days ago, due days ago (negative: in the future), answered days ago)
    (Discipline.SLT, 70, 28, 30),
    (Discipline.OT, 60, 18, 20),
    (Discipline.PAEDIATRICS, 52, 10, 9),
    (Discipline.EDUCATIONAL_PSYCHOLOGY, 56, 14, None),  # overdue, answers part-drafted
    (Discipline.PHYSIOTHERAPY, 40, -2, None),  # due in two days
    (Discipline.HEALTH_VISITING, 12, -30, None),
]
ADVICE_MESSAGES = {
    Discipline.SLT: "Please give speech and language advice for the panel. The setting is "
    "worried about understanding and talking; the family are keen to help at home.",
    Discipline.OT: "Please advise on sensory needs and self-care; the setting describes "
    "distress in busy rooms and at mealtimes.",
    Discipline.PAEDIATRICS: "Please summarise health needs and any diagnoses for the child's "
    "support plan.",
    Discipline.EDUCATIONAL_PSYCHOLOGY: "Please give advice on how the child learns best, to "
    "inform the request for an EHC needs assessment.",
    Discipline.PHYSIOTHERAPY: "Please advise on mobility and positioning in the setting; the "
    "child tires quickly on the stairs and in the garden.",
    Discipline.HEALTH_VISITING: "Please share the outcome of the 2 to 2 and a half year review "
    "and the family's views.",
}

TAC_NOTES = [
    "Everyone agreed {name} has made good progress with turn-taking since the last support "
    "plan. The family would like more ideas for home. Next steps agreed below; the SEND officer "
    "will check whether the setting's request for inclusion funding can go to the next panel.",
    "The meeting reviewed the speech and language advice and the setting's observations. "
    "{name} is settling better at drop-off with a visual timetable. The family asked about "
    "short breaks and were given the local offer details.",
    "{name}'s mum said the home programme is going well but mornings are hard. The setting "
    "will try a quieter start in the small room. Health visitor to follow up sleep advice.",
]
# Actions agreed at each kind of meeting: (owner, what, due in days from today (negative:
# overdue), already done). "parent" has no account: the action carries their name.
TAC_ACTIONS = {
    "at_home": [
        ("portage", "Agree {name}'s next portage goals with the family at the home visit", 2, 0),
        ("send.officer", "Send the family the local offer's list of stay-and-play groups", -4, 0),
        ("parent", "Try the new bedtime book routine and tell Gemma how it goes", 21, 0),
        ("portage", "Share the physiotherapist's standing programme with the family", 10, 1),
    ],
    "demo_setting": [
        ("senco", "Update {name}'s support plan with the new speech and language targets", 1, 0),
        ("practitioner", "Set up a now-and-next board for {name}'s key person sessions", 7, 1),
        ("professional", "Send the family a home programme of play-based language games", -5, 0),
        ("parent", "Bring {name}'s red book to the next review", 40, 0),
    ],
    "advised": [
        ("professional", "Visit the setting to model the language strategies for staff", -3, 0),
        ("send.officer", "Take the request for inclusion funding to the next panel", 2, 0),
        ("parent", "Fill in the family's section of the support plan", 21, 0),
        ("professional", "Send the setting a copy of the speech and language report", 14, 1),
    ],
}
EARLY_HELP_ACCEPT = [
    "The family agreed to an Early Help Assessment and would like support with housing. "
    "Allocated to the Ashbridge family hub.",
    "Accepted: the family asked for help with routines and money worries. A family support "
    "worker will make contact this week.",
    "Accepted for an Early Help Assessment; the health visitor will join the first visit.",
    "Accepted: the family hub already knows the family and will lead the assessment.",
]
# Hand-offs younger than this still wait for the coordinator's answer in the demo.
EARLY_HELP_WAITING_DAYS = 14
EARLY_HELP_DECLINE = [
    "The family already has a social worker: early help would duplicate the support they "
    "have. Passed to the allocated social worker.",
    "The family told the family hub they do not want early help at the moment; they have "
    "the hub's number if that changes.",
]
EARLY_HELP_OUTCOMES = [
    (
        EarlyHelpHandoff.Outcome.EHA_COMPLETED,
        "Assessment completed with both parents; a family plan is in place with the family "
        "hub, reviewed every 6 weeks.",
    ),
    (
        EarlyHelpHandoff.Outcome.FAMILY_SUPPORT,
        "Six sessions of family support on routines and sleep; the family felt no full "
        "assessment was needed.",
    ),
    (
        EarlyHelpHandoff.Outcome.EHA_COMPLETED,
        "Assessment completed; the family plan covers housing and a nursery place, and the "
        "family hub leads the reviews.",
    ),
    (
        EarlyHelpHandoff.Outcome.NO_FURTHER_ACTION,
        "After two visits the family's worries were resolved with the nursery's support; no "
        "further action.",
    ),
    (
        EarlyHelpHandoff.Outcome.FAMILY_DECLINED,
        "The family chose not to go ahead after the first visit; the nursery keeps in touch.",
    ),
]


@dataclass
class Tally:
    panels: int = 0
    panel_decisions: int = 0
    visits: int = 0
    families: int = 0
    paperwork: int = 0
    tac_meetings: int = 0
    tac_actions: int = 0
    advice: int = 0
    handoffs_accepted: int = 0
    outcomes: int = 0
    handoffs_declined: int = 0
    messages_logged: int = 0
    skipped: list[str] = field(default_factory=list)


def at_hour(day: datetime.date, hour: int = 10) -> datetime.datetime:
    """A moment on a past day, never later than now."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
    return min(moment, timezone.now())


@contextmanager
def happened_at(moment: datetime.datetime) -> Iterator[None]:
    """The timeline events the services write inside the block are dated `moment`."""
    last = ReferralEvent.objects.aggregate(last=Max("pk"))["last"] or 0
    yield
    ReferralEvent.objects.filter(pk__gt=last).update(at=moment)


def say(text: str, child: Child) -> str:
    return text.replace("{name}", child.first_name)


class Command(BaseCommand):
    help = (
        "Adds demo casework through the real services: panels, portage visits and All about "
        "me, Team Around the Child meetings, advice requests and early help responses."
    )

    def handle(self, *args, **options):
        demo.check_demo_command()  # DEMO=1 beside a production setting: refuse
        self.today = timezone.localdate()
        self.users = {u.username: u for u in User.objects.filter(is_active=True)}
        self.demo_settings = set(
            SettingMembership.objects.filter(user__username="practitioner").values_list(
                "setting_id", flat=True
            )
        )
        needed = ("send.manager", "send.officer", "portage", "professional", "early.help")
        missing = [name for name in needed if name not in self.users]
        if missing or not Referral.objects.filter(answers__has_key="demo_key").exists():
            raise CommandError("Run `manage.py demo_data` and `manage.py demo_pathway` first.")
        tally = Tally()
        last_message = OutboxMessage.objects.aggregate(last=Max("pk"))["last"] or 0
        with transaction.atomic():
            self.panels(tally)
            self.portage(tally)
            self.advice(tally)  # before the meetings: a professional asked may own actions
            self.early_help(tally)
            self.team_around_the_child(tally)
            tally.messages_logged = self.settle_messages(last_message)
        self.stdout.write(self.summary(tally))

    # Messages --------------------------------------------------------------------------------

    def settle_messages(self, after_pk: int) -> int:
        """The messages this run's services queued, recorded as a service in use would have
        sent them at the time, so the message log has a history; nothing is sent now. Each
        one waiting to send is marked delivered (with the words it had) when its visit or
        request happened; the rest (no consent, no number, held) stay as the service left
        them. Marked before commit, so the sending after commit finds nothing to send."""
        prefixes = Q()
        for prefix in MESSAGE_KEY_PREFIXES:
            prefixes |= Q(idempotency_key__startswith=prefix)
        ours = list(
            OutboxMessage.objects.filter(
                prefixes, pk__gt=after_pk, status=OutboxMessage.Status.PENDING
            )
        )
        for message in ours:
            text, used = render_message(message.template, message.language, message.context)
            moment = self.message_moment(message) or message.created_at
            OutboxMessage.objects.filter(pk=message.pk).update(
                status=OutboxMessage.Status.DELIVERED,
                body=text,
                language=used,
                attempts=1,
                created_at=moment,
                sent_at=moment + datetime.timedelta(seconds=20),
                status_updated_at=moment + datetime.timedelta(minutes=1),
                next_attempt_at=None,
            )
        return len(ours)

    def message_moment(self, message: OutboxMessage) -> datetime.datetime | None:
        """When the record that queued the message was made (a visit, an advice request)."""
        parts = message.idempotency_key.split(":")
        if parts[0] == "portage-visit" and len(parts) >= 3:
            visit = (
                PortageVisit.objects.filter(child_id=parts[1], next_visit_on=parts[2])
                .order_by("visited_on")
                .first()
            )
            return at_hour(visit.visited_on, 16) if visit else None
        if parts[0] == "fund-decision" and len(parts) >= 2:
            application = (
                FundApplication.objects.filter(pk=parts[1])
                .select_related("decided_at_panel")
                .first()
            )
            panel = application.decided_at_panel if application else None
            return at_hour(panel.held_on, 15) if panel else None
        if parts[0] == "advice" and len(parts) >= 2:
            advice_request = AdviceRequest.objects.filter(pk=parts[1]).first()
            return advice_request.requested_at if advice_request else None
        return None

    # Panels ----------------------------------------------------------------------------------

    def panels(self, tally: Tally) -> None:
        """Fortnightly panels on Thursdays: the last one (one to two weeks ago) held, its
        decisions made and minutes published; the next two scheduled with the same members,
        the first with waiting referrals on its agenda. Deciding at a past panel needs no
        trick: the services refuse decisions before the panel's day, not after it."""
        if PanelMeeting.objects.exists():
            tally.skipped.append("panels")
            return
        manager = self.users["send.manager"]
        next_panel = self.today + datetime.timedelta(days=(THURSDAY - self.today.weekday()) % 7)
        if next_panel == self.today:
            next_panel += datetime.timedelta(days=7)
        held_on = next_panel - panels.FORTNIGHT
        where = {
            "starts_at": datetime.time(9, 30),
            "location": "Westmoor County Hall, Committee Room 2",
            "chair": manager,
        }
        past = panels.schedule_panel(held_on=held_on, by=manager, **where)
        for name, role, agency, _ in PANEL_MEMBERS:
            panels.add_member(past, name=name, agency=agency, role_title=role, by=manager)
        # The agenda was set three days before, from referrals sent by then.
        agenda_day = held_on - datetime.timedelta(days=3)
        ready = [
            referral
            for referral in panels.candidate_referrals(manager, past, area_only=False)
            if timezone.localdate(referral.submitted_at) < agenda_day
        ][:4]
        agenda = []
        if ready:
            with happened_at(at_hour(agenda_day, 16)):
                agenda = panels.add_to_agenda(past, ready, by=manager)
            # demo_pathway claimed some waiting referrals as it ran: before the agenda, really.
            claimed_at = at_hour(agenda_day, 10)
            ids = [referral.pk for referral in ready]
            ReferralEvent.objects.filter(
                referral_id__in=ids,
                kind__in=(ReferralEvent.Kind.CLAIMED, ReferralEvent.Kind.ALLOCATED),
                at__gt=claimed_at,
            ).update(at=claimed_at)
            Referral.objects.filter(pk__in=ids, allocated_at__gt=claimed_at).update(
                allocated_at=claimed_at
            )
        present = {name: attended for name, _, _, attended in PANEL_MEMBERS}
        panels.record_attendance(
            past, {m.pk: present[m.name] for m in past.members.all()}, by=manager
        )
        decided_at = at_hour(held_on, 11)
        first_decision = Decision.objects.aggregate(last=Max("pk"))["last"] or 0
        with happened_at(decided_at):
            for item, (kind, reason, discussion) in zip(agenda, PANEL_DECISIONS, strict=False):
                panels.decide_item(
                    item,
                    by=manager,
                    discussion=discussion,
                    notify=False,
                    **self.panel_decision(item.referral, kind, reason, held_on),
                )
                tally.panel_decisions += 1
            panels.update_notes(past, notes=PANEL_NOTES, by=manager)
            panels.mark_held(past, by=manager)
        decisions = Decision.objects.filter(pk__gt=first_decision)
        decisions.update(decided_at=decided_at)
        ReferralClock.objects.filter(stopped_by__in=decisions).update(stopped_at=decided_at)
        FundingAward.objects.filter(decision__in=decisions).update(awarded_at=decided_at)
        InformationRequest.objects.filter(decision__in=decisions).update(asked_at=decided_at)
        panels.publish_minutes(past, by=manager)
        PanelMeeting.objects.filter(pk=past.pk).update(
            created_at=at_hour(held_on - datetime.timedelta(days=21)),
            minutes_published_at=at_hour(held_on + datetime.timedelta(days=2), 15),
        )

        # The next two panels, set up today.
        upcoming = panels.schedule_panel(held_on=next_panel, by=manager, **where)
        panels.copy_members(upcoming, past, by=manager)
        following = panels.schedule_following(upcoming, count=1, by=manager)
        decided = {item.referral_id for item in agenda}
        waiting = [
            referral
            for referral in panels.candidate_referrals(manager, upcoming, area_only=False)
            if referral.pk not in decided
        ][:3]
        if waiting:
            panels.add_to_agenda(upcoming, waiting, by=manager)
        tally.panels += 2 + len(following)

    def panel_decision(
        self, referral: Referral, kind: str, reason: str, held_on: datetime.date
    ) -> dict:
        """The decision's arguments, falling back to accepting (or signposting) where the
        planned decision does not fit this referral."""
        routes = [route for route in referral.routes if route != Route.LOCAL_OFFER]
        if kind == Decision.Kind.FUNDING and referral.setting_id:
            starts = held_on + datetime.timedelta(days=14)
            return {
                "kind": kind,
                "reason": reason,
                "funding": casework.FundingTerms(
                    amount=Decimal("1500"),
                    hours_per_week=Decimal("7.5"),
                    starts_on=starts,
                    ends_on=starts + datetime.timedelta(weeks=10),
                    review_on=starts + datetime.timedelta(weeks=8),
                ),
            }
        if (
            kind == Decision.Kind.MORE_INFORMATION
            and referral.setting_id
            and (referral.status != Referral.Status.MORE_INFORMATION)
        ):
            return {"kind": kind, "reason": reason, "question": PANEL_QUESTION}
        if kind == Decision.Kind.SIGNPOST or not routes:
            return {"kind": Decision.Kind.SIGNPOST, "reason": PANEL_DECISIONS[3][1]}
        return {"kind": Decision.Kind.ACCEPT, "reason": PANEL_DECISIONS[0][1], "routes": routes}

    # Portage ---------------------------------------------------------------------------------

    def portage(self, tally: Tally) -> None:
        """1 to 4 fortnightly home visits for each family on the demo portage worker's caseload,
        the next one booked, and "All about me" with every other family."""
        worker = self.users["portage"]
        caseload = (
            Child.objects.filter(caseload_memberships__portage_worker=worker)
            .prefetch_related("family_contacts")
            .order_by("reference")
        )
        visited = set(PortageVisit.objects.values_list("child_id", flat=True))
        with_paperwork = set(FamilyPaperwork.objects.values_list("child_id", flat=True))
        for number, child in enumerate(caseload):
            rng = random.Random(f"portage:{child.reference}")  # noqa: S311 - demo data
            if child.pk not in visited:
                dates = self.visit_dates(rng, child)
                for index, (day, next_day) in enumerate(
                    zip(dates, [*dates[1:], None], strict=True)
                ):
                    # One goal over three visits, then the next one.
                    theme = VISIT_THEMES[(number + index // 3) % len(VISIT_THEMES)]
                    progress = theme["progress"][index % 3]
                    with happened_at(at_hour(day, 14)):
                        visit = portage.record_visit(
                            worker,
                            child,
                            visited_on=day,
                            goals=say(theme["goals"], child),
                            progress=say(progress, child),
                            next_steps=say(theme["next_steps"], child),
                            next_visit_on=next_day or self.next_visit(rng, day),
                        )
                    PortageVisit.objects.filter(pk=visit.pk).update(created_at=at_hour(day, 17))
                    tally.visits += 1
                tally.families += bool(dates)
            if number % 2 == 0 and child.pk not in with_paperwork:
                self.about_me(worker, child, number, tally)

    def visit_dates(self, rng: random.Random, child: Child) -> list[datetime.date]:
        """Fortnightly (give or take a couple of days), the last within the last fortnight,
        none before the child was a month old."""
        day = self.today - datetime.timedelta(days=rng.randint(2, 12))
        dates = []
        for _ in range(rng.randint(1, 4)):
            if day <= child.date_of_birth + datetime.timedelta(days=30):
                break
            dates.append(day)
            day -= datetime.timedelta(days=14 + rng.randint(-2, 2))
        return dates[::-1]

    def next_visit(self, rng: random.Random, last: datetime.date) -> datetime.date:
        day = last + datetime.timedelta(days=14)
        while day <= self.today:
            day += datetime.timedelta(days=7)
        return day + datetime.timedelta(days=rng.choice([0, 1, -1]))

    def about_me(self, worker: User, child: Child, number: int, tally: Tally) -> None:
        contacts = sorted(child.family_contacts.all(), key=lambda c: (not c.is_primary, c.pk))
        if not contacts:
            return
        contact = contacts[0]
        first_visit = PortageVisit.objects.filter(child=child).order_by("visited_on").first()
        done_on = first_visit.visited_on if first_visit else self.today
        content = ABOUT_ME[number // 2 % len(ABOUT_ME)]
        consent = [ShareWith.SEND_TEAM, ShareWith.PORTAGE, ShareWith.HEALTH]
        if number % 4 == 0:
            consent.append(ShareWith.EARLY_HELP)
        with happened_at(at_hour(done_on, 15)):
            paperwork = portage.save_paperwork(
                worker,
                child,
                completed_by=contact.name,
                relationship=RELATIONSHIPS.get(contact.relationship, "Parent"),
                consent_to_share=consent,
                consent_given_on=done_on,
                **{key: say(text, child) for key, text in content.items()},
            )
        FamilyPaperwork.objects.filter(pk=paperwork.pk).update(updated_at=at_hour(done_on, 15))
        # The same words as the first version of the family's All about me (issue 22).
        words = {key: say(text, child) for key, text in content.items()}
        with happened_at(at_hour(done_on, 15)):
            family_story.save_all_about_me(
                child,
                {
                    "what_people_like_about_me": words.get("what_people_like_about_me", ""),
                    "what_is_important_to_me": words.get("what_is_important_to_me", ""),
                    "how_i_communicate": words.get("how_i_communicate", ""),
                    "what_works": words.get("how_best_to_support_me", ""),
                    "what_is_hard": words.get("family_worries", ""),
                    "hopes": words.get("family_hopes", ""),
                },
                assisted_by=worker,
                completed_with=contact.name,
                relationship=RELATIONSHIPS.get(contact.relationship, "Parent"),
            )
        AllAboutMe.objects.filter(child=child).update(written_at=at_hour(done_on, 15))
        tally.paperwork += 1

    # Advice ----------------------------------------------------------------------------------

    def advice(self, tally: Tally) -> None:
        """Six requests to the demo professional across disciplines: three answered, one
        overdue with a draft saved, one due in two days, one due next month."""
        professional = self.users["professional"]
        if AdviceRequest.objects.filter(professional=professional).exists():
            tally.skipped.append("advice requests")
            return
        officer = self.users["send.officer"]
        templates = {t.discipline: t for t in AdviceTemplate.objects.filter(active=True)}
        candidates = self.advice_candidates()
        used: set[int] = set()
        for discipline, asked, due, answered in ADVICE_PLAN:
            asked_on = self.today - datetime.timedelta(days=asked)
            # Asked once the referral had been decided (within 16 days of arriving).
            referral = next(
                (
                    r
                    for r in candidates
                    if r.child_id not in used
                    and timezone.localdate(r.submitted_at) < asked_on - datetime.timedelta(17)
                ),
                None,
            )
            if referral is None or discipline not in templates:
                continue
            used.add(referral.child_id)
            child = referral.child
            with happened_at(at_hour(asked_on, 12)):
                request = advice.request_advice(
                    referral,
                    by=officer,
                    template=templates[discipline],
                    professional=professional,
                    due_on=self.today - datetime.timedelta(days=due),
                    message=ADVICE_MESSAGES[discipline],
                    today=asked_on,
                )
            AdviceRequest.objects.filter(pk=request.pk).update(requested_at=at_hour(asked_on, 12))
            if answered is not None:
                answered_at = at_hour(self.today - datetime.timedelta(days=answered), 16)
                answers = {k: say(v, child) for k, v in ADVICE_ANSWERS[discipline].items()}
                with happened_at(answered_at):
                    advice.send_advice(request, by=professional, answers=answers)
                AdviceRequest.objects.filter(pk=request.pk).update(submitted_at=answered_at)
            elif discipline == Discipline.EDUCATIONAL_PSYCHOLOGY:
                answers = {k: say(v, child) for k, v in ADVICE_DRAFT.items()}
                advice.save_draft(request, by=professional, answers=answers)
            tally.advice += 1

    def advice_candidates(self) -> list[Referral]:
        """Accepted referrals: two of the demo practitioner's setting's first (so that its
        Team Around the Child includes the professional), then the SEND team's, newest first."""
        accepted = list(
            Referral.objects.filter(status=Referral.Status.ACCEPTED)
            .select_related("child")
            .order_by("-submitted_at", "pk")
        )
        demo_setting = [r for r in accepted if r.setting_id in self.demo_settings][:2]
        send_team = [r for r in accepted if Route.SEND_TEAM in r.routes]
        return [*demo_setting, *send_team]

    # Team Around the Child ---------------------------------------------------------------------

    def team_around_the_child(self, tally: Tally) -> None:
        """Meetings for children with referrals (those the professional advises on, the demo
        setting's first, and one early help accepted) and, since the portage caseload's
        families have no referrals in the demo, one for a family on the portage caseload."""
        if TacMeeting.objects.exists():
            tally.skipped.append("Team Around the Child")
            return
        children: list[Child] = [
            referral.child
            for referral in Referral.objects.filter(setting_id__in=self.demo_settings)
            .select_related("child")
            .order_by("-submitted_at", "pk")
        ][:2]
        for request in (
            AdviceRequest.objects.filter(professional=self.users["professional"])
            .select_related("referral__child")
            .order_by("pk")
        ):
            if request.referral.child not in children:
                children.append(request.referral.child)
        children = children[:4]
        helped = (
            EarlyHelpHandoff.objects.filter(coordinator__isnull=False)
            .exclude(referral__child__in=children)
            .select_related("referral__child")
            .order_by("pk")
            .first()
        )
        if helped:
            children.append(helped.referral.child)
        plans = [
            (child, "demo_setting" if child.setting_id in self.demo_settings else "advised")
            for child in children
        ]
        at_home = (
            Child.objects.filter(caseload_memberships__portage_worker=self.users["portage"])
            .order_by("reference")
            .first()
        )
        if at_home:
            plans.append((at_home, "at_home"))
        for number, (child, kind) in enumerate(plans):
            self.meeting(child, number, kind, tally)

    def meeting(self, child: Child, number: int, kind: str, tally: Tally) -> None:
        u = self.users
        held_on = self.today - datetime.timedelta(days=10 + 9 * number)
        latest = child.referrals.order_by("-submitted_at").first()
        if latest is not None:
            # A week or more after the concern came in.
            after = timezone.localdate(latest.submitted_at) + datetime.timedelta(days=7)
            held_on = min(max(held_on, after), self.today - datetime.timedelta(days=1))
        contact = child.family_contacts.order_by("-is_primary", "pk").first()
        parent = contact.name if contact else "Parent or carer"
        attendees = [
            {"name": parent, "discipline": Discipline.PARENT},
            {"name": "Laura Bennett", "discipline": Discipline.SEND_TEAM},
            {"name": "Aled Morgan", "discipline": Discipline.SLT},
            {"name": "Kate Lambert", "discipline": Discipline.HEALTH_VISITING, "present": False},
        ]
        recorder = u["send.officer"]
        if kind == "at_home":
            recorder = u["portage"]
            attendees += [
                {"name": "Gemma Walsh", "discipline": Discipline.PORTAGE},
                {"name": "Dan Hollis", "discipline": Discipline.PHYSIOTHERAPY},
            ]
        elif kind == "demo_setting":
            recorder = u.get("senco", recorder)
            attendees += [
                {"name": "Rebecca Hughes", "discipline": Discipline.SETTING_SENCO},
                {"name": "Amy Collins (key person)", "discipline": Discipline.OTHER},
            ]
        else:
            attendees.append({"name": "Nursery SENCO", "discipline": Discipline.SETTING_SENCO})
            if EarlyHelpHandoff.objects.filter(referral__child=child).exists():
                attendees.append({"name": "Priya Shah", "discipline": Discipline.EARLY_HELP})
        allowed = {owner.username: owner for owner in tac.action_owners(child)}
        actions, done = [], []
        for who, what, due_in, is_done in TAC_ACTIONS[kind]:
            owner = None if who == "parent" else allowed.get(who, u["send.officer"])
            # Every other meeting's late actions are still to come, so each owner has some
            # overdue and some due soon.
            if due_in < 0 and number % 2:
                due_in = -due_in
            due = self.today + datetime.timedelta(days=due_in)
            actions.append(
                {
                    "description": say(what, child),
                    "owner": owner,
                    "owner_name": parent if owner is None else "",
                    "due_on": max(due, held_on),
                }
            )
            done.append(is_done)
        with happened_at(at_hour(held_on, 13)):
            meeting = tac.record_meeting(
                recorder,
                child,
                held_on=held_on,
                notes=say(TAC_NOTES[number % len(TAC_NOTES)], child),
                next_review_on=held_on + datetime.timedelta(weeks=8),
                attendees=attendees,
                actions=actions,
            )
        TacMeeting.objects.filter(pk=meeting.pk).update(created_at=at_hour(held_on, 15))
        tally.tac_meetings += 1
        tally.tac_actions += len(actions)
        done_at = at_hour(held_on + (self.today - held_on) / 2, 11)
        for action, is_done in zip(meeting.actions.order_by("pk"), done, strict=True):
            if is_done and action.owner_id:
                with happened_at(done_at):
                    tac.complete_action(action.owner, action.pk)
                TacAction.objects.filter(pk=action.pk).update(done_at=done_at)

    # Early help ------------------------------------------------------------------------------

    def early_help(self, tally: Tally) -> None:
        """A coordinator who keeps up: every hand-off older than EARLY_HELP_WAITING_DAYS was
        answered within a few days of arriving (most accepted, some declined with a reason,
        the ones accepted more than two months ago closed with an outcome); only the last
        fortnight's wait for an answer, as they would in a service in use."""
        if EarlyHelpHandoff.objects.filter(coordinator__isnull=False).exists():
            tally.skipped.append("early help")
            return
        coordinator = self.users["early.help"]
        cutoff = at_hour(self.today - datetime.timedelta(days=EARLY_HELP_WAITING_DAYS))
        answered = (
            EarlyHelpHandoff.objects.filter(
                status=EarlyHelpHandoff.Status.AWAITING, referral__submitted_at__lt=cutoff
            )
            .select_related("referral")
            .order_by("referral__submitted_at", "pk")
        )
        for index, handoff in enumerate(answered):
            rng = random.Random(f"early-help:{handoff.pk}")  # noqa: S311 - demo data
            submitted = timezone.localdate(handoff.referral.submitted_at)
            responded = at_hour(submitted + datetime.timedelta(days=rng.randint(1, 6)), 11)
            accept = index % 6 != 5  # about one in six declined
            reason = (
                EARLY_HELP_ACCEPT[index % len(EARLY_HELP_ACCEPT)]
                if accept
                else EARLY_HELP_DECLINE[index % len(EARLY_HELP_DECLINE)]
            )
            with happened_at(responded):
                early_help.respond(handoff, by=coordinator, accept=accept, reason=reason)
            EarlyHelpHandoff.objects.filter(pk=handoff.pk).update(responded_at=responded)
            tally.handoffs_accepted += accept
            tally.handoffs_declined += not accept
            closed_on = submitted + datetime.timedelta(days=rng.randint(42, 90))
            if accept and closed_on < self.today - datetime.timedelta(days=7):
                outcome, notes = EARLY_HELP_OUTCOMES[index % len(EARLY_HELP_OUTCOMES)]
                closed = at_hour(closed_on, 15)
                with happened_at(closed):
                    early_help.record_outcome(handoff, by=coordinator, outcome=outcome, notes=notes)
                EarlyHelpHandoff.objects.filter(pk=handoff.pk).update(closed_at=closed)
                tally.outcomes += 1

    # Summary ---------------------------------------------------------------------------------

    def summary(self, t: Tally) -> str:
        made = (
            t.panels or t.visits or t.paperwork or t.tac_meetings or t.advice or t.handoffs_accepted
        )
        if not made:
            return "Demo casework: nothing to add (already up to date)."
        skipped = f"; already there: {', '.join(t.skipped)}" if t.skipped else ""
        return (
            f"Demo casework: {t.panels} panels ({t.panel_decisions} decisions at the held one), "
            f"{t.visits} home visits for {t.families} families, {t.paperwork} All about me, "
            f"{t.tac_meetings} Team Around the Child meetings ({t.tac_actions} actions), "
            f"{t.advice} advice requests, {t.handoffs_accepted} early help hand-offs accepted "
            f"({t.outcomes} with outcomes) and {t.handoffs_declined} declined; "
            f"{t.messages_logged} messages in the log as sent at the time{skipped}."
        )
