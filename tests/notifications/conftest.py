"""A real SMTP server for the e-mail tests: aiosmtpd on 127.0.0.1, with Django's SMTP backend
pointed at it."""

import email
from email import policy

import pytest
from aiosmtpd.controller import Controller

from tests.net import free_port


class Inbox:
    """What the server received, parsed; it can refuse the next messages with a temporary error."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refusals = 0
        self.refused_addresses: set[str] = set()  # answered "550 No such mailbox", for good

    def refuse(self, times: int) -> None:
        self.refusals = times

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused_addresses:
            return "550 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refusals:
            self.refusals -= 1
            return "451 Try again later"
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(email.message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp(settings):
    """The inbox of a local SMTP server that every e-mail of the test goes to."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.SITE_URL = "http://testserver"
    yield inbox
    controller.stop()
