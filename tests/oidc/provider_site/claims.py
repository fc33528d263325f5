"""What the test provider says about a person: its groups (as Entra ID sends `groups` in the
ID token) and, for people in the group "uses-mfa", an `amr` claim naming a second factor."""

MFA_GROUP = "uses-mfa"


def _groups(user):
    return sorted(g.name for g in user.groups.all() if g.name != MFA_GROUP)


def id_token_hook(id_token, user, token, request, **kwargs):
    id_token["groups"] = _groups(user)
    uses_mfa = user.groups.filter(name=MFA_GROUP).exists()
    id_token["amr"] = ["pwd", "mfa"] if uses_mfa else ["pwd"]
    return id_token


def userinfo(claims, user):
    claims["email"] = user.email
    claims["given_name"] = user.first_name
    claims["family_name"] = user.last_name
    claims["preferred_username"] = user.username
    return claims
