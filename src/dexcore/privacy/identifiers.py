"""Guarding organisation-assigned ids (client ids, case ids) against identity leaks.

DSS can see the ``ClientId`` and ``CaseId`` a provider sends, so they must
not contain a name, a birth date or any other identifier (DSS Task Card 2;
Data Exchange Protocols v13 §6.2.1). When a record is checked dexcore holds
the client's own names, birth date and SLK, so the main test is an exact
comparison with that client's details rather than a guess:

* ERROR-level leaks (:attr:`IdLeak.is_error`): a fragment of three or more
  letters of the client's own given or family name; a whole short name
  (``LI-2041`` for Wei Li) or both names run together (``HANG01`` for Ha
  Ng); the names in the client's own script (``ПЕТРОВ-01``, ``王伟001``);
  the client's initials as a token of their own, or next to digits; the
  SLK's name part, its family part or the whole key; the birth date in any
  common form (``14031937``, ``1937-3-14``, ``14 03 1937``, ``3/14/37``,
  ``14MAR1937``, ``14-Mar-37``); an e-mail address; an Australian phone
  number; a checksum-valid tax file number (nine digits, or eight written
  plainly or as 3-3-2) or Medicare number.
* WARNING-level: an alphabetic token that is a common given name or
  surname (another person's name, or a coincidence).

:func:`new_client_id` makes ids that pass for every client by construction:
single letters and single digits in turn, so no run of letters can spell a
name fragment or initials and no run of digits a date or a number.

The checks compare against the client's details and never report them: a
leak says what kind of fragment was found, not which.

The ATO does not publish the tax file number check; the nine-digit weights
(1, 4, 3, 7, 5, 8, 6, 9, 10) are widely documented. For the older eight-digit
numbers public code differs: python-stdnum (``stdnum.au.tfn``) applies the
first eight of those weights, which dexcore follows, while other public
validators use 10, 7, 8, 4, 6, 3, 5, 1. An eight-digit number valid only
under the second reading is not reported; checking both would refuse about
one plain eight-digit id in six instead of one in eleven.

The guard is implemented in a private module below the readers and the
rules, which screen ids with it too; these are its public names.
"""

from __future__ import annotations

from dexcore._idguard import IdLeak, identifier_leaks, new_client_id

__all__ = ["IdLeak", "identifier_leaks", "new_client_id"]
