"""Valid input at the edges: what SQLite lets through and Postgres must also take (T28)."""

# 64 characters before the @ and 189 after: the longest address RFC 5321 allows (254).
LONGEST_EMAIL = "a" * 64 + "@" + ".".join(["b" * 61, "c" * 61, "d" * 61]) + ".org"
assert len(LONGEST_EMAIL) == 254

# Right-to-left marks, an emoji, and characters from four scripts.
WORLD_TEXT = "\u200fשלום \u0645\u0631\u062d\u0628\u0627 Grüße 你好 🐍"
