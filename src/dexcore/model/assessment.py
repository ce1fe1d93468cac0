"""SCORE assessments of clients and of sessions.

A SCORE assessment rates domains from 1 to 5 (higher is better) at a
session. Client assessments (Circumstances, Goals, Satisfaction) are keyed by
client, case and session; session assessments (Group/Community) by case and
session (DSS bulk-upload schema, elements ``ClientAssessment`` and
``SessionAssessment``; DSS DEX reference data; see ``docs/explanation/sources.md``).

On the wire each rating is one code: the domain code with the digit
appended, such as ``HOUSING3``. :meth:`DomainScore.parse` and
:attr:`DomainScore.code` convert between the two.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import attrs

from dexcore.errors import InvalidFieldError
from dexcore.model import _fields as f
from dexcore.model.codes import AssessmentPhase, ScoreType

__all__ = ["Assessment", "ClientAssessment", "DomainScore", "SessionAssessment"]

#: Lowest and highest SCORE rating.
MIN_RATING, MAX_RATING = 1, 5

# A domain code (ASCII letters) then one rating digit; \d would admit other scripts' digits.
_SCORE_CODE = re.compile(r"[A-Z]+[1-5]")


@attrs.frozen(kw_only=True)
class DomainScore:
    """One domain's rating in an assessment.

    Attributes:
        domain: Domain code, such as ``HOUSING`` or ``SERVICELISTENED``.
        rating: 1 to 5, higher is better.
    """

    domain: str = attrs.field(converter=f.code, validator=f.text)
    rating: int = attrs.field(validator=f.whole(MIN_RATING, MAX_RATING))

    @property
    def code(self) -> str:
        """The DEX ``ScoreCode``: domain and rating, such as ``HOUSING3``."""
        return f"{self.domain}{self.rating}"

    @classmethod
    def parse(cls, score_code: str) -> DomainScore:
        """Split a DEX ``ScoreCode`` such as ``HOUSING3`` into domain and rating.

        Raises:
            InvalidFieldError: the code does not end in a rating from 1 to 5
                after a domain code.
        """
        text = score_code.strip().upper() if isinstance(score_code, str) else ""
        if _SCORE_CODE.fullmatch(text) is None:
            raise InvalidFieldError(
                cls.__name__, "code", "must be a domain code followed by a rating from 1 to 5"
            )
        return cls(domain=text[:-1], rating=int(text[-1]))


def _domain_scores(value: Iterable[DomainScore]) -> tuple[DomainScore, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class Assessment:
    """One SCORE assessment: a score type, a phase and the domains rated.

    Attributes:
        score_type: Circumstances, Goals, Satisfaction or Group.
        phase: PRE or POST. Since August 2018 DSS orders assessments by
            date and uses the phase only to order two on the same day.
        scores: The domains rated; only the domains that apply are recorded.
        assessed_by: How and by whom it was assessed (current DEX, optional),
            such as ``SDJOINT``.
    """

    score_type: ScoreType = attrs.field(validator=f.member(ScoreType))
    phase: AssessmentPhase = attrs.field(validator=f.member(AssessmentPhase))
    scores: tuple[DomainScore, ...] = attrs.field(
        converter=_domain_scores, validator=f.all_of(DomainScore)
    )
    assessed_by: str | None = attrs.field(
        default=None, converter=f.optional_code, validator=f.optional_text
    )

    def rating(self, domain: str) -> int | None:
        """The rating of ``domain`` in this assessment, or ``None`` if not rated."""
        wanted = domain.strip().upper()
        return next((score.rating for score in self.scores if score.domain == wanted), None)


def _assessments(value: Iterable[Assessment]) -> tuple[Assessment, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class ClientAssessment:
    """SCORE assessments of one client at one session (DEX holds at most six).

    Attributes:
        client_id: The client assessed.
        case_id: The case of the session.
        session_id: The session at which the assessments were made.
        assessments: The assessments.
    """

    client_id: str = attrs.field(validator=f.identifier)
    case_id: str = attrs.field(validator=f.identifier)
    session_id: str = attrs.field(validator=f.identifier)
    assessments: tuple[Assessment, ...] = attrs.field(
        converter=_assessments, validator=f.all_of(Assessment)
    )

    @property
    def session_key(self) -> tuple[str, str]:
        """``(case_id, session_id)`` of the session assessed at."""
        return (self.case_id, self.session_id)


@attrs.frozen(kw_only=True)
class SessionAssessment:
    """Group/Community SCORE assessments at one session (DEX holds at most two).

    Attributes:
        case_id: The case of the session.
        session_id: The session assessed.
        assessments: The assessments.
    """

    case_id: str = attrs.field(validator=f.identifier)
    session_id: str = attrs.field(validator=f.identifier)
    assessments: tuple[Assessment, ...] = attrs.field(
        converter=_assessments, validator=f.all_of(Assessment)
    )

    @property
    def session_key(self) -> tuple[str, str]:
        """``(case_id, session_id)`` of the session assessed."""
        return (self.case_id, self.session_id)
