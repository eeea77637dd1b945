"""The events a webhook can receive: their names, what each body holds, and its JSON schema.

Every body is one flat JSON object: `event` (the name), `id` (the delivery's UUID, also sent as
X-Folio-Delivery), `occurred_at` (ISO 8601) and `workspace` (its slug), then the event's own
fields at the top level beside them (`generation` included, as the issue asks). Money and
measured values are exact decimal strings, as in the API."""

from dataclasses import dataclass
from typing import Any

GENERATION_PUBLISHED = "generation.published"
ALERT_FIRED = "alert.fired"
ALERT_RESOLVED = "alert.resolved"
IMPORT_FINISHED = "import.finished"
SYNC_FAILED = "sync.failed"
WEBHOOK_TEST = "webhook.test"

# What a subscriber gets in sync.failed instead of the attempt's error: that text is operator
# information (warehouse and lake host names, file paths, SQL) about a sync every workspace
# shares, so it stays in the admin; receivers get the kind of error and where to look.
SYNC_FAILED_MESSAGE = (
    "The warehouse sync failed; the last published generation keeps serving. "
    "The operators see the cause in the admin (Generations)."
)

_STRING = {"type": "string"}
_DATE_TIME = {"type": "string", "format": "date-time"}
_DECIMAL_OR_NULL = {"type": ["string", "null"], "pattern": r"^-?\d+(\.\d+)?$"}
_SPAN = {
    "type": "object",
    "properties": {"from": {"type": ["string", "null"], "format": "date"}, "to": {"type": ["string", "null"]}},
    "required": ["from", "to"],
}
ENVELOPE: dict[str, Any] = {
    "event": {"type": "string", "description": "The event's name."},
    "id": {"type": "string", "format": "uuid", "description": "The delivery's id, also sent as X-Folio-Delivery."},
    "occurred_at": {**_DATE_TIME, "description": "When it happened."},
    "workspace": {"type": "string", "description": "The workspace's slug."},
}


@dataclass(frozen=True)
class EventKind:
    """One event name, what it means, and the JSON schema of its body's own fields."""

    name: str
    description: str
    fields: dict[str, Any]

    def schema(self) -> dict[str, Any]:
        """The JSON schema (draft 2020-12) of the whole body."""
        properties = {**ENVELOPE, "event": {"const": self.name}, **self.fields}
        return {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": self.name,
            "type": "object",
            "properties": properties,
            "required": list(properties),
        }


EVENTS: dict[str, EventKind] = {
    kind.name: kind
    for kind in (
        EventKind(
            GENERATION_PUBLISHED,
            "A warehouse generation was published that changed this workspace's data (a full refresh changes"
            " every workspace's). `rows` counts this workspace's own rows per warehouse table in that generation"
            " (never the totals of the shared warehouse); null when the warehouse could not be read.",
            {
                "generation": {"type": "integer", "description": "The generation's number."},
                "as_of": {**_DATE_TIME, "type": ["string", "null"], "description": "What its data is complete up to."},
                "changed": {
                    "type": "object",
                    "description": "The domains (sales, ledger, statement) it changed, each with the dates its"
                    " changed facts span (nulls: any date).",
                    "additionalProperties": _SPAN,
                },
                "rows": {
                    "type": ["object", "null"],
                    "description": "This workspace's rows per warehouse table.",
                    "additionalProperties": {"type": "integer"},
                },
            },
        ),
        *(
            EventKind(
                name,
                f"An alert {verb}: its condition became {truth} on a published generation.",
                {
                    "generation": {"type": ["integer", "null"], "description": "The generation it was evaluated on."},
                    "alert": {
                        "type": "object",
                        "properties": {
                            "id": {"type": "integer"},
                            "name": _STRING,
                            "question": _STRING,
                            "params": {"type": "object"},
                            "condition": _STRING,
                            "threshold": _DECIMAL_OR_NULL,
                            "url": {
                                "type": "string",
                                "format": "uri",
                                "description": "The dashboard, filters applied.",
                            },
                        },
                        "required": ["id", "name", "question", "params", "condition", "threshold", "url"],
                    },
                    "value": {**_DECIMAL_OR_NULL, "description": "The value watched, as evaluated."},
                    "message": _STRING,
                },
            )
            for name, verb, truth in ((ALERT_FIRED, "fired", "true"), (ALERT_RESOLVED, "resolved", "false"))
        ),
        EventKind(
            IMPORT_FINISHED,
            "An import job of this workspace finished, successfully or not.",
            {
                "job": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "kind": {"type": "string", "description": "import_books, import_sales, …"},
                        "status": {"type": "string", "enum": ["succeeded", "failed"]},
                        "counts": {
                            "type": "object",
                            "description": "The import's counts (rows read, created, rejected, …).",
                            "additionalProperties": {"type": "integer"},
                        },
                        "error": {"type": "string", "description": "Why it failed; empty when it succeeded."},
                    },
                    "required": ["id", "kind", "status", "counts", "error"],
                }
            },
        ),
        EventKind(
            SYNC_FAILED,
            "A warehouse sync attempt failed (sent to every workspace's subscribed webhooks: the warehouse is"
            " shared). The error's own text is operator information and is not sent: `error_type` names its kind.",
            {
                "attempt": {"type": "integer", "description": "The failed attempt's id (admin: Generations)."},
                "error_type": {"type": "string", "description": "The kind of error, e.g. LoadError."},
                "error": {"type": "string", "description": "A fixed sentence saying where the cause is shown."},
            },
        ),
        EventKind(
            WEBHOOK_TEST,
            "Sent by the test button (POST /api/webhooks/{id}/test/) to check a receiver; always sent, whatever"
            " events the webhook subscribes to.",
            {"message": _STRING, "webhook": {"type": "integer", "description": "The webhook's id."}},
        ),
    )
}
# What a webhook may subscribe to (the test event is sent on demand only).
SUBSCRIBABLE = [name for name in EVENTS if name != WEBHOOK_TEST]
