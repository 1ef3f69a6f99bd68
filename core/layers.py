"""Channels' in-memory layer (the embedded default), with `channel_capacity` working as documented.

Channels 4.3's InMemoryChannelLayer keeps the `channel_capacity` setting as given, uncompiled, so any
entry breaks every receive; the Redis layer compiles it. The live hub's channel needs its capacity
(config/settings/base.py).
"""

from channels.layers import InMemoryChannelLayer as ChannelsInMemoryChannelLayer


class InMemoryChannelLayer(ChannelsInMemoryChannelLayer):
    def __init__(self, *, channel_capacity=None, **kwargs):
        super().__init__(**kwargs)
        self.channel_capacity = self.compile_capacities(channel_capacity or {})
