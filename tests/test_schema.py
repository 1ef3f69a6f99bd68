"""The API does what its OpenAPI schema says: schemathesis generates requests from /api/v1/schema/ and
sends them to a live daphne with seeded data, signed out, as a member, as the product team and as a moderator. Not one
answer may be a 5xx, and every status code, content type, header and body must be the documented one.

The SQLite run is enough (the PostgreSQL run skips it): it is the API that is checked, not the
database. Each run prints how many cases it sent and how many failed."""

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from accounts.services import api_token_issue
from ideas.models import Category, Idea, Status
from moderation.models import ActionKind, FlagReason
from moderation.services import case_decide, flag_create
from tests.factories import CategoryFactory, IdeaFactory
from voting.services import vote_cast

SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
]
# Per operation and run: enough to reach every documented status of each operation; the four runs
# together take about two and a half minutes.
MAX_EXAMPLES = 40


@pytest.fixture
def seeded(alice, bob, mo, product, drinks, experience):
    """What the generated requests find: categories (one closed), ideas of both members with votes,
    one launched (votes closed) and one deleted; flags in the moderation queue, and an action on one of
    Alice's ideas that she may appeal."""
    CategoryFactory(name="Retired", slug="retired", is_active=False)
    ideas = [IdeaFactory(author=author, category=drinks) for author in [alice, bob] * 4]
    for idea in ideas:
        vote_cast(actor=bob if idea.author == alice else alice, idea_id=idea.pk, value=1)
    Idea.objects.filter(pk=ideas[0].pk).update(status=Status.LAUNCHED)
    Idea.objects.filter(pk=ideas[1].pk).update(deleted_at=timezone.now())
    for idea in ideas[2:]:
        flag_create(actor=bob if idea.author == alice else alice, target=f"idea:{idea.pk}", reason=FlagReason.SPAM)
    warned = flag_create(actor=mo, target=f"idea:{ideas[2].pk}", reason=FlagReason.ABUSIVE)
    case_decide(actor=mo, case=warned.case, action=ActionKind.WARN, reason="Keep it civil.")
    return ideas


def _config(tmp_path: Path, ideas: list[Idea]) -> Path:
    """Most generated ids and categories are those of the seeded data, so that requests reach past
    the 404 to what the API does with a real idea; the rest are generated, any number or none."""
    ideas_ids = ", ".join(str(idea.pk) for idea in ideas)
    category_ids = ", ".join(str(pk) for pk in Category.objects.values_list("pk", flat=True))
    config = tmp_path / "schemathesis.toml"
    config.write_text(
        f"""
[dictionaries.ideas]
values = [{ideas_ids}]

[dictionaries.categories]
values = [{category_ids}]

[parameters]
"path.id" = {{ dictionary = "ideas", probability = 0.8 }}
"query.exclude" = {{ dictionary = "ideas", probability = 0.5 }}
"body.category" = {{ dictionary = "categories", probability = 0.8 }}
"body.into" = {{ dictionary = "ideas", probability = 0.8 }}
"""
    )
    return config


def _schemathesis(live_url: str, tmp_path: Path, name: str, headers: list[str], config: Path) -> dict:
    """Run schemathesis once; its JSON report says what was sent and what failed."""
    report = tmp_path / f"{name}.json"
    command = [
        str(SCHEMATHESIS),
        f"--config-file={config}",
        "run",
        f"{live_url}/api/v1/schema/",
        f"--checks={','.join(CHECKS)}",
        f"--max-examples={MAX_EXAMPLES}",
        "--phases=examples,coverage,fuzzing",
        "--seed=9",
        "--workers=2",
        "--request-timeout=20",
        "--generation-database=none",
        "--no-color",
        "--report=json",
        f"--report-json-path={report}",
        *[f"--header={header}" for header in headers],
    ]
    # In the test's own folder: schemathesis keeps a cache of crashes where it runs.
    run = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False, cwd=tmp_path)
    return {"exit": run.returncode, "output": run.stdout + run.stderr, "report": json.loads(report.read_text())}


def _operations_in_the_schema(live_url: str) -> int:
    with urllib.request.urlopen(f"{live_url}/api/v1/schema/?format=json", timeout=30) as response:
        paths = json.load(response)["paths"]
    return sum(1 for operations in paths.values() for method in operations if method != "parameters")


