"""The apps are installed in the order of their layers, lowest first: the registries (live topics,
member data) fill in that order, so exports list the parts bottom-up and erasers run top-down."""

import tomllib
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def test_installed_apps_follow_the_layers_of_the_import_contract():
    contract = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"][0]
    layers = [layer.strip("()") for layer in contract["layers"]]
    apps = [app for app in settings.INSTALLED_APPS if app in layers and app not in {"config", "frontend"}]
    assert apps == sorted(apps, key=layers.index, reverse=True)
    assert apps[0] == "core"
