"""The texts families get (issue 21): the sign-in link, the one-time code, and a short note when
a decision is made, a question asked or a meeting booked. No health details: what kind of thing
changed, never what it says. The Welsh and Polish words await a professional translator's
review (docs/families.md)."""

from django.db import migrations

TEMPLATES = {
    "family_sign_in_link": {
        "en": "{authority}: you can now see how your child's support is going online. Open this "
        "link: {link} It works for {days} days. We will text you a code to get in. Questions? "
        "Call the SEND team on {phone}.",
        "cy": "{authority}: gallwch nawr weld ar-lein sut mae cymorth eich plentyn yn mynd. "
        "Agorwch y ddolen hon: {link} Mae'n gweithio am {days} diwrnod. Byddwn yn anfon cod "
        "atoch mewn neges destun. Cwestiynau? Ffoniwch y tîm SEND ar {phone}.",
        "pl": "{authority}: możesz teraz sprawdzać online, jak idzie wsparcie Twojego dziecka. "
        "Otwórz ten link: {link} Działa przez {days} dni. Wyślemy Ci SMS-em kod do logowania. "
        "Pytania? Zadzwoń do zespołu SEND: {phone}.",
    },
    "family_sign_in_code": {
        "en": "{authority}: your code is {code}. It works for 10 minutes. Do not give it to "
        "anyone. Did not ask for it? Call {phone}.",
        "cy": "{authority}: eich cod yw {code}. Mae'n gweithio am 10 munud. Peidiwch â'i roi i "
        "neb. Heb ofyn amdano? Ffoniwch {phone}.",
        "pl": "{authority}: Twój kod to {code}. Działa przez 10 minut. Nie podawaj go nikomu. "
        "Nie prosiłeś o kod? Zadzwoń: {phone}.",
    },
    "family_update_decision": {
        "en": "{authority}: there is a decision about your child's support. See it at {url} or "
        "call {phone}.",
        "cy": "{authority}: mae penderfyniad am gymorth eich plentyn. Gwelwch ef yn {url} neu "
        "ffoniwch {phone}.",
        "pl": "{authority}: zapadła decyzja w sprawie wsparcia Twojego dziecka. Zobacz ją na "
        "{url} lub zadzwoń: {phone}.",
    },
    "family_update_meeting": {
        "en": "{authority}: a meeting about your child's support is booked for {date}. See more "
        "at {url} or call {phone}.",
        "cy": "{authority}: mae cyfarfod am gymorth eich plentyn wedi'i drefnu ar gyfer {date}. "
        "Gweler mwy yn {url} neu ffoniwch {phone}.",
        "pl": "{authority}: spotkanie w sprawie wsparcia Twojego dziecka zaplanowano na {date}. "
        "Więcej na {url} lub zadzwoń: {phone}.",
    },
    "family_update_question": {
        "en": "{authority}: the SEND team has asked your child's setting for more information. "
        "See more at {url} or call {phone}.",
        "cy": "{authority}: mae'r tîm SEND wedi gofyn i leoliad eich plentyn am ragor o "
        "wybodaeth. Gweler mwy yn {url} neu ffoniwch {phone}.",
        "pl": "{authority}: zespół SEND poprosił placówkę Twojego dziecka o więcej informacji. "
        "Więcej na {url} lub zadzwoń: {phone}.",
    },
}


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("earlyyears", "MessageTemplate")
    for key, versions in TEMPLATES.items():
        for language, body in versions.items():
            MessageTemplate.objects.get_or_create(
                key=key, language=language, defaults={"body": body}
            )


def unseed(apps, schema_editor):
    MessageTemplate = apps.get_model("earlyyears", "MessageTemplate")
    MessageTemplate.objects.filter(key__in=list(TEMPLATES)).delete()


class Migration(migrations.Migration):
    dependencies = [("pathway", "0018_family_sign_in"), ("earlyyears", "0012_family_members")]

    operations = [migrations.RunPython(seed, unseed)]
