"""Serial `pattern` rules must run in linear time: no nested quantifiers, no backreferences.

A `kind: pattern` rule is a regular expression from a knowledge file, matched against user
input. `(A+)+B` took 0.39 s at 24 characters and four times as long for every two more
(docs/SECURITY.md, finding 5). Python's `re` backtracks, so the rules are restricted to shapes
that cannot explode: a quantifier may not contain another variable quantifier (an exact count
like `{4}` is fine) or an alternation (use a character class: `[AB]+`, not `(A|B)+`), and
backreferences are refused.
"""

from __future__ import annotations

import re
import re._constants as _sre_constants  # type: ignore[import-not-found,unused-ignore]
import re._parser as _sre_parser  # type: ignore[import-not-found,unused-ignore]
from typing import Any

MAX_PATTERN_LENGTH = 200

_REPEATS = {_sre_constants.MAX_REPEAT, _sre_constants.MIN_REPEAT,
            _sre_constants.POSSESSIVE_REPEAT}
_BACKREFS = {_sre_constants.GROUPREF, _sre_constants.GROUPREF_EXISTS}


def pattern_problem(pattern: str) -> str | None:
    """Why `pattern` may backtrack catastrophically (None when it is safe)."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        return f"the pattern is longer than {MAX_PATTERN_LENGTH} characters"
    try:
        parsed = _sre_parser.parse(pattern)
    except re.error as exc:
        return f"not a valid regular expression ({exc.msg})"
    return _walk(list(parsed), repeated=False)


def _walk(items: list[tuple[Any, Any]], repeated: bool) -> str | None:
    for op, arg in items:
        problem: str | None = None
        if op in _REPEATS:
            least, most, body = arg
            if repeated and most > 1 and least != most:  # an exact count ({4}) adds no choice
                return "nested quantifiers (like (A+)+) can take exponential time"
            problem = _walk(list(body), repeated or most > 1)
        elif op in _BACKREFS:
            return "backreferences are not allowed in serial patterns"
        elif op is _sre_constants.BRANCH:
            if repeated:
                return "an alternation inside a quantifier can take exponential time; " \
                       "use a character class such as [AB]"
            for branch in arg[1]:
                problem = problem or _walk(list(branch), repeated)
        elif op is _sre_constants.SUBPATTERN:
            problem = _walk(list(arg[-1]), repeated)
        elif op in (_sre_constants.ASSERT, _sre_constants.ASSERT_NOT):
            problem = _walk(list(arg[1]), repeated)
        elif op is _sre_constants.ATOMIC_GROUP:
            problem = _walk(list(arg), repeated)
        if problem:
            return problem
    return None


__all__ = ["MAX_PATTERN_LENGTH", "pattern_problem"]
