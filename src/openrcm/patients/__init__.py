"""Patient accounts: what patients owe and how it is collected, lawfully.

`accounts` derives each guarantor's claims from journal entries (only adjudicated patient
share is due; a claim with a payer still to decide is insurance pending) and the credit held
for them; `statements` builds guarantor statements with aging, cycles and dunning levels;
`payments` allocates cash, check and card payments (chosen claim, then oldest first) and
holds copays until their visit is adjudicated; `credits` finds credit balances, proposes
refunds and writes off small balances; `payment_plan` splits balances into instalments and
tracks misses and defaults; `collections` enforces the FDCPA and Regulation F safeguards on
every collection action; `agency` moves accounts through pre-collection, agency placement,
bad debt and recovery; `inquiries` records calls and messages with follow-up tasks;
`policy` is the practice's configurable thresholds.
"""
