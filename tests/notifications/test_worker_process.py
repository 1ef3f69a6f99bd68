"""The whole way of a notification through real parts: a comment posted to a real daphne, the fan-out
run by the real worker process (`manage.py worker`, as the run command starts it), the bell's event
on the author's own socket (through the database relay on the SQLite run, through Redis on the
PostgreSQL run), and her e-mail handed to a real SMTP server."""

import json
import time
import urllib.request

from django.conf import settings
from django.test import Client
from websockets.sync.client import connect

from accounts.services import api_token_issue
from tests.core.test_live_socket import ws_url


def signed_in_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def post_comment(base: str, token: str, idea_id: int, body: str) -> dict:
    request = urllib.request.Request(
        f"{base}/api/v1/ideas/{idea_id}/comments/",
        data=json.dumps({"body": body}).encode(),
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def test_bobs_comment_reaches_alices_bell_live_and_her_inbox_through_the_worker_process(
    alice, bob, alices_idea, smtp, worker, own_daphne, settings
):
    settings.LIVE_RELAY_POLL_SECONDS = 0.05  # the forked daphne reads what the worker relays
    base = f"http://127.0.0.1:{own_daphne()}"
    process = worker(
        EMAIL_BACKEND=settings.EMAIL_BACKEND, EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(settings.EMAIL_PORT), SITE_URL=base
    )
    topic = f"user:{alice.pk}"
    with connect(ws_url(base), origin=base, additional_headers={"Cookie": signed_in_cookie(alice)}) as ws:
        ws.send(json.dumps({"type": "subscribe", "topic": topic}))
        assert json.loads(ws.recv(timeout=30)) == {"type": "subscribed", "topic": topic}
        comment = post_comment(base, api_token_issue(actor=bob), alices_idea.pk, "Oat milk, **yes**!")
        event = json.loads(ws.recv(timeout=30))
    assert (event["event"], event["data"]["kind"], event["data"]["unread"]) == (
        "notification.created",
        "comment_on_my_idea",
        1,
    )
    deadline = time.monotonic() + 30
    while not smtp.messages:
        assert process.poll() is None, worker.log.read_text()
        assert time.monotonic() < deadline, "no e-mail within 30 s"
        time.sleep(0.05)
    message = smtp.messages[0]
    assert message["To"] == "alice@example.com"
    assert message["Subject"].strip() == "Bob commented on your idea “Oat milk at no extra charge”"
    assert f"{base}/ideas/{alices_idea.pk}/#comment-{comment['id']}" in message.get_body(("plain",)).get_content()
