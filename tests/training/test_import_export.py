"""Attendance in (CSV in UTF-8, UTF-8 with BOM and Windows-1252; XLSX), previewed with a dry
run and imported all-or-nothing; completions out, with formulae neutralised."""

import csv
import datetime
import io
from html import unescape

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from earlyyears.models import Role
from training import importing, services
from training.models import AttendanceImport, Completion, add_months

from ..factories import UserFactory, practitioner_at
from .conftest import make_module

pytestmark = pytest.mark.django_db

TITLE = "Spotting… needs – the basics"  # an ellipsis and an en dash: in Windows-1252 too
HEADER = "Email or username,Module,Date attended\r\n"


@pytest.fixture
def people(world, section):
    class People:
        pass

    p = People()
    p.module = make_module(section, TITLE, slug="basics", lessons=1, validity_months=12)
    p.amy = world.practitioner_a
    p.amy.email = "Amy.Collins@example.com"
    p.amy.save()
    p.bo = world.practitioner_b
    p.trainer = world.trainer
    return p


def batch_for(user, content: bytes, name: str = "register.csv") -> AttendanceImport:
    file_format = importing.detect_format(name, content)
    return AttendanceImport.objects.create(
        uploaded_by=user, file_name=name, file_format=file_format, content=content
    )


def xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_good_csv_previews_without_saving_then_imports(people):
    content = HEADER + "amy.collins@example.com,basics,14/03/2026\r\nprac.b,basics,1/2/2026\r\n"
    batch = batch_for(people.trainer, content.encode())
    report = importing.preview(batch, people.trainer)
    assert not report.has_problems
    assert (report.new, report.skipped) == (2, 0)
    assert [row.line for row in report.rows] == [2, 3]
    assert report.rows[0].person == people.amy.get_full_name()
    assert not Completion.objects.exists()

    report = importing.run_import(batch, people.trainer)
    assert not report.has_problems and report.new == 2
    amy = Completion.objects.get(user=people.amy)
    assert amy.completed_at == datetime.date(2026, 3, 14)
    assert amy.renew_by == add_months(datetime.date(2026, 3, 14), 12)
    assert amy.source == Completion.Source.FACE_TO_FACE
    assert amy.recorded_by == people.trainer
    assert amy.module_title == TITLE
    batch.refresh_from_db()
    assert (batch.status, batch.rows_imported) == (AttendanceImport.Status.IMPORTED, 2)

    again = importing.run_import(batch, people.trainer)
    assert again.file_errors == ["That file has already been imported"]
    assert Completion.objects.count() == 2


def test_utf8_with_a_byte_order_mark(people):
    content = ("\ufeff" + HEADER + "prac.a,basics,14/03/2026\r\n").encode("utf-8")
    assert content.startswith(b"\xef\xbb\xbf")
    report = importing.preview(batch_for(people.trainer, content), people.trainer)
    assert not report.has_problems and report.new == 1


def test_windows_1252_with_the_module_by_title(people):
    content = (HEADER + f"prac.a,{TITLE},14/03/2026\r\n").encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")
    batch = batch_for(people.trainer, content)
    report = importing.run_import(batch, people.trainer)
    assert not report.has_problems, report.problem_rows
    assert Completion.objects.get().module == people.module


def test_xlsx_with_date_cells_and_text_dates(people):
    content = xlsx(
        [
            ["Email or username", "Module", "Date attended"],
            ["prac.a", "basics", datetime.datetime(2026, 3, 14)],
            ["prac.b", TITLE, "02/03/2026"],
            [None, None, None],
        ]
    )
    batch = batch_for(people.trainer, content, "register.xlsx")
    assert batch.file_format == "xlsx"
    report = importing.run_import(batch, people.trainer)
    assert not report.has_problems, report.problem_rows
    assert sorted(Completion.objects.values_list("completed_at", flat=True)) == [
        datetime.date(2026, 3, 2),
        datetime.date(2026, 3, 14),
    ]


