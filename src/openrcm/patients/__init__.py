"""Patient accounts: what patients owe and how it is collected, lawfully.

`statements` builds guarantor statements from claim balances (insurance-pending amounts are
shown, never due) with aging and dunning levels; `payment_plan` splits balances into
instalments and tracks misses and defaults; `collections` enforces the FDCPA and Regulation F
safeguards on every collection action and logs each one.
"""
