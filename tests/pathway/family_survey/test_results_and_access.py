"""Results against hand-worked figures (small numbers suppressed by planning's rules, the whole
survey hidden below the threshold, free text only from enough answers), the CSV, who may do
what (only the SEND manager creates and sends; planners read results; everyone else 403), the
audit trail, retention and subject access."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dataprotection import retention
from dataprotection.models import AccessEvent
from dataprotection.selectors import subject_access_record
from earlyyears.models import Role
from pathway.family_survey import selectors, services
from pathway.models import (
    ConsentHow,
    FamilySurvey,
    FeedbackConsentChange,
    SurveyInvitation,
    SurveyResponse,
)

pytestmark = pytest.mark.django_db
C = "[c]"


def answer(survey, rating=None, yes=None, text=""):
    """One family's answers, saved as the answer page saves them."""
    rating_q, yes_q, text_q = survey.questions.order_by("position")
    values = {}
    if rating is not None:
        values[rating_q.pk] = {"rating": rating}
    if yes is not None:
        values[yes_q.pk] = {"yes": yes}
    if text:
        values[text_q.pk] = {"text": text}
    response = SurveyResponse.objects.create(
        survey=survey, received_in=timezone.localdate().replace(day=1)
    )
    from pathway.models import SurveyAnswer

    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(response=response, question_id=q, **v) for q, v in values.items()
    )


def shown(result):
    return {row.label: row.shown for row in result.rows}


def test_nothing_is_shown_below_the_threshold(world, make_survey):
    survey = make_survey()
    for _ in range(4):
        answer(survey, rating=5, yes=True, text="Great")
    results = selectors.survey_results(survey)
    assert results.responses == 4 and not results.shown
    assert all(q.rows == [] and q.texts == [] for q in results.questions)
    assert selectors.results_csv_rows(results) == [["Question", "Answer", "Number of families"]]


def test_small_counts_are_suppressed_against_hand_worked_figures(world, make_survey, settings):
    settings.FAMILY_SURVEY_FREE_TEXT_MINIMUM = 30
    survey = make_survey()
    # 20 families. Ratings: 1 x0, 2 x2, 3 x5, 4 x7, 5 x6 (none left it out).
    for rating, times in ((2, 2), (3, 5), (4, 7), (5, 6)):
        for _ in range(times):
            answer(survey, rating=rating)
    # Yes/no on the same 20: yes 15, no 5 (all answered but... no: 15 + 5 = 20).
    for n, response in enumerate(SurveyResponse.objects.order_by("pk")):
        from pathway.models import SurveyAnswer

        SurveyAnswer.objects.create(
            response=response, question=survey.questions.get(position=2), yes=n < 15
        )
    results = selectors.survey_results(survey)
    assert results.responses == 20 and results.shown
    rating, yes_no, text = results.questions
    # By hand: 2 is between 1 and 4, so hidden. With the total (20) shown, one hidden cell
    # could be worked out, so the smallest other non-zero count (3: 5) is hidden as well.
    # Zero is published; "Not answered" is 0.
    assert shown(rating) == {
        "1 (very poor)": "0",
        "2 (poor)": C,
        "3 (neither good nor poor)": C,
        "4 (good)": "7",
        "5 (very good)": "6",
        "Not answered": "0",
    }
    # Yes 15, no 5: nothing below 5, nothing hidden.
    assert shown(yes_no) == {"Yes": "15", "No": "5", "Not answered": "0"}
    # 20 answers are fewer than the 30 free text needs.
    assert text.texts == [] and not results.free_text_shown
    csv_rows = selectors.results_csv_rows(results)
    assert ["How good was our support?", "2 (poor)", C] in csv_rows
    assert ["How good was our support?", "4 (good)", "7"] in csv_rows
    assert not any("Great" in cell for row in csv_rows for cell in row)


def test_two_small_counts_hide_each_other_and_not_answered_counts(world, make_survey):
    survey = make_survey()
    # 9 families: yes 6, no 1, 2 left it out. By hand: no (1) and not answered (2) are both
    # small, so both hidden; with two hidden nothing else is needed.
    for yes in [True] * 6 + [False]:
        answer(survey, yes=yes, rating=3)
    answer(survey, rating=3)
    answer(survey, rating=3)
    rating, yes_no, _ = selectors.survey_results(survey).questions
    assert shown(yes_no) == {"Yes": "6", "No": C, "Not answered": C}
    assert shown(rating)["3 (neither good nor poor)"] == "9"


