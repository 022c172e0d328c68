"""The layers api -> domain -> tenants hold without exceptions: what a lower layer needs
(the table kit, tenants/tables.py) lives in it. `make lint` runs the contracts
(import-linter); this keeps an exception from slipping back into them."""

from __future__ import annotations

import tomllib

from tests.conftest import ROOT


def _contracts() -> list[dict]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return config["tool"]["importlinter"]["contracts"]


def test_the_layers_contract_makes_no_exception():
    [layers] = [c for c in _contracts() if c["type"] == "layers"]
    assert layers["layers"] == ["api", "domain", "tenants"]
    assert layers.get("ignore_imports", []) == []


def test_tenants_tables_use_the_kit_of_their_own_layer():
    import tenants.models
    import tenants.tables

    assert tenants.models.users.metadata is tenants.tables.metadata
