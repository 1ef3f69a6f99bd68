"""Votes and ranking."""
