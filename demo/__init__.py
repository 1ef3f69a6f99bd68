"""The demo forum: seed_demo and the content it loads."""