def _figures(name: str, report: dict) -> str:
    cases = report["test_cases"]
    return (
        f"schemathesis, {name}: {cases['generated']} cases on {report['operations']['tested']} operations, "
        f"{cases['with_failures']} failed ({len(report['failures'])} distinct), {cases['errored']} errored, "
        f"in {report['running_time']:.1f} s"
    )


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite run checks the API once")
def test_the_api_answers_as_its_schema_says_signed_out_and_with_a_token(
    live_url, seeded, alice, pat, mo, tmp_path, capsys
):
    """Signed out, as a member, as the product team (whose writes reach the pipeline's services), and as a
    moderator (whose reach the queue's decisions; last, since a decision may ban the others)."""
    config = _config(tmp_path, seeded)
    runs = {"signed out": _schemathesis(live_url, tmp_path, "signed-out", [], config)}
    members = [("with a token", alice), ("with a product-team token", pat), ("with a moderator token", mo)]
    for name, member in members:
        header = f"Authorization: Token {api_token_issue(actor=member)}"
        runs[name] = _schemathesis(live_url, tmp_path, name.replace(" ", "-"), [header], config)
    with capsys.disabled():
        print("", *(_figures(name, run["report"]) for name, run in runs.items()), sep="\n")
    for name, run in runs.items():
        assert run["exit"] == 0, f"{name}:\n{run['output']}"
        operations = run["report"]["operations"]
        assert operations["tested"] == operations["total"] == _operations_in_the_schema(live_url)


# What the schema must say, read directly (fast, on both databases).


@pytest.fixture
def schema(api, db) -> dict:
    return api.get("/api/v1/schema/", {"format": "json"}).json()


def _operations(schema: dict):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield f"{method.upper()} {path}", operation


ERROR = {"$ref": "#/components/schemas/Error"}


def test_every_error_an_operation_documents_has_the_json_error_shape(schema):
    assert schema["components"]["schemas"]["Error"]["required"] == ["code", "detail"]
    for name, operation in _operations(schema):
        for status, response in operation["responses"].items():
            if status.startswith("4"):
                assert response["content"]["application/json"]["schema"] == ERROR, (name, status)
                assert response["description"], (name, status)


def test_each_kind_of_operation_documents_the_errors_it_can_answer(schema):
    documented = {name: set(operation["responses"]) for name, operation in _operations(schema)}
    assert documented["GET /api/v1/ideas/"] == {"200", "400", "401"}
    assert documented["GET /api/v1/ideas/{id}/"] == {"200", "401", "404"}
    assert documented["POST /api/v1/ideas/"] == {"201", "400", "401", "403", "415", "429"}
    for method in ["PUT", "PATCH"]:
        assert documented[f"{method} /api/v1/ideas/{{id}}/"] == {"200", "400", "401", "403", "404", "412", "415", "429"}
    # 409: other ideas were merged into it.
    assert documented["DELETE /api/v1/ideas/{id}/"] == {"204", "400", "401", "403", "404", "409", "412", "429"}
    assert "409" in documented["POST /api/v1/ideas/bulk-transition/"]  # a list out of date
    assert {"409", "403", "404"} <= documented["PUT /api/v1/ideas/{id}/vote/"]
    assert "401" not in documented["POST /api/v1/auth/token/"]  # it reads no token
    assert "429" in documented["POST /api/v1/auth/token/"]


def test_if_match_and_etag_are_documented_on_the_idea(schema):
    idea = schema["paths"]["/api/v1/ideas/{id}/"]
    for method in ["put", "patch", "delete"]:
        assert "If-Match" in [p["name"] for p in idea[method]["parameters"] if p["in"] == "header"], method
    for method in ["get", "put", "patch"]:
        assert "ETag" in idea[method]["responses"]["200"]["headers"], method
    assert "ETag" in schema["paths"]["/api/v1/ideas/"]["post"]["responses"]["201"]["headers"]


def test_patch_documents_a_body_of_optional_fields(schema):
    body = schema["paths"]["/api/v1/ideas/{id}/"]["patch"]["requestBody"]["content"]["application/json"]["schema"]
    patched = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
    assert {"title", "body", "category", "tags"} <= set(patched["properties"]) and not patched.get("required")


def test_nullable_values_are_documented_as_nullable(schema):
    components = schema["components"]["schemas"]
    assert components["Category"]["properties"]["parent"]["nullable"] is True
    assert components["Idea"]["properties"]["author"]["nullable"] is True
    assert components["VoteResult"]["properties"]["my_vote"]["nullable"] is True


def test_ids_in_paths_are_integers_and_page_size_is_bounded(schema):
    for name, operation in _operations(schema):
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path":
                assert parameter["schema"]["type"] == "integer", name
    listing = {p["name"]: p for p in schema["paths"]["/api/v1/ideas/"]["get"]["parameters"]}
    assert (listing["page_size"]["schema"]["minimum"], listing["page_size"]["schema"]["maximum"]) == (1, 100)


@pytest.mark.parametrize(("page_size", "status"), [("1", 200), ("100", 200), ("101", 400), ("0", 400)])
def test_page_size_is_held_to_the_documented_bounds(api, alices_idea, page_size, status):
    assert api.get("/api/v1/ideas/", {"page_size": page_size}).status_code == status


def test_a_category_without_a_parent_answers_null_as_documented(api, product, drinks):
    parents = {category["slug"]: category["parent"] for category in api.get("/api/v1/categories/").json()}
    assert parents == {"product": None, "drinks": "product"}
