"""A corpus of real-world nginx CORS patterns, reproduced minimally, with the findings they deserve.

Each directory holds one case: the nginx files and ``expected.json``. ``measure`` runs
``corsguard audit`` on every case and scores what it reports against what is expected;
``python -m tests.audit.nginx_corpus`` prints the table.
"""
