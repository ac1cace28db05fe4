"""Use cases: the only place domain logic meets storage.

Each module is one capability (`service/remit.py`, `service/claims.py`): plain functions of
primitives and a unit of work, called by the CLI, the API and the web UI alike.
"""
