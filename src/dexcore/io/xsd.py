r"""Structural validation against a DSS ``DEXFileUpload.xsd`` the user supplies.

This needs the optional ``xmlschema`` package: ``pip install 'dexcore[xsd]'``.

DSS's schema writes the postcode pattern as ``^[\d]{4}$``. XML Schema
patterns are anchored already and have no ``^`` or ``$`` anchors, so a
conforming validator reads both characters literally and rejects every real
postcode. :func:`load_schema` removes such anchors from every pattern before
compiling the schema and lists what it repaired in :attr:`DexSchema.repairs`.
"""

from __future__ import annotations

import os
import re
from typing import IO, Any

import attrs
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring, tostring

from dexcore._files import DEFAULT_READ_LIMIT, FileTooLarge, read_limited
from dexcore.errors import BulkReadError, DexValueError
from dexcore.issues import Issue, RecordRef, Severity

__all__ = ["DexSchema", "load_schema", "repair_pattern"]

_XS = "{http://www.w3.org/2001/XMLSchema}"


def repair_pattern(pattern: str) -> str:
    """``pattern`` without a leading ``^`` and a trailing unescaped ``$``.

    XML Schema patterns always match the whole value, so these anchors add
    nothing but literal characters that no value contains.
    """
    if pattern.startswith("^"):
        pattern = pattern[1:]
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1]
    return pattern


@attrs.frozen
class DexSchema:
    """A compiled bulk-upload schema.

    Attributes:
        schema: The ``xmlschema.XMLSchema`` object.
        repairs: The patterns that were repaired, as ``(type name, before, after)``.
    """

    schema: Any = attrs.field(repr=False)
    repairs: tuple[tuple[str, str, str], ...] = ()
    #: Every attribute value of the schema document (names, types, patterns, enumerations):
    #: the only quoted texts a message keeps.
    literals: frozenset[str] = attrs.field(default=frozenset(), repr=False)

    def validate(self, source: str | os.PathLike[str] | bytes | IO[bytes]) -> list[Issue]:
        """Every place where ``source`` breaks the schema, as issues coded ``xsd.invalid``.

        Messages give the element path and the schema's reason, with the
        offending value replaced by ``…``, and so is every quoted text the
        schema does not hold itself (an unknown element's or attribute's name).
        """
        import xmlschema  # noqa: PLC0415 (an optional extra)

        data = source if isinstance(source, bytes) else None
        if isinstance(source, (str, os.PathLike)):
            data = read_limited(source, None)
        elif data is None:
            data = source.read()  # type: ignore[union-attr]
        try:
            resource = xmlschema.XMLResource(data, defuse="always")
            errors = list(self.schema.iter_errors(resource))
        except (xmlschema.XMLSchemaException, RecursionError) as failure:
            # Such as XMLResourceExceeded: nested deeper than xmlschema reads (1,000 levels).
            reason = f"the file cannot be validated against the schema ({type(failure).__name__})"
            file = RecordRef(kind="file")
            return [
                Issue(
                    code="xsd.invalid",
                    severity=Severity.ERROR,
                    message=reason,
                    record=file,
                    path="/",
                )
            ]
        issues = []
        for error in errors:
            line = getattr(error, "sourceline", None)
            path = _known_steps(error.path or "/", self.literals)
            reason = str(error.reason or "does not match the schema")
            value = getattr(error, "obj", None)
            if not isinstance(value, str):  # an element: its text is the value
                value = getattr(value, "text", None)
            reason = _redacted(reason, value if isinstance(value, str) else "", self.literals)
            where = f"line {line}: " if line else ""
            issues.append(
                Issue(
                    code="xsd.invalid",
                    severity=Severity.ERROR,
                    message=f"{where}{reason}",
                    record=RecordRef(kind="file"),
                    path=path,
                )
            )
        return issues


# A quoted text in a reason (validators quote values, tags and the schema's own texts).
_QUOTED = re.compile(r"(?<!\w)('[^']*'|\"[^\"]*\")(?!\w)")


def _known_steps(path: str, literals: frozenset[str]) -> str:
    """``path`` with each element the schema does not name written ``*``."""
    steps = path.split("/")
    return "/".join(
        step if not step or step.partition("[")[0] in literals else "*" for step in steps
    )


