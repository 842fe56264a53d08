"""The pseudonymization key of the whole test session: training in the test process and every
server it starts use the same key, as training and serving must (a model records its key's
fingerprint and a server with another key refuses it)."""

PII_HMAC_KEY = "tests-session-hmac-3c9e1f70-b82d-4a65-9f13-70d2e4c8a1b5"
