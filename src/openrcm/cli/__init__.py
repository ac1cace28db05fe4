"""The command line: thin Typer adapters over `openrcm.service`.

`main` assembles the app; `output` holds the exit-code contract and JSON printing; each
other module is one capability's commands, named as in the rest of the package.
"""