def test_free_text_only_from_enough_answers_and_in_alphabetical_order(world, make_survey, settings):
    settings.FAMILY_SURVEY_FREE_TEXT_MINIMUM = 6
    survey = make_survey()
    for words in ["zebra crossing", "Apples", "more visits", "", "Calls back", "ok"]:
        answer(survey, rating=4, text=words)
    text = selectors.survey_results(survey).questions[2]
    assert text.texts == ["Apples", "Calls back", "more visits", "ok", "zebra crossing"]
    settings.FAMILY_SURVEY_FREE_TEXT_MINIMUM = 7
    assert selectors.survey_results(survey).questions[2].texts == []


# --- Who may do what ---------------------------------------------------------------------------


def staff_urls(survey):
    return {
        "list": reverse("family-surveys"),
        "new": reverse("family-survey-new"),
        "detail": reverse("family-survey", args=[survey.pk]),
        "edit": reverse("family-survey-edit", args=[survey.pk]),
        "preview": reverse("family-survey-preview", args=[survey.pk, "cy"]),
        "send": reverse("family-survey-send", args=[survey.pk]),
        "results": reverse("family-survey-results", args=[survey.pk]),
        "csv": reverse("family-survey-results-csv", args=[survey.pk]),
    }


READ = {"list", "results", "csv"}


@pytest.mark.parametrize("role", list(Role))
def test_access_for_every_staff_role(client, world, make_survey, role):
    survey = make_survey()
    user = (
        getattr(world, role.value, None)
        or {
            Role.PRACTITIONER: world.practitioner_a,
            Role.PORTAGE_WORKER: world.portage_a,
        }[role]
    )
    client.force_login(user)
    for name, url in staff_urls(survey).items():
        status = client.get(url).status_code
        manager = role == Role.SEND_MANAGER
        expected = 200 if manager or (role == Role.PLANNER and name in READ) else 403
        assert status == expected, (role, name, status)
    # Only the SEND manager sends.
    response = client.post(staff_urls(survey)["send"], {"group": "all"})
    assert response.status_code == (302 if role == Role.SEND_MANAGER else 403)


def test_signed_out_goes_to_sign_in_and_a_missing_survey_is_404(client, world, make_survey):
    survey = make_survey()
    response = client.get(staff_urls(survey)["results"])
    assert response.status_code == 302 and "sign-in" in response["Location"]
    client.force_login(world.send_manager)
    assert client.get(reverse("family-survey-results", args=[survey.pk + 99])).status_code == 404
    assert client.get(reverse("family-survey-preview", args=[survey.pk, "fr"])).status_code == 404


def test_the_manager_creates_previews_and_sends_with_errors_shown(
    client, world, agreed, django_capture_on_commit_callbacks
):
    agreed()
    client.force_login(world.send_manager)
    future = timezone.localdate() + datetime.timedelta(days=21)
    bad = client.post(
        reverse("family-survey-new"),
        {
            "title": "",
            "closes_on_day": "31",
            "closes_on_month": "2",
            "closes_on_year": str(future.year),
            "q1_kind": "rating",
            "q1_en": "",
            "q2_en": "A question with no kind",
        },
    )
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "govuk-error-summary" in html
    for words in (
        "Enter a name for the survey",
        "must be a real date",
        "Enter question 1 in English",
        "Choose the kind of answer for question 2",
    ):
        assert words in html, words
    assert not FamilySurvey.objects.exists()

    done = client.post(
        reverse("family-survey-new"),
        {
            "title": "Spring feedback",
            "closes_on_day": str(future.day),
            "closes_on_month": str(future.month),
            "closes_on_year": str(future.year),
            "q1_kind": "rating",
            "q1_en": "How good was our support?",
            "q1_cy": "Pa mor dda oedd ein cymorth?",
            "q2_kind": "text",
            "q2_en": "What could we do better?",
        },
    )
    survey = FamilySurvey.objects.get()
    assert done["Location"] == reverse("family-survey", args=[survey.pk])
    assert [q.kind for q in survey.questions.all()] == ["rating", "text"]
    preview = client.get(reverse("family-survey-preview", args=[survey.pk, "cy"]))
    assert "Pa mor dda oedd ein cymorth?" in preview.content.decode()

    send_url = reverse("family-survey-send", args=[survey.pk])
    missing = client.post(send_url, {"group": "decided"})
    assert missing.status_code == 400
    assert "Enter the first date of the period" in missing.content.decode()
    with django_capture_on_commit_callbacks(execute=False):
        assert client.post(send_url, {"group": "all"}).status_code == 302
        assert client.post(send_url, {"group": "all"}).status_code == 302
    assert SurveyInvitation.objects.count() == 1
    # Sent: it can no longer be changed.
    assert client.get(reverse("family-survey-edit", args=[survey.pk])).status_code == 302
    events = AccessEvent.objects.filter(
        object_type="pathway.familysurvey", url_name__in=["family-survey-send"]
    )
    assert events.filter(method="POST", action=AccessEvent.Action.CHANGE).count() == 3


