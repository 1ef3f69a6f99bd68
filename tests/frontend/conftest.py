"""What the page tests share: a client signed in as someone."""

import pytest


@pytest.fixture
def signed_in(client):
    """`signed_in(alice)`: the test client, signed in as Alice."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in
