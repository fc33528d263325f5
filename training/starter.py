"""The starter module, "Spotting additional needs in the early years": five lessons written for
Westmoor's early years staff, loaded once (trainers edit it in Wagtail from then on)."""

from __future__ import annotations

import datetime
import uuid

from django.db import transaction
from django.utils import timezone

from earlyyears.needs import BroadAreaOfNeed, EYFSArea

from .models import LessonPage, TrainingIndexPage, TrainingModulePage

SLUG = "spotting-additional-needs"
TITLE = "Spotting additional needs in the early years"
NAMESPACE = uuid.UUID("6f1c7e0a-3b9d-4b3e-9a55-0d6a3c2f8e11")


def p(*paragraphs: str) -> tuple[str, str]:
    return ("paragraph", "".join(f"<p>{text}</p>" for text in paragraphs))


def bullets(intro: str, *items: str) -> tuple[str, str]:
    listed = "".join(f"<li>{item}</li>" for item in items)
    return ("paragraph", f"<p>{intro}</p><ul>{listed}</ul>")


def h(text: str, level: str = "h2") -> tuple[str, dict]:
    return ("heading", {"text": text, "level": level})


def signs(area: EYFSArea, need: BroadAreaOfNeed, items: list[str], note: str = "") -> tuple:
    return (
        "signs",
        {
            "title": f"Signs to look out for: {area.label.lower()}",
            "eyfs_area": area.value,
            "broad_area_of_need": need.value,
            "signs": items,
            "note": note,
        },
    )


def q(question: str, answers: list[tuple[str, bool, str]], explanation: str = "") -> tuple:
    return (
        "question",
        {
            "question": question,
            "answers": [
                {"text": text, "correct": correct, "feedback": feedback}
                for text, correct, feedback in answers
            ],
            "explanation": explanation,
        },
    )


