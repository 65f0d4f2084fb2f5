"""The change log: who changed which planning row, when, what changed (before and after) and why.

Rows are written by PostgreSQL triggers (django-pghistory) in the same transaction as the change, so a
rolled-back write leaves nothing and writes that bypass the ORM (bulk updates, COPY) are caught too.
docs/audit.md explains what is tracked and how to read it.
"""
