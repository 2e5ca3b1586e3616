"""What a syntactically valid email address is, for SQL (DuckDB/RE2) and Pandera (Rust regex).

The local part is a dot-atom (RFC 5322: letters, digits and ``!#$%&'*+/=?^_`{|}~-``, dots only
between them), with any character beyond ASCII (RFC 6531). The domain is at least two
labels of letters, digits and inner hyphens, each 1-63 characters (RFC 1035's LDH rule, extended
to internationalised labels such as `bücher.de` or `пример.рф`; `xn--` forms are plain LDH); the
last label starts with a letter. Quoted local parts and IP-address domains are not accepted: no
marketing system sends them. `b.levy@expressl&t.net` is invalid (`&` in a domain).
"""

from __future__ import annotations

# Every character beyond ASCII, written literally so that RE2, Rust's regex and Python's `re`
# (which Pandera compiles the pattern with) read the class alike; none has `\\p{L}` in common.
_OTHER_SCRIPTS = "\u0080-\U0010ffff"
_ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~" + _OTHER_SCRIPTS + "-]"
_LETTER_DIGIT = "[A-Za-z0-9" + _OTHER_SCRIPTS + "]"
_LABEL = _LETTER_DIGIT + "([A-Za-z0-9" + _OTHER_SCRIPTS + "-]{0,61}" + _LETTER_DIGIT + ")?"
_TOP_LABEL = (
    "[A-Za-z" + _OTHER_SCRIPTS + "]([A-Za-z0-9" + _OTHER_SCRIPTS + "-]{0,61}" + _LETTER_DIGIT + ")?"
)

EMAIL_PATTERN = _ATEXT + r"+(\." + _ATEXT + r"+)*@(" + _LABEL + r"\.)+" + _TOP_LABEL
"""The whole address, without anchors (`regexp_full_match`; anchor it for a search)."""

MAX_LOCAL_LENGTH = 64
MAX_LENGTH = 254
