"""Flags, the moderation queue, actions and the audit log."""
