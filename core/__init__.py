"""What both apps borrow: one error base, name rules, the sweeper, the schedule registry, API and admin plumbing.

core imports no app and nothing from config; `core.errors` and `core.text` are pure Python (no Django), so the
apps' domain packages may build on them. docs/architecture.md has the floors and the tests that hold them.
"""
