"""Front office: leads, customers and contacts, pipelines and deals, activities, the
pipeline report. Field names are the GraphQL names; groups follow ACCESS.md."""

from tenants.access.catalog import CRUD, Area, EntitySpec, Grant

STAMPS = ("createdAt", "updatedAt", "version")

AREA = Area(
    entities=(
        EntitySpec(
            "Lead",
            {
                "lead": (
                    "name",
                    "company",
                    "email",
                    "phone",
                    "source",
                    "status",
                    "owner",
                    "notes",
                    "convertedCustomer",
                    "convertedDeal",
                    "convertedAt",
                    *STAMPS,
                )
            },
            actions=(*CRUD, "convert"),
            readonly=("convertedCustomer", "convertedDeal", "convertedAt", *STAMPS),
        ),
        EntitySpec(
            "Customer",
            {
                "profile": (
                    "name",
                    "kind",
                    "email",
                    "phone",
                    "taxId",
                    "owner",
                    "billingAddress",
                    "shippingAddress",
                    "notes",
                    "contacts",
                    "deals",
                    "timeline",
                    *STAMPS,
                ),
                "credit": ("creditLimit", "creditCurrency", "paymentTermsDays"),
                # the back office's (api/billing/customer.py); warehouse reads neither
                "backOffice": ("orders", "invoices"),
                "receivables": ("paymentStatus", "overdueAmount"),
            },
            readonly=(
                "contacts",
                "deals",
                "timeline",
                "orders",
                "invoices",
                "paymentStatus",
                "overdueAmount",
                *STAMPS,
            ),
        ),
        EntitySpec(
            "Contact",
            {
                "profile": (
                    "customer",
                    "name",
                    "email",
                    "phone",
                    "title",
                    "owner",
                    *STAMPS,
                )
            },
            readonly=STAMPS,
        ),
        EntitySpec(
            "Pipeline",
            {"definition": ("name", "isDefault", "stages", *STAMPS)},
            actions=("read", "create", "update"),
            readonly=STAMPS,
        ),
        EntitySpec(
            "PipelineStage",
            {"definition": ("name", "position", "probability", "isWon", "isLost")},
            actions=("read", "create", "update"),
            readonly=("position",),  # the order in which the stages are given
        ),
        EntitySpec(
            "Deal",
            {
                "deal": (
                    "title",
                    "customer",
                    "contact",
                    "owner",
                    "pipeline",
                    "stage",
                    "amount",
                    "currency",
                    "probability",
                    "expectedCloseOn",
                    "status",
                    "closedAt",
                    "lostReason",
                    "lead",
                    *STAMPS,
                ),
                "history": ("history",),
                "order": ("order",),  # the sales order made from the deal (sales area)
            },
            actions=(*CRUD, "move", "win", "lose"),
            readonly=("status", "closedAt", "lostReason", "lead", "history", "order", *STAMPS),
        ),
        EntitySpec(
            "Activity",
            {
                "activity": (
                    "kind",
                    "subject",
                    "notes",
                    "dueAt",
                    "completedAt",
                    "overdue",
                    "assignedTo",
                    "createdBy",
                    "lead",
                    "deal",
                    "customer",
                    *STAMPS,
                )
            },
            actions=(*CRUD, "complete"),
            readonly=("completedAt", "overdue", "createdBy", *STAMPS),
        ),
        EntitySpec(
            "PipelineReport",
            {"report": ("pipeline", "stages", "totals")},
            actions=("read",),
            readonly=("pipeline", "stages", "totals"),
            description="Count, amount and weighted amount of deals per stage.",
        ),
        EntitySpec(
            "ForecastReport",
            {"report": ("months", "undated", "totals")},
            actions=("read",),
            readonly=("months", "undated", "totals"),
            description="Open deals by the month they are expected to close in.",
        ),
    ),
    grants={
        "sales_rep": (
            Grant("Lead", "read create update convert", "own", write=("*",)),
            Grant("Customer", "read create update", "all", write=("profile",)),
            Grant("Contact", "read create update", "all", write=("*",)),
            Grant("Pipeline", "read"),
            Grant("PipelineStage", "read"),
            Grant("Deal", "read create update move win lose", "own", write=("*",)),
            Grant("Activity", "read create update complete", "own", write=("*",)),
            Grant("PipelineReport", "read", "own"),
            Grant("ForecastReport", "read", "own"),
        ),
        "sales_manager": (
            Grant("Lead", "read create update delete convert", write=("*",)),
            Grant("Customer", "read create update delete", write=("profile",)),
            Grant("Contact", "read create update delete", write=("*",)),
            Grant("Pipeline", "read create update", write=("*",)),
            Grant("PipelineStage", "read create update", write=("*",)),
            Grant("Deal", "read create update delete move win lose", write=("*",)),
            Grant("Activity", "read create update delete complete", write=("*",)),
            Grant("PipelineReport", "read"),
            Grant("ForecastReport", "read"),
        ),
        "accountant": (
            Grant("Customer", "read update", write=("credit",)),
            Grant("Contact", "read"),
            Grant("Pipeline", "read"),
            Grant("PipelineStage", "read"),
            Grant("Deal", "read"),
            Grant("PipelineReport", "read"),
            Grant("ForecastReport", "read"),
        ),
        "warehouse": (
            Grant("Customer", "read", read=("profile",)),
            Grant("Contact", "read"),
        ),
    },
)
