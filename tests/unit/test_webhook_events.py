"""The GraphQL enum of webhook events is exactly the domain's list: an event the
domain emits can be subscribed to, and nothing else can."""

from api.webhooks.types import WebhookEvent
from domain.webhooks.models import EVENTS


def test_the_enum_names_every_domain_event_and_no_other():
    assert [e.value for e in WebhookEvent] == list(EVENTS)
    assert all(e.name == e.value.upper().replace(".", "_") for e in WebhookEvent)
