"""The visits made through share links become the member's who signs up or signs in in the same browser."""

from community.shares import SESSION_KEY, share_bind


class ShareVisitsMiddleware:
    """Binds a browser session's share visits to the member signed in in it (after AuthenticationMiddleware).

    The idea page keeps the ids of visits made through a share link in request.session["share_visits"]
    (server-side, so they cannot be forged). Once the session has a member, on the request that signed them
    in (sign-up by e-mail or a social account, or sign-in: each ends in django.contrib.auth's login, which
    keeps the session's data) or on the first request after it, `share_bind` makes those visits theirs: a
    sign-up or a vote that follows is their share's. The key is then dropped.

    It reads the session first and the user only when the key is there: without a session cookie reading
    the session costs no query, and with one it is the query every page makes anyway (the nav reads the
    user from it), so requests without the key cost no query more.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        self._bind(request)
        response = self.get_response(request)
        self._bind(request)  # signed in by this very request (the sign-up or sign-in form)
        return response

    def _bind(self, request) -> None:
        visits = request.session.get(SESSION_KEY)
        if not visits or not request.user.is_authenticated:
            return
        del request.session[SESSION_KEY]
        share_bind(member=request.user, visit_ids=visits)