def test_bad_rows_get_row_level_errors_and_nothing_is_saved(people, world):
    UserFactory(username="twin1", email="twin@example.com")
    UserFactory(username="twin2", email="TWIN@example.com")
    future = (datetime.date.today() + datetime.timedelta(days=3)).strftime("%d/%m/%Y")
    content = (
        HEADER
        + "prac.a,basics,14/03/2026\r\n"  # 2: fine
        + "nobody@example.com,basics,14/03/2026\r\n"  # 3: unknown person
        + "prac.b,no-such-module,14/03/2026\r\n"  # 4: unknown module
        + "prac.b,basics,31/02/2026\r\n"  # 5: not a date
        + f"prac.b,basics,{future}\r\n"  # 6: in the future
        + "planner,basics,14/03/2026\r\n"  # 7: does not take training
        + ",basics,\r\n"  # 8: two things missing
        + "twin@example.com,basics,14/03/2026\r\n"  # 9: two people share the email
        + "2026-03-14,basics,2026-03-14\r\n"  # 10: ISO date, and not a person
    )
    batch = batch_for(people.trainer, content.encode())
    report = importing.preview(batch, people.trainer)
    assert report.has_problems
    errors = {row.line: row.errors for row in report.problem_rows}
    assert sorted(errors) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert "No member of staff has the email address or username 'nobody@example.com'" in errors[3]
    assert "There is no module with the slug or title 'no-such-module'" in errors[4]
    assert any("day/month/year" in e for e in errors[5])
    assert "Date attended must be today or in the past" in errors[6]
    assert any("does not take training" in e for e in errors[7])
    assert len(errors[8]) == 2
    assert any("use their username" in e for e in errors[9])
    assert len(errors[10]) == 2

    report = importing.run_import(batch, people.trainer)
    assert report.has_problems
    assert not Completion.objects.exists()
    batch.refresh_from_db()
    assert batch.status == AttendanceImport.Status.PREVIEWED


def test_a_row_already_recorded_is_skipped_and_duplicates_count_once(people):
    services.record_completion(people.amy, people.module, datetime.date(2026, 3, 14))
    content = HEADER + "prac.a,basics,14/03/2026\r\n" + "prac.b,basics,14/03/2026\r\n" * 2
    report = importing.run_import(batch_for(people.trainer, content.encode()), people.trainer)
    assert (report.new, report.skipped) == (1, 2)
    assert Completion.objects.count() == 2


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("register.csv", b"", "The selected file is empty"),
        ("register.xls", b"\xd0\xcf\x11\xe0rest", "not .xls"),
        ("register.xlsx", b"not a zip", "could not be read as an Excel"),
        ("register.csv", b"Name,Module,Date attended\r\nx,y,z\r\n", "'Email or username' column"),
        ("register.csv", HEADER.encode(), "no rows of attendance"),
        ("register.csv", b"\x81\x8d\x8f\x90\x9d", "could not be read"),
        ("register.xlsx", b"PK\x03\x04broken", "could not be read as XLSX"),
    ],
)
def test_unusable_files_are_refused_with_a_clear_message(client, people, name, content, message):
    client.force_login(people.trainer)
    upload = SimpleUploadedFile(name, content)
    response = client.post(reverse("training-import"), {"file": upload})
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "There is a problem" in html
    assert message in html
    assert not AttendanceImport.objects.exists()


def test_no_file_chosen(client, people):
    client.force_login(people.trainer)
    response = client.post(reverse("training-import"), {})
    assert "Select a file" in response.content.decode()


def test_upload_preview_and_confirm_through_the_pages(client, people):
    client.force_login(people.trainer)
    content = (HEADER + "prac.a,basics,14/03/2026\r\n").encode()
    response = client.post(
        reverse("training-import"), {"file": SimpleUploadedFile("r.csv", content)}
    )
    batch = AttendanceImport.objects.get()
    assert response["Location"] == reverse("training-import-preview", args=[batch.pk])
    preview = client.get(response["Location"]).content.decode()
    assert "New completion" in preview
    assert "Import 1 completion" in preview
    assert not Completion.objects.exists()
    response = client.post(reverse("training-import-confirm", args=[batch.pk]))
    assert response["Location"] == reverse("training-coverage")
    assert Completion.objects.get().user == people.amy
    # the same batch cannot be imported twice, nor previewed by anyone else
    client.post(reverse("training-import-confirm", args=[batch.pk]))
    assert Completion.objects.count() == 1
    other = UserFactory(role=Role.TRAINER)
    client.force_login(other)
    assert client.get(reverse("training-import-preview", args=[batch.pk])).status_code == 404


def test_a_file_with_errors_offers_no_import_and_confirming_anyway_saves_nothing(client, people):
    client.force_login(people.trainer)
    content = (HEADER + "prac.a,basics,14/03/2026\r\nghost,basics,14/03/2026\r\n").encode()
    client.post(reverse("training-import"), {"file": SimpleUploadedFile("r.csv", content)})
    batch = AttendanceImport.objects.get()
    preview = client.get(reverse("training-import-preview", args=[batch.pk])).content.decode()
    assert "Row 3: No member of staff" in preview
    assert "Nothing has been saved" in preview
    assert "training-import-confirm" not in preview and "/confirm/" not in preview
    response = client.post(reverse("training-import-confirm", args=[batch.pk]))
    assert response.status_code == 200
    assert not Completion.objects.exists()


