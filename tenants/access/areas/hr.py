"""HR: employees (directory and personal data) and departments.

Every field is `self_readable`: every employee reads their own record in full,
whatever their role, even one without any Employee grant (ACCESS.md); the personal
fields are readable on nobody else's record unless granted. `active` and `terminatedOn` change only through the
`terminate` action.
"""

from tenants.access.catalog import Area, EntitySpec, Grant

DIRECTORY = (
    "name",
    "title",
    "department",
    "manager",
    "workEmail",
    "active",
    "userId",
    "hiredOn",
    "terminatedOn",
    "version",
)
PERSONAL = ("salary", "salaryCurrency", "bankAccount", "nationalId", "birthDate", "homeAddress")

AREA = Area(
    entities=(
        EntitySpec(
            "Employee",
            {"directory": DIRECTORY, "personal": PERSONAL},
            actions=("read", "create", "update", "terminate"),
            self_readable=DIRECTORY + PERSONAL,
            readonly=("active", "terminatedOn", "version"),
            description="A person employed by the tenant, optionally linked to a user.",
        ),
        EntitySpec(
            "Department",
            {"profile": ("name", "parent", "manager", "version")},
            actions=("read", "create", "update"),
            readonly=("version",),
            description="A unit of the organisation; departments nest through `parent`.",
        ),
    ),
    grants={
        **{
            role: (
                Grant("Employee", "read", read=("directory",)),
                Grant("Department", "read"),
            )
            for role in ("sales_rep", "sales_manager", "accountant", "warehouse")
        },
        "hr_manager": (
            Grant("Employee", "read create update terminate", write=("*",)),
            Grant("Department", "read create update", write=("*",)),
        ),
    },
)
