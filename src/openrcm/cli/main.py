"""The `openrcm` command: one Typer app with a sub-app per capability.

Each capability's commands live in `openrcm.cli.<capability>` as a Typer `app` (command
groups such as `openrcm codes search`) or as top-level commands registered by
`register(app)` (such as `openrcm demo`). Heavy imports stay inside the commands so that
`openrcm --help` is fast.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging

import typer

# capability -> help line; each module `openrcm.cli.<name>` defines `app`
GROUPS: dict[str, str] = {
    "codes": "Code sets: ICD-10-CM, HCPCS Level II, CPT, modifiers, POS.",
    "x12": "X12 5010: read, validate and write 837P/837I, 835, 270/271, 276/277, 277CA, 999.",
    "scrub": "Claim scrubber: edits before claims go out.",
    "forms": "Paper forms: CMS-1500 and UB-04 PDFs.",
    "pricing": "Fee schedules: Medicare PFS pricing.",
    "payer": "Payer side: adjudicate claims into 835s.",
    "claims": "Claims on file: import 837s, list, build.",
    "billing": "Claim building: encounters to claims, batches to 837.",
    "remit": "Remittance (835): post payments and adjustments to the ledger.",
    "ledger": "Double-entry ledger: balances and trial balance.",
    "patients": "Patient accounts: statements, payment plans, collections.",
    "denials": "Denials: CARC/RARC explanations, work queues, appeals.",
    "eligibility": "Eligibility and benefits (270/271).",
    "reports": "Reports: KPIs and A/R aging.",
    "coding": "Computer-assisted coding: notes to ICD-10-CM suggestions.",
    "users": "Users, roles and tenants.",
    "providers": "Providers: changes of tax id, address or name, effective by date.",
}

# modules that add top-level commands through `register(app)`
TOP_LEVEL = ("demo", "synth", "loop", "serve")


def build_app() -> typer.Typer:
    app = typer.Typer(
        name="openrcm",
        help="openrcm: open-source revenue-cycle management (coding, claims, X12, payer, ledger).",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
    )
    for name in TOP_LEVEL:
        module = _optional(name)
        if module is not None:
            module.register(app)
    for name, help_text in GROUPS.items():
        module = _optional(name)
        if module is not None:
            app.add_typer(module.app, name=name, help=help_text)
    return app


def _optional(name: str):  # type: ignore[no-untyped-def]
    """The CLI module for a capability, or None while that capability is not built yet."""
    qualified = f"openrcm.cli.{name}"
    if importlib.util.find_spec(qualified) is None:
        return None
    return importlib.import_module(qualified)


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    build_app()()


if __name__ == "__main__":
    main()
