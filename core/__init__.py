"""The bottom layer: live updates, the content renderer, errors, audit trail, member-data registry, keyset paging."""
