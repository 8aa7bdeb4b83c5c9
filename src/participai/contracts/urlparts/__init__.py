"""URL modules of monitoring, payments, audits, incidents, review; see contracts/urls.py."""
