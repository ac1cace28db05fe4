"""One APIRouter per resource: `auth`, `users`, `patients`, `coverages`, `encounters`,
`codes`, `coding`, `claims`, `remittances`, `ledger`, `denials`, `reports` and `audit`;
`ROUTERS` lists them in the order the OpenAPI document shows them."""

from openrcm.api.routes import (
    audit,
    auth,
    claims,
    codes,
    coding,
    coverages,
    denials,
    encounters,
    ledger,
    patients,
    remittances,
    reports,
    users,
)

ROUTERS = (
    auth.router,
    users.router,
    patients.router,
    coverages.router,
    encounters.router,
    codes.router,
    coding.router,
    claims.router,
    remittances.router,
    ledger.router,
    denials.router,
    reports.router,
    audit.router,
)

__all__ = ["ROUTERS"]
