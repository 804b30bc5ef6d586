"""E-mail addresses in contracts: a bare address, checked by email-validator.

Almost every address a medical school's HR system holds is plain ASCII
(``jane.doe@med.example.edu``). Those are recognised by regular expressions;
everything else (non-ASCII, quoted local parts, punycode labels, unusual
lengths) goes to email-validator, which decides and explains. The plain form
accepted here is a subset of what email-validator accepts, and it normalises
the same way (domain in lower case, and role mailboxes such as ``Postmaster``
too), as the tests check.

Unlike pydantic's ``EmailStr``, the field holds the address alone: a display
name (``Jane Doe <jane@...>``) or spaces around it are refused, not quietly
dropped, and the part before the @ may not pass RFC 5321's 64 characters.
"""

from __future__ import annotations

import functools
import re
from typing import Annotated

from email_validator import (
    SPECIAL_USE_DOMAIN_NAMES,
    EmailNotValidError,
    validate_email,
)
from email_validator.rfc_constants import CASE_INSENSITIVE_MAILBOX_NAMES
from pydantic import AfterValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_TOP_LABEL = (
    r"[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z])?"  # ends with a letter, as TLDs do
)
_LOCAL = re.compile(rf"{_ATOM}(?:\.{_ATOM})*")
_DOMAIN = re.compile(rf"(?:{_LABEL}\.)+{_TOP_LABEL}")
_SPECIAL_USE = frozenset(SPECIAL_USE_DOMAIN_NAMES)
_CASE_INSENSITIVE = frozenset(CASE_INSENSITIVE_MAILBOX_NAMES)


@functools.lru_cache(maxsize=4096)
def _plain_domain(domain: str) -> str | None:
    """``domain`` in lower case when it is a plain public name, else None.

    Cached: a feed's addresses share a handful of domains.
    """
    if _DOMAIN.fullmatch(domain) is None:
        return None
    domain = domain.lower()
    if "--" in domain:
        return None  # punycode and other encoded labels
    suffix = domain
    while suffix not in _SPECIAL_USE:  # localhost, *.test, ... and names under them
        dot = suffix.find(".")
        if dot < 0:
            return domain
        suffix = suffix[dot + 1 :]
    return None


def _plain(address: str) -> str | None:
    """``address`` normalised when it is plainly valid, else None (undecided)."""
    if len(address) > 254:
        return None
    local, _, domain = address.rpartition("@")
    if len(local) > 64 or _LOCAL.fullmatch(local) is None:
        return None
    domain = _plain_domain(domain)
    if domain is None:
        return None
    if local.lower() in _CASE_INSENSITIVE:
        local = local.lower()  # postmaster, abuse, www... (RFC 2142)
    return f"{local}@{domain}"


def checked_email(address: str) -> str:
    plain = _plain(address)
    if plain is not None:
        return plain
    try:
        checked = validate_email(address, check_deliverability=False)
        if len(checked.local_part) > 64:
            raise EmailNotValidError(
                "The part before the @-sign is longer than 64 characters."
            )
    except EmailNotValidError as error:
        raise PydanticCustomError(
            "value_error",
            "value is not a valid email address: {reason}",
            {"reason": str(error)},
        ) from error
    return checked.normalized


EmailAddress = Annotated[
    str,
    AfterValidator(checked_email),
    WithJsonSchema({"type": "string", "format": "email"}),
]
"""An e-mail address, returned normalised (the domain in lower case)."""


# The one letter whose lower case Python writes as two characters.
_ONE_TO_ONE = {"\u0130": "i"}


def folded_like_the_database(address: str) -> str:
    """``address`` in lower case as PostgreSQL's ``lower()`` makes it.

    The feed asks the database, which the unique index follows; this is for
    checks made without one (a CSV file before it is published). PostgreSQL
    lowers letter by letter with Unicode's one-to-one mappings, where Python's
    ``str.lower()`` also applies context and expansions: a capital sigma at
    the end of a word becomes the final small sigma rather than the ordinary
    one, and a dotted capital I becomes i plus a combining dot rather than i.
    """
    return "".join(_ONE_TO_ONE.get(letter) or letter.lower() for letter in address)
