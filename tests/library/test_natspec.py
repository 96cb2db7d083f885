"""Every function, event and error of the interfaces carries NatSpec (no chain needed).

The interfaces are the API docs (the contracts say `@inheritdoc`), so a declaration without a
`///` comment is undocumented API. These tests read the compiled interfaces (Brownie's
build/interfaces: each artifact's `ast`, where solc attaches the comment as a `documentation`
node) and list every declaration that has none, and every function whose comment has no
`@notice`, `@inheritdoc` or `@dev`.

Needs a compiled project (`make compile`, as every library test does).
"""

from __future__ import annotations

import json

import pytest

from pilotchain.artifacts import BUILD_DIR
from pilotchain.errors import ConfigError
from tests.library.solc_ast import walk

BUILD = BUILD_DIR.parent
INTERFACES = ("IEntityRegistry", "IDataSharing", "IProvenance")
DECLARATIONS = ("FunctionDefinition", "EventDefinition", "ErrorDefinition")
FUNCTION_TAGS = ("@notice", "@inheritdoc", "@dev")


def _ast(interface: str) -> dict:
    path = BUILD / "interfaces" / f"{interface}.json"
    try:
        return json.loads(path.read_text())["ast"]
    except FileNotFoundError:
        raise ConfigError(f"no build artifact for {interface} in {path.parent}; run `make compile`") from None


def _declarations(interface: str) -> list[dict]:
    found = [n for n in walk(_ast(interface)) if n.get("nodeType") in DECLARATIONS]
    assert found, f"no function, event or error in the {interface} artifact: compile the project first"
    return found


def _label(node: dict) -> str:
    return f"{node['nodeType'].removesuffix('Definition').lower()} {node['name']}"


def _text(node: dict) -> str:
    doc = node.get("documentation")
    return (doc.get("text") if isinstance(doc, dict) else doc) or ""


@pytest.mark.parametrize("interface", INTERFACES)
def test_every_declaration_documented(interface):
    missing = [_label(n) for n in _declarations(interface) if not _text(n).strip()]
    assert not missing, f"{interface}: {len(missing)} without NatSpec: " + ", ".join(missing)


@pytest.mark.parametrize("interface", INTERFACES)
def test_functions_say_what_they_do(interface):
    functions = [n for n in _declarations(interface) if n["nodeType"] == "FunctionDefinition"]
    assert functions, f"no function in {interface}"
    vague = [n["name"] for n in functions if _text(n) and not any(tag in _text(n) for tag in FUNCTION_TAGS)]
    tags = " or ".join(FUNCTION_TAGS)
    assert not vague, f"{interface}: functions whose NatSpec has no {tags}: " + ", ".join(vague)