LESSONS: list[dict] = [
    {
        "slug": "signs-to-look-out-for",
        "title": "Signs to look out for in the prime areas",
        "summary": "What a difference in development can look like in communication and "
        "language, physical development, and personal, social and emotional development.",
        "body": [
            p(
                "Every child develops at their own pace, and a wide range is typical. "
                "Development Matters gives a broad guide to what most children do at each age, "
                "not a checklist every child must pass on time.",
                "A difference becomes something to act on when it lasts, when you see it in "
                "more than one situation, or when a child is not making progress even with good "
                "support. Your job is not to diagnose. It is to notice, write down what you see, "
                "and share it early with your SENCO and the child's family.",
            ),
            h("Communication and language"),
            signs(
                EYFSArea.COMMUNICATION_AND_LANGUAGE,
                BroadAreaOfNeed.COMMUNICATION_AND_INTERACTION,
                [
                    "By around 18 months, not pointing to show you things and not using any "
                    "single words",
                    "By around 2 years, using very few words (fewer than about 50) or not yet "
                    "putting two words together",
                    "Not responding to their name or to simple words in familiar routines",
                    "Speech that familiar adults still find very hard to understand at around "
                    "3 years",
                    "Repeating words or phrases they have heard, rather than using words to ask "
                    "for things or share what interests them",
                    "Losing words or ways of communicating that they used to have",
                ],
                "A child who loses skills at any age should be talked about with the family "
                "and the health visitor promptly.",
            ),
            p(
                "Many children in Westmoor are learning English as an additional language. "
                "Learning English is not in itself a special educational need. Before deciding "
                "that a child's talking is delayed, ask the family how the child understands and "
                "talks in their home language.",
            ),
            h("Physical development"),
            signs(
                EYFSArea.PHYSICAL_DEVELOPMENT,
                BroadAreaOfNeed.SENSORY_AND_PHYSICAL,
                [
                    "Not sitting steadily without support by around 9 months, or not walking by "
                    "around 18 months",
                    "Using one side of the body much more than the other, or hands that stay "
                    "tightly fisted",
                    "Falling, tripping or bumping into things much more often than other "
                    "children of the same age",
                    "A body that seems very floppy or very stiff, or always walking on tiptoe",
                    "Finding it hard to pick up small objects, use both hands together, or "
                    "start to feed themselves",
                    "Squinting, tilting the head or going very close to things to see them, or "
                    "not turning towards sounds",
                    "Very strong reactions to noise, touch, or the texture of food or clothes, "
                    "that get in the way of everyday life",
                ],
                "Worries about seeing or hearing need a health check: encourage the family to "
                "speak to their health visitor or GP.",
            ),
            h("Personal, social and emotional development"),
            signs(
                EYFSArea.PERSONAL_SOCIAL_EMOTIONAL,
                BroadAreaOfNeed.SOCIAL_EMOTIONAL_MENTAL_HEALTH,
                [
                    "Little interest in other people: rarely sharing a smile, looking to you, or "
                    "bringing things to show you",
                    "Great distress at small changes of routine or when moving between "
                    "activities, lasting a long time",
                    "Play that stays the same and narrow, such as lining things up, with little "
                    "pretend play by around 3 years",
                    "Frequent, intense distress, hurting others, or withdrawing, that does not "
                    "settle with the usual comfort",
                    "Not looking for comfort from familiar adults when hurt or upset",
                ],
                "Behaviour is communication. Notice when, where and with whom it happens before "
                "deciding what it means.",
            ),
            bullets(
                "When you notice something:",
                "write down what you saw and heard, the date, and what was happening at the time",
                "note what the child does well and enjoys, too",
                "compare with Development Matters for the child's age",
                "talk to your SENCO, then to the family (the next lesson shows how)",
            ),
            q(
                "A child aged 2 years and 3 months uses about 10 words and does not put two "
                "words together. What is the best first step?",
                [
                    (
                        "Wait until they start school, because many children catch up",
                        False,
                        "Some children do catch up, but waiting loses valuable time. Support "
                        "given early helps, and does no harm if the child would have caught up.",
                    ),
                    (
                        "Write down what you see, talk to your SENCO and share your observations "
                        "with the family",
                        True,
                        "Yes. Careful observations, shared early with your SENCO and the family, "
                        "are the start of getting the right help.",
                    ),
                    (
                        "Tell the family you think their child is autistic",
                        False,
                        "Practitioners never diagnose. Describe what you have seen, not a label.",
                    ),
                ],
            ),
            q(
                "A child learning English as an additional language says very few words in "
                "English at nursery. What should you find out first?",
                [
                    (
                        "How the child understands and talks in their home language, by asking "
                        "the family",
                        True,
                        "Yes. If the child communicates well in their home language, they are "
                        "learning English, which is not a special educational need.",
                    ),
                    (
                        "Nothing: learning English as an additional language is a special "
                        "educational need",
                        False,
                        "Difficulties that come only from learning English are not special "
                        "educational needs.",
                    ),
                    (
                        "How well they hear, by testing their hearing at nursery",
                        False,
                        "Hearing is checked by health professionals. If you are worried about "
                        "hearing, encourage the family to talk to their health visitor or GP.",
                    ),
                ],
            ),
            q(
                "Which of these should you act on straight away, whatever the child's age?",
                [
                    (
                        "A child who prefers playing outside to playing inside",
                        False,
                        "That is a preference, not a sign of additional needs.",
                    ),
                    (
                        "A child who has lost words or skills they used to have",
                        True,
                        "Yes. Losing skills always needs talking about with the family and "
                        "their health visitor or GP promptly.",
                    ),
                    (
                        "A child who is shy with new adults for their first few weeks",
                        False,
                        "Shyness while settling in is common and usually eases with time and a "
                        "warm key person.",
                    ),
                ],
            ),
        ],
    },
    {
        "slug": "talking-with-families",
        "title": "Talking with families",
        "summary": "How to share a worry with parents and carers, listen to what they know, and "
        "agree what to do together.",
        "body": [
            p(
                "Parents and carers know their child best. They see the child in places and at "
                "times you do not, and their views shape every decision about support. Talking "
                "with them early, openly and kindly is the most important thing you will do.",
            ),
            h("Before you talk"),
            bullets(
                "Get ready:",
                "choose a quiet, private place and a time when nobody is rushed",
                "invite everyone the family would like to be there",
                "if the family would like to talk in another language, book an interpreter: "
                "never ask the child, a brother or sister, or another parent to interpret",
                "have your observations ready, including what the child enjoys and does well",
            ),
            h("During the conversation"),
            bullets(
                "Start with the child, not the problem:",
                "begin with what the child enjoys and is good at",
                "describe what you have seen in plain words, with real examples",
                "ask what they see at home, and whether they have any worries of their own",
                "listen more than you talk, and let silences happen",
                "do not use labels or guess at a diagnosis",
                "agree one or two things you will each try, and when you will talk again",
            ),
            p(
                "Families can worry that they will be blamed, that their child will be "
                "labelled, or about what it means for school. Reassure them that noticing early "
                "means help can start early, and that they will be part of every step.",
                "If a family does not share your concern, write down their views in their own "
                "words, keep supporting the child in the setting, and agree a time to look at "
                "progress together. Views often change as you build trust and share what you "
                "see.",
            ),
            h("Consent and safeguarding"),
            p(
                "A concern goes to the Early Years SEND team with the family's knowledge and "
                "consent. Explain what will be shared, with whom and why, and record their answer.",
                "If you think a child may be at risk of harm, this is different: follow your "
                "setting's safeguarding procedure straight away and speak to your designated "
                "safeguarding lead.",
            ),
            q(
                "What is a good way to start a conversation with a family about a worry?",
                [
                    (
                        "With what their child enjoys and does well, then what you have noticed",
                        True,
                        "Yes. Starting with the child's strengths shows you know and value "
                        "their child.",
                    ),
                    (
                        "With a list of everything the child cannot do yet",
                        False,
                        "A list of difficulties can feel like blame. Start with strengths and "
                        "real examples.",
                    ),
                    (
                        "By naming the condition you think the child might have",
                        False,
                        "Practitioners do not diagnose. Describe what you see instead.",
                    ),
                ],
            ),
            q(
                "A parent would like to talk in Polish. Who should interpret?",
                [
                    (
                        "Their older child, who speaks good English",
                        False,
                        "Children should never interpret: it is unfair on them, and important "
                        "details can be lost.",
                    ),
                    (
                        "A professional interpreter arranged by the setting",
                        True,
                        "Yes. A professional interpreter lets the parent say everything they "
                        "want to, in confidence.",
                    ),
                    (
                        "No one: speak slowly in simple English",
                        False,
                        "The family has the right to take full part. Arrange an interpreter.",
                    ),
                ],
            ),
            q(
                "A family does not share your concern. What should you do?",
                [
                    (
                        "Send the concern to the SEND team anyway, without telling them",
                        False,
                        "Apart from safeguarding, concerns go to the SEND team with the "
                        "family's knowledge and consent.",
                    ),
                    (
                        "Record their views, keep supporting the child and agree to talk again",
                        True,
                        "Yes. Keep working together: share progress and look again at an "
                        "agreed date.",
                    ),
                    (
                        "Stop observing the child",
                        False,
                        "Keep observing: your records will help you and the family look at "
                        "progress together.",
                    ),
                ],
            ),
        ],
    },
    {
        "slug": "what-to-try-first",
        "title": "What to try first in your setting: the graduated approach",
        "summary": "Assess, plan, do, review: cycles of support in the setting, and ideas to try "
        "in each prime area.",
        "body": [
            p(
                "When a child needs something extra, the setting starts support straight away. "
                "The graduated approach is a cycle of four stages, repeated and refined: assess, "
                "plan, do and review. It is how SEN support works in every early years setting.",
            ),
            h("Assess"),
            p(
                "Bring together what you know: your observations, the child's progress against "
                "Development Matters, the progress check at age 2, the family's views, and any "
                "advice from health visitors or others. If your setting uses a language or "
                "development screen, use it here.",
            ),
            h("Plan"),
            p(
                "Agree two or three small, clear targets with the family. A good target says "
                'what the child will do, when and where, and by when. For example: "Jamie will '
                "use the word or sign for 'more' to ask for more at snack time, on most days, "
                'within six weeks." Write down the support, who gives it, how often, and the '
                "date you will review it together.",
            ),
            h("Do"),
            bullets(
                "The key person gives the support day to day, with help from the SENCO. Ideas "
                "to try:",
                "communication and language: small-group talk and listening time; short, simple "
                "sentences; commenting on what the child is doing rather than asking lots of "
                "questions; waiting longer for an answer; pictures or objects to show what "
                "happens next",
                "physical development: chunky crayons and easy-grip tools; supportive seating; "
                "more time and practice for dressing and feeding; plenty of active play",
                "personal, social and emotional development: predictable routines; a warning "
                "before changes; a 'now and next' board; a quiet, calm space; regular time with "
                "the key person; pictures to help name feelings",
            ),
            h("Review"),
            p(
                "On the date you agreed, meet the family and look at each target. What worked? "
                "What did not? Then plan the next cycle.",
                "If a child is not making the progress you hoped for after well-matched support, "
                "it may be time to raise a concern with the SEND team. You do not have to wait "
                "for a cycle to finish if a child's needs are significant or they are losing "
                "skills.",
            ),
            p(
                "Keep your plans and reviews: they show what has been tried, and the SEND team "
                "will ask for them.",
            ),
            q(
                "What are the four stages of the graduated approach, in order?",
                [
                    ("Assess, plan, do, review", True, "Yes, and then round again."),
                    (
                        "Observe, refer, diagnose, discharge",
                        False,
                        "The graduated approach is support in the setting: assess, plan, do, "
                        "review.",
                    ),
                    (
                        "Plan, assess, review, do",
                        False,
                        "You assess first, so the plan is built on what you know.",
                    ),
                ],
            ),
            q(
                "Which of these is a good target?",
                [
                    (
                        "Improve Jamie's speech",
                        False,
                        "Too broad: nobody can tell when it has been met.",
                    ),
                    (
                        "Jamie will use the word or sign for 'more' at snack time, on most days, "
                        "within six weeks",
                        True,
                        "Yes. It says what, where, how often and by when.",
                    ),
                    (
                        "Jamie will behave better",
                        False,
                        "Too vague, and it does not say what Jamie will learn to do.",
                    ),
                ],
            ),
            q(
                "When should you review a plan?",
                [
                    (
                        "On the date you agreed, with the family, looking at each target",
                        True,
                        "Yes. Reviewing together keeps the family at the centre.",
                    ),
                    (
                        "Only when the child is about to start school",
                        False,
                        "That is far too late: reviews happen every few weeks.",
                    ),
                    (
                        "Only if things get worse",
                        False,
                        "Review on the agreed date whatever happens, to see what is working.",
                    ),
                ],
            ),
        ],
    },
    {
        "slug": "how-to-raise-a-concern",
        "title": "How to raise a concern here",
        "summary": "What you need, how to use this service to tell the Early Years SEND team, "
        "and what happens next.",
        "body": [
            p(
                "Raise a concern when support in your setting is not enough, or when a child's "
                "needs are significant, once you have talked with the family and they agree.",
            ),
            h("What you will need"),
            bullets(
                "Have these to hand:",
                "your observations for each prime area, with examples",
                "what you have tried (your assess, plan, do, review records) and what happened",
                "any checks and screens, such as the progress check at age 2",
                "the family's views, and their consent",
            ),
            h("Raising it"),
            (
                "paragraph",
                '<p>Sign in and choose <a href="/concerns/new/">Raise a concern</a> from your '
                "home page. The service asks one group of questions a page, with guidance from "
                "this training beside them.</p><p>You can choose <b>Save and come back later</b> "
                "at any point. Your draft is kept, and you can carry on from My concerns on any "
                "device. Before sending, you check all your answers.</p>",
            ),
            h("What happens next"),
            p(
                "You get a reference straight away, and the service tells you where the concern "
                "went and why. Each concern goes to the help that fits it: the Early Years SEND "
                "team, a portage home visitor, an Early Help Assessment for the whole family, or "
                "services in the local offer.",
                "You can follow what happens in My concerns. If the family agreed, they get "
                "text messages telling them what is happening.",
            ),
            p(
                "Worried a child may be at risk of harm? Do not use this form: follow your "
                "safeguarding procedure straight away.",
            ),
            q(
                "Apart from safeguarding, what must you have before sending a concern?",
                [
                    (
                        "The family's knowledge and consent",
                        True,
                        "Yes. The family is part of every step.",
                    ),
                    (
                        "A diagnosis from a doctor",
                        False,
                        "No diagnosis is needed: concerns are about what you see and what you "
                        "have tried.",
                    ),
                    (
                        "Three full cycles of the graduated approach",
                        False,
                        "There is no fixed number of cycles, and significant needs do not wait.",
                    ),
                ],
            ),
            q(
                "You are halfway through a concern and need to stop. What should you do?",
                [
                    (
                        "Finish it now, or your answers will be lost",
                        False,
                        "Nothing is lost: you can save a draft.",
                    ),
                    (
                        "Choose Save and come back later, then carry on from My concerns",
                        True,
                        "Yes. Drafts are kept and open on any device.",
                    ),
                    (
                        "Send it unfinished and add the rest by email",
                        False,
                        "Send it once it is complete. Never email details about children.",
                    ),
                ],
            ),
            q(
                "Where can you see what happened to a concern you sent?",
                [
                    (
                        "In My concerns, with its status and where it went",
                        True,
                        "Yes. Each concern shows its reference, status and route.",
                    ),
                    (
                        "Nowhere: you have to phone the SEND team",
                        False,
                        "You can see it in My concerns.",
                    ),
                    (
                        "In the family's text messages",
                        False,
                        "Texts go to the family. Your view is in My concerns.",
                    ),
                ],
            ),
        ],
    },
    {
        "slug": "team-around-the-child",
        "title": "Working as a Team Around the Child",
        "summary": "How professionals and the family work together as one team, and your "
        "setting's part in it.",
        "body": [
            p(
                "A Team Around the Child brings together the family and the professionals who "
                "work with a child, so that everyone shares what they know and works to one "
                "plan. The team might include the key person and SENCO, a portage home visitor, "
                "a speech and language therapist, an occupational therapist or physiotherapist, "
                "the health visitor, a paediatrician, an Early Years SEND officer and an early "
                "help worker.",
            ),
            h("Your setting's part"),
            bullets(
                "You see the child more than most of the team. Bring:",
                "your observations and the child's progress against their targets",
                "what works well for the child in the setting, and what does not",
                "questions from the family, if they would like you to ask them",
            ),
            p(
                "Then take on the actions agreed, and build therapists' advice into everyday "
                "routines, such as snack time, story time and outdoor play, where it helps "
                "most.",
            ),
            h("Keeping the family at the centre"),
            bullets(
                "Good meetings:",
                "happen at a time and place the family can manage",
                "use plain words, and explain any that are not",
                "record the family's views in their words",
                "end with clear actions: who does what, by when",
                "start by checking the actions from last time",
            ),
            h("Sharing information safely"),
            p(
                "Share what the team needs to know, with the family's consent, through secure "
                "routes such as this service. Do not use personal email or messaging apps for "
                "information about children.",
                "When a child moves room, setting or starts school, plan the move early with the "
                "family and, with their consent, share the plan with the new setting.",
            ),
            q(
                "Who is at the centre of a Team Around the Child?",
                [
                    ("The child and their family", True, "Yes. The team works with them."),
                    (
                        "The professional with the most senior job",
                        False,
                        "Seniority does not matter: the child and family are at the centre.",
                    ),
                    (
                        "Whoever called the meeting",
                        False,
                        "The child and family are at the centre, whoever organises the meeting.",
                    ),
                ],
            ),
            q(
                "A speech and language therapist gives advice for a child. What is the "
                "setting's part?",
                [
                    (
                        "Build the strategies into everyday routines and tell the team how it "
                        "is going",
                        True,
                        "Yes. Daily practice in familiar routines makes the biggest difference.",
                    ),
                    (
                        "Nothing: therapy is the therapist's job",
                        False,
                        "Therapists rely on settings and families to use their advice every day.",
                    ),
                    (
                        "Wait for the next meeting before trying anything",
                        False,
                        "Start straight away, and bring what you learn to the next meeting.",
                    ),
                ],
            ),
            q(
                "How should you share notes about a child with the team?",
                [
                    (
                        "Only what is needed, with the family's consent, through a secure route "
                        "such as this service",
                        True,
                        "Yes. Share what is needed, with consent, securely.",
                    ),
                    (
                        "From your personal email, because it is quicker",
                        False,
                        "Personal email is not secure for information about children.",
                    ),
                    (
                        "In the setting's group chat for parents",
                        False,
                        "Never share information about a child where others can see it.",
                    ),
                ],
            ),
        ],
    },
]

