"""The whole front-office flow as a sales rep: capture a lead, convert it, move the deal
through the pipeline and win it, with follow-ups and the report reflecting each step."""

from __future__ import annotations

from tests.support.crm import create_lead, ok, stages

PAST = "2020-06-01T09:00:00+00:00"
FOLLOW_UPS = (
    """{ activities(filter: {assignedToMe: true, overdue: true}) { nodes { id subject } } }"""
)
REPORT = "{ pipelineReport { stages { stage { name } count } totals { amount weightedAmount } } }"


async def follow_ups(gql, token):
    return [n["subject"] for n in (await gql(FOLLOW_UPS, token=token)).ok()["activities"]["nodes"]]


async def by_stage(gql, token):
    data = (await gql(REPORT, token=token)).ok()["pipelineReport"]
    counts = {s["stage"]["name"]: s["count"] for s in data["stages"] if s["count"]}
    return counts, data["totals"]


async def test_lead_to_won_deal_as_sales_rep(gql, tenant):
    rep = await tenant.token_for("sales_rep")
    names = await stages(gql, rep)

    lead = await create_lead(gql, rep, company="Globex", email="hank@globex.example", source="web")
    call = await ok(
        gql,
        "logActivity",
        {"kind": "CALL", "subject": "Qualify Globex", "lead": lead["id"], "dueAt": PAST},
        rep,
        "activity { id }",
    )
    assert await follow_ups(gql, rep) == ["Qualify Globex"]
    await ok(gql, "completeActivity", {"id": call["activity"]["id"]}, rep, "activity { id }")
    assert await follow_ups(gql, rep) == []
    assert await by_stage(gql, rep) == ({}, [])

    converted = await ok(
        gql,
        "convertLead",
        {
            "id": lead["id"],
            "deal": {
                "title": "Globex rollout",
                "amount": "12000",
                "currency": "EUR",
                "expectedCloseOn": "2031-03-31",
            },
        },
        rep,
        "customer { id name } contact { id } deal { id version stage { name } }",
    )
    deal = converted["deal"]
    assert (converted["customer"]["name"], deal["stage"]["name"]) == ("Globex", "Qualification")
    assert await by_stage(gql, rep) == (
        {"Qualification": 1},
        [{"amount": "12000.0000", "weightedAmount": "1200.0000"}],
    )

    await ok(
        gql,
        "logActivity",
        {"kind": "MEETING", "subject": "Demo", "deal": deal["id"], "dueAt": PAST},
        rep,
        "activity { customer { name } }",
    )
    assert await follow_ups(gql, rep) == ["Demo"]

    version = deal["version"]
    for stage, weighted in (("Proposal", "6000.0000"), ("Negotiation", "9000.0000")):
        moved = await ok(
            gql,
            "moveDealStage",
            {"id": deal["id"], "stage": names[stage], "version": version},
            rep,
            "deal { version }",
        )
        version = moved["deal"]["version"]
        assert await by_stage(gql, rep) == (
            {stage: 1},
            [{"amount": "12000.0000", "weightedAmount": weighted}],
        )

    won = await ok(
        gql, "winDeal", {"id": deal["id"], "version": version}, rep, "deal { status closedAt }"
    )
    assert won["deal"]["status"] == "WON" and won["deal"]["closedAt"]
    assert await by_stage(gql, rep) == (
        {"Won": 1},
        [{"amount": "12000.0000", "weightedAmount": "12000.0000"}],
    )

    query = """query($id: ID!) { node(id: $id) { ... on Customer {
        timeline { kind activity { subject } change { event toStage { name } } }
        deals { status history { event } } } } }"""
    customer = (await gql(query, {"id": converted["customer"]["id"]}, token=rep)).ok()["node"]
    kinds = [(t["kind"], t["activity"] and t["activity"]["subject"]) for t in customer["timeline"]]
    # the lead's call comes along: the customer's history starts with the lead
    assert kinds == [
        ("won", None),
        ("moved", None),
        ("moved", None),
        ("activity", "Demo"),
        ("created", None),
        ("activity", "Qualify Globex"),
    ]
    assert customer["deals"] == [
        {"status": "WON", "history": [{"event": e} for e in ("CREATED", "MOVED", "MOVED", "WON")]}
    ]
