"""DRF's per-member throttle on every unsafe API request. DRF imports this module from its settings:
nothing here imports DRF's views (or core.errors, which does)."""

from rest_framework.permissions import SAFE_METHODS
from rest_framework.settings import api_settings
from rest_framework.throttling import UserRateThrottle


class MemberWriteThrottle(UserRateThrottle):
    """Scope "writes" in DEFAULT_THROTTLE_RATES (settings.API_WRITE_RATE); reads are not throttled, and
    visitors cannot write (the token endpoint has the sign-in limits)."""

    scope = "writes"

    def get_rate(self):
        # Read each time, not once at import as DRF does, so a changed setting applies.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view):
        if request.method in SAFE_METHODS or not request.user.is_authenticated:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)
