"""The JSON Schema exported for editors accepts real policies and flags what the loader refuses."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from moderation.cli import main
from moderation.policy import json_schema
from tests.policy.test_extends import SITE

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_shipped_schema_is_current() -> None:
    """docs/policy.schema.json is what ``moderation policy schema`` prints (regenerate with
    ``moderation policy schema --out docs/policy.schema.json``)."""
    out = CliRunner().invoke(main, ["policy", "schema"])
    assert out.exit_code == 0
    shipped = json.loads((REPO / "docs" / "policy.schema.json").read_text())
    assert json.loads(out.output) == shipped


def test_default_and_extending_policies_are_valid(validator: jsonschema.Validator) -> None:
    default = yaml.safe_load((REPO / "policies" / "default.yaml").read_text())
    assert list(validator.iter_errors(default)) == []
    assert list(validator.iter_errors(yaml.safe_load(SITE))) == []


@pytest.mark.parametrize("doc,where", [
    ({"id": "x", "categories": {"c": {"description": "d", "action": "delete"}}},
     ["categories", "c", "action"]),
    ({"id": "x", "categories": {"c": {"action": "reject"}}}, ["categories", "c"]),
    ({"id": "x", "categories": {"c": {"description": "d", "action": "reject",
                                      "model": {"labels": ["obscene"], "reject_at": 2}}}},
     ["categories", "c", "model"]),
    ({"id": "x", "extends": "default", "categories": {"c": {"alow": ["a"]}}},
     ["categories", "c"]),
])
def test_schema_flags_invalid_documents(validator: jsonschema.Validator, doc: dict,
                                        where: list[str]) -> None:
    errors = list(validator.iter_errors(doc))
    assert errors
    assert any(list(e.absolute_path)[:len(where)] == where for e in errors)


def test_partial_category_is_fine_only_with_extends(validator: jsonschema.Validator) -> None:
    partial = {"id": "x", "categories": {"profanity": {"action": "review"}}}
    assert list(validator.iter_errors(partial))
    assert not list(validator.iter_errors({**partial, "extends": "default"}))
