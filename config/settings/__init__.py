"""Settings, split by where the forum runs: base, dev, test, prod."""