def test_reading_results_is_audited(client, world, make_survey):
    survey = make_survey()
    client.force_login(world.planner)
    client.get(reverse("family-survey-results", args=[survey.pk]))
    client.get(reverse("family-survey-results-csv", args=[survey.pk]))
    events = AccessEvent.objects.filter(
        object_type="pathway.familysurvey", user_id=world.planner.pk
    )
    assert {(e.url_name, e.action) for e in events} == {
        ("family-survey-results", AccessEvent.Action.VIEW),
        ("family-survey-results-csv", AccessEvent.Action.EXPORT),
    }
    csv = client.get(reverse("family-survey-results-csv", args=[survey.pk]))
    assert csv["Content-Type"].startswith("text/csv")
    text = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert text.startswith("Question,Answer,Number of families")


# --- Retention and subject access --------------------------------------------------------------


def test_retention_deletes_invitations_after_a_year_and_surveys_after_six(
    world, agreed, make_survey
):
    contact = agreed()
    survey = make_survey()
    services.send_survey(survey, selectors.group_contacts("all"), by=world.send_manager)
    answer(survey, rating=3)
    today = timezone.localdate()
    closed = today - datetime.timedelta(days=400)
    FamilySurvey.objects.filter(pk=survey.pk).update(closes_on=closed)
    assert list(retention.due_survey_invitations(today, 1, set())) == list(
        SurveyInvitation.objects.all()
    )
    assert not retention.due_survey_responses(today, 6, set()).exists()
    # A legal hold on the child keeps their invitation.
    assert not retention.due_survey_invitations(today, 1, {contact.child_id}).exists()
    retention.apply_retention()
    assert not SurveyInvitation.objects.exists()
    assert SurveyResponse.objects.count() == 1  # anonymous answers stay
    assert FeedbackConsentChange.objects.filter(consent__contact=contact).exists()
    FamilySurvey.objects.filter(pk=survey.pk).update(closes_on=today.replace(year=today.year - 7))
    retention.apply_retention()
    assert not FamilySurvey.objects.exists() and not SurveyResponse.objects.exists()


def test_subject_access_has_the_consent_history_and_invitations_not_answers(
    client, world, agreed, make_survey
):
    contact = agreed(child=world.child_a)
    services.record_feedback_consent(
        contact, False, how=ConsentHow.PHONE, by_staff=world.send_officer
    )
    services.record_feedback_consent(contact, True, how=ConsentHow.IN_WRITING)
    survey = make_survey()
    services.send_survey(survey, selectors.group_contacts("all"), by=world.send_manager)
    answer(survey, rating=1, text="Only I would say this")
    _, record = subject_access_record(world.send_manager, world.child_a.pk)
    assert [row["agreed_to_be_asked_for_feedback"] for row in record["feedback_consent"]] == [
        "Yes",
        "No",
        "Yes",
    ]
    assert record["feedback_consent"][1]["how"] == "Told to a member of staff by phone"
    (invitation,) = record["survey_invitations"]
    assert invitation["survey"] == "Spring feedback" and invitation["sent_to"] == contact.name
    assert "Only I would say this" not in str(record)
    # The pages that show and download it read these sections as they do every other.
    client.force_login(world.send_manager)
    for name in ("subject-access", "subject-access-json"):
        page = client.get(reverse(name, kwargs={"child_id": world.child_a.pk}))
        assert page.status_code == 200, name
        body = b"".join(page.streaming_content) if page.streaming else page.content
        assert b"Spring feedback" in body and b"Only I would say this" not in body


def test_the_csv_holds_no_live_formula(client, world, make_survey):
    survey = make_survey(
        questions=[
            services.QuestionInput("yes_no", '=HYPERLINK("http://evil.example/x","click")'),
            services.QuestionInput("yes_no", "Did we listen to you?"),
            services.QuestionInput("text", "What could we do better?"),
        ]
    )
    for _ in range(5):
        answer(survey, rating=None, yes=True)
    client.force_login(world.send_manager)
    response = client.get(reverse("family-survey-results-csv", args=[survey.pk]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = text.splitlines()[1:]
    assert len(rows) == 6
    assert all(row.startswith(("\"'=HYPERLINK(", "Did we")) for row in rows), rows
