"""Comments on ideas: threads, edits and their history, mentions, official responses."""