MODULE = {
    "title": TITLE,
    "slug": SLUG,
    "summary": "How to notice that a young child might have special educational needs or a "
    "disability, talk with their family, try support in your setting, and get the right help "
    "from the council's Early Years SEND team.",
    "audience": "Nursery and pre-school staff, childminders, SENCOs and portage home visitors",
    "duration_minutes": 75,
    "learning_outcomes": "\n".join(
        [
            "Recognise signs that a child may have additional needs in the three prime areas",
            "Talk with families about a worry, and record their views and consent",
            "Use the graduated approach (assess, plan, do, review) to try support first",
            "Raise a concern with the Early Years SEND team through this service",
            "Play your part in a Team Around the Child",
        ]
    ),
    "validity_months": 24,
    "pass_mark_percent": 80,
}


def _stream(slug: str, body: list[tuple]) -> list[dict]:
    """Raw StreamField data with ids fixed by the content, so reloading never changes them."""
    return [
        {"type": kind, "value": value, "id": str(uuid.uuid5(NAMESPACE, f"{slug}:{n}"))}
        for n, (kind, value) in enumerate(body)
    ]


@transaction.atomic
def load_starter_module(
    index: TrainingIndexPage, today: datetime.date | None = None
) -> tuple[TrainingModulePage, bool]:
    """Create and publish the starter module under the index, unless it is already there
    (trainers may have edited it since: it is never overwritten)."""
    existing = TrainingModulePage.objects.child_of(index).filter(slug=SLUG).first()
    if existing is not None:
        return existing, False
    today = today or timezone.localdate()
    module = index.add_child(
        instance=TrainingModulePage(
            **MODULE, review_date=datetime.date(today.year + 1, today.month, 1)
        )
    )
    module.save_revision().publish()
    for lesson in LESSONS:
        page = module.add_child(
            instance=LessonPage(
                title=lesson["title"],
                slug=lesson["slug"],
                summary=lesson["summary"],
                body=_stream(lesson["slug"], lesson["body"]),
            )
        )
        page.save_revision().publish()
    return module, True
