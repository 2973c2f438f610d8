"""CLI subcommands.

Each module here defines ``register(subparsers)`` which adds its parser and
sets ``func`` (a callable taking the parsed args and returning an exit code).
The CLI discovers them, so adding a command is adding a file.
"""
