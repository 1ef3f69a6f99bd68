"""Steps the browser tests share."""

from urllib.parse import quote

from tests.conftest import PASSWORD


def sign_in(page, base: str, email: str, then: str = "/", password: str = PASSWORD) -> None:
    """Sign in on the forum's own form and land on `then`."""
    page.goto(f"{base}/accounts/login/?next={quote(then)}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
