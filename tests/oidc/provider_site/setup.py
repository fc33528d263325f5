"""Makes the test provider's database: its signing key, the service as a client, and people
with groups (JSON in PROVIDER_PEOPLE). Prints each person's subject as JSON."""

import json
import os

import django
from django.core.management import call_command


def main() -> None:
    django.setup()
    from django.contrib.auth.models import Group, User
    from oidc_provider.models import Client, ResponseType

    call_command("migrate", verbosity=0)
    call_command("creatersakey", verbosity=0)
    client = Client.objects.create(
        name="Early years SEND pathway",
        client_type="confidential",
        client_id=os.environ["PROVIDER_CLIENT_ID"],
        client_secret=os.environ["PROVIDER_CLIENT_SECRET"],
        jwt_alg="RS256",
        require_consent=False,
        reuse_consent=True,
    )
    client.redirect_uris = os.environ["PROVIDER_REDIRECT_URIS"].split()
    client.post_logout_redirect_uris = os.environ["PROVIDER_LOGOUT_URIS"].split()
    client.scope = ["openid", "email", "profile"]
    client.save()
    client.response_types.add(ResponseType.objects.get(value="code"))
    subjects = {}
    for person in json.loads(os.environ["PROVIDER_PEOPLE"]):
        user = User.objects.create_user(
            person["username"],
            email=person.get("email", ""),
            password=person["password"],
            first_name=person.get("first_name", ""),
            last_name=person.get("last_name", ""),
        )
        for name in person.get("groups", []):
            user.groups.add(Group.objects.get_or_create(name=name)[0])
        subjects[person["username"]] = str(user.pk)
    print(json.dumps(subjects))


if __name__ == "__main__":
    main()
