"""Analyst review: editors' changes to statements (`changes`), the human decisions that survive
re-extraction (`decisions`) and the audit trail's queries (`history`).

No web here: the pages, the JSON API and the command line call these functions inside one
write transaction (`app.db.write_session`).
"""
