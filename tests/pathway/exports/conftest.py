import pytest


@pytest.fixture
def sign_in(client):
    """The test client, signed in as the user through both steps."""

    def do(user):
        client.force_login(user)
        return client

    return do
