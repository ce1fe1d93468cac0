"""The DEX system account's credentials: from the environment, or from a callback of yours.

DSS's web services authenticate each message with a WS-Security
``UsernameToken`` carrying a DEX system account's user name and password.
dexcore never takes them as plain arguments of a call: a
:data:`CredentialSource` is asked for them each time a message is signed,
so a password is read where you keep it (the environment, a vault) and is
in no repr, log line or exception.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

import attrs

__all__ = [
    "ENV_PASSWORD",
    "ENV_USERNAME",
    "CredentialSource",
    "Credentials",
    "credentials_from_environment",
]

#: The environment variable holding the DEX system account's user name.
ENV_USERNAME = "DEXCORE_DEX_USERNAME"
#: The environment variable holding its password.
ENV_PASSWORD = "DEXCORE_DEX_PASSWORD"  # noqa: S105 (a variable's name, not a password)


@attrs.frozen(kw_only=True)
class Credentials:
    """A DEX system account's user name and password; neither is in the repr.

    Attributes:
        username: The system account's user name.
        password: Its password.
    """

    username: str = attrs.field(repr=False)
    password: str = attrs.field(repr=False)


#: A callable that gives the credentials when a message is signed, or ``None`` when it has none.
CredentialSource = Callable[[], Credentials | None]


def credentials_from_environment(environ: Mapping[str, str] | None = None) -> Credentials | None:
    """The credentials in ``DEXCORE_DEX_USERNAME`` and ``DEXCORE_DEX_PASSWORD``, if both are set.

    Args:
        environ: Where to look; by default the process's environment.

    >>> credentials_from_environment({}) is None
    True
    >>> credentials_from_environment({ENV_USERNAME: "svc", ENV_PASSWORD: "pw"})
    Credentials()
    """
    found = os.environ if environ is None else environ
    username, password = found.get(ENV_USERNAME, ""), found.get(ENV_PASSWORD, "")
    if not username or not password:
        return None
    return Credentials(username=username, password=password)