# --- Export -----------------------------------------------------------------------------------


@pytest.fixture
def risky(people, world, section):
    """Values a spreadsheet would run as formulae."""
    at = practitioner_at(world.setting_a, username="@jo", first_name="=1+2", last_name="Smith")
    minus = practitioner_at(world.setting_a, username="-kim", first_name="+Kim")
    module = make_module(section, '=HYPERLINK("http://evil")', slug="risky", lessons=1)
    services.record_completion(at, module, datetime.date(2026, 1, 5))
    services.record_completion(minus, people.module, datetime.date(2026, 1, 6))
    services.record_completion(people.amy, people.module, datetime.date(2026, 1, 7))
    return at


def test_csv_export_neutralises_formulae(client, people, risky):
    client.force_login(people.trainer)
    response = client.get(reverse("training-export"), {"file_format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 3
    jo = next(row for row in rows if row["Username"] == "'@jo")
    assert jo["Name"] == "'=1+2 Smith"
    assert jo["Module"] == '\'=HYPERLINK("http://evil")'
    assert jo["Completed on"] == "05/01/2026"
    kim = next(row for row in rows if row["Username"] == "'-kim")
    assert kim["Module"] == TITLE
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@")), value


def test_xlsx_export_neutralises_formulae(client, people, risky):
    client.force_login(people.trainer)
    response = client.get(reverse("training-export"), {"file_format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [cell.value for row in sheet.iter_rows(min_row=2) for cell in row if cell.value]
    assert "'@jo" in values
    assert all(not str(v).startswith(("=", "+", "-", "@")) for v in values)


def test_export_page_asks_for_a_file_type(client, people):
    client.force_login(people.trainer)
    for params in ({"file_format": "pdf"}, {"download": "yes"}):
        response = client.get(reverse("training-export"), params)
        assert response.status_code == 200
        assert "Select a file type" in response.content.decode()
    response = client.get(reverse("training-export"))
    assert "There is a problem" not in response.content.decode()


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_round_trip_export_then_import_changes_nothing(client, people, risky, file_format):
    client.force_login(people.trainer)
    exported = client.get(reverse("training-export"), {"file_format": file_format}).content
    before = list(Completion.objects.order_by("pk").values())
    batch = batch_for(people.trainer, exported, f"export.{file_format}")
    report = importing.run_import(batch, people.trainer)
    assert not report.has_problems, report.problem_rows
    assert (report.new, report.skipped) == (0, 3)
    assert list(Completion.objects.order_by("pk").values()) == before


def test_round_trip_into_an_empty_register_recreates_the_completions(client, people, risky):
    client.force_login(people.trainer)
    exported = client.get(reverse("training-export"), {"file_format": "csv"}).content
    wanted = set(Completion.objects.values_list("user__username", "module_id", "completed_at"))
    Completion.objects.all().delete()
    report = importing.run_import(batch_for(people.trainer, exported), people.trainer)
    assert not report.has_problems, report.problem_rows
    assert report.new == 3
    got = set(Completion.objects.values_list("user__username", "module_id", "completed_at"))
    assert got == wanted


def test_the_preview_shows_what_will_be_saved(people):
    content = HEADER + "amy.collins@example.com,basics,14/03/2026\r\n"
    report = importing.preview(batch_for(people.trainer, content.encode()), people.trainer)
    row = report.rows[0]
    assert row.person == people.amy.get_full_name()
    assert row.module_title == TITLE
    assert row.attended_on == "14 March 2026"
    assert row.renew_by == "14 March 2027"  # validity 12 months


def test_the_preview_page_shows_the_module_title_and_renewal(client, people):
    from tests.otp import VerifiedClient

    trainer = VerifiedClient()
    trainer.force_login(people.trainer)
    batch = batch_for(people.trainer, (HEADER + "prac.a,basics,14/03/2026\r\n").encode())
    html = unescape(
        trainer.get(reverse("training-import-preview", args=[batch.pk])).content.decode()
    )
    assert TITLE in html and "14 March 2026" in html and "Renew by 14 March 2027" in html


def test_a_malformed_register_names_the_line_that_broke_it(people):
    content = HEADER + "prac.a,basics,14/03/2026\r\nprac.b,basics,14/03/2026,extra,cells\r\n"
    report = importing.preview(batch_for(people.trainer, content.encode()), people.trainer)
    assert report.file_errors == [
        "Line 3 of the file has 5 cells but the headings have 3: check for an extra comma, or "
        'a quote (") not closed, on that line'
    ]