def _redacted(reason: str, value: str, literals: frozenset[str]) -> str:
    """``reason`` with no text of the document: only the schema's own texts stay quoted.

    Validators quote a value as given, stripped, with white space collapsed
    or removed, or as a ``repr``, and name unknown elements and attributes:
    every quoted text that is not one of the schema's ``literals`` becomes
    ``…``, and so does the value where it stands unquoted.
    """
    forms = sorted({value, value.strip(), " ".join(value.split())}, key=len, reverse=True)
    parts = _QUOTED.split(reason)
    # re.split with one group: even items are unquoted text, odd items are quoted texts.
    for n, part in enumerate(parts):
        if n % 2:
            text = part[1:-1]
            kept = text in literals or text.replace("\\\\", "\\") in literals
            parts[n] = part if kept else "'…'"
        else:
            for form in forms:
                if form.strip():
                    parts[n] = parts[n].replace(form, "…")
    return "".join(parts)


def load_schema(
    source: str | os.PathLike[str] | bytes, *, max_size: int | None = DEFAULT_READ_LIMIT
) -> DexSchema:
    """Compile a DSS bulk-upload XSD, repairing ``^``/``$`` anchors in its patterns.

    Args:
        source: The schema's path or bytes.
        max_size: The largest schema file to read, in bytes (``None``: no
            limit); by default 40 MB, as for bulk-upload files.

    Raises:
        DexValueError: ``xmlschema`` is not installed, or the schema cannot be compiled.
        BulkReadError: the schema file cannot be read, is larger than
            ``max_size``, is not well-formed XML, names an encoding that
            cannot be read, or declares a DTD.
    """
    try:
        import xmlschema  # noqa: PLC0415 (an optional extra)
    except ImportError:
        raise DexValueError(
            "validating against an XSD needs the xmlschema package: pip install 'dexcore[xsd]'"
        ) from None
    root = _schema_root(source, max_size)
    repairs = []
    literals = frozenset(value for node in root.iter() for value in node.attrib.values())
    for owner in root.iter(f"{_XS}simpleType"):
        for facet in owner.iter(f"{_XS}pattern"):
            before = facet.get("value", "")
            after = repair_pattern(before)
            if after != before:
                facet.set("value", after)
                repairs.append((owner.get("name", "(anonymous)"), before, after))
    try:
        schema = xmlschema.XMLSchema(tostring(root, encoding="unicode"), defuse="always")
    except (xmlschema.XMLSchemaException, RecursionError) as error:
        raise DexValueError(f"the schema cannot be compiled: {type(error).__name__}") from None
    literals |= {after for _, _, after in repairs}
    return DexSchema(schema=schema, repairs=tuple(repairs), literals=literals)


def _schema_root(source: str | os.PathLike[str] | bytes, limit: int | None) -> Any:  # noqa: ANN401 (an ElementTree element)
    """The parsed schema document, or the :class:`BulkReadError` that says why not."""
    try:
        text = source if isinstance(source, bytes) else read_limited(source, limit)
        if limit is not None and len(text) > limit:
            raise FileTooLarge(limit)  # noqa: TRY301 (bytes are held to the limit too)
        return fromstring(text, forbid_dtd=True)
    except OSError as error:
        reason = f"the schema cannot be opened ({error.strerror})"
        raise BulkReadError("xsd.cannot-open", "/", None, reason) from None
    except FileTooLarge as error:
        raise BulkReadError("xsd.too-large", "/", None, error.reason()) from None
    except ParseError as error:
        line = error.position[0] if error.position else None
        raise BulkReadError(
            "xsd.not-well-formed", "/", line, "the schema is not well-formed XML"
        ) from None
    except DefusedXmlException:
        reason = "the schema declares a DTD or an entity, which are not allowed"
        raise BulkReadError("xsd.forbidden", "/", None, reason) from None
    except (LookupError, ValueError):  # from expat's handler for an encoding it lacks
        reason = "the schema names an encoding that cannot be read; save it as UTF-8"
        raise BulkReadError("xsd.bad-encoding", "/", None, reason) from None
