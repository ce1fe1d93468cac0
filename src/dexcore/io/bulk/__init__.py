"""DEX bulk-upload XML (``DEXFileUpload``): read it, write it, split it under the size limit.

:func:`read_bulk` turns a file into a :class:`~dexcore.model.Dataset`.
The file is untrusted: it is parsed with defusedxml, which refuses
document type declarations, entity declarations and external references;
only a file whose prolog shows it has no DTD (so it can declare no entity
and refer to nothing outside) may go to ElementTree's faster C parser.
It is read a chunk at a time and each complete record leaves the tree, so
memory follows the records, not the text. Every record becomes a model
object or is named in a :class:`~dexcore.errors.BulkReadError` (or, when
asked, in an :class:`~dexcore.rules.Issue`) with its element path and line.

:func:`write_bulk` writes a dataset as one or more files, each under DSS's
10 MB limit and each valid on its own: elements in the schema's order,
text escaped, optional elements left out rather than emptied, booleans in
lower case, and a client's names and street lines never written without
the client's consent, whatever the model holds.

The package's rooms: ``_names`` (the element names DEX defines and the tests
shared by readers and writer), ``_records`` (one record's elements to its model
object), ``_reader`` (the full reader, a record at a time with lines),
``_defused`` (feeding it under defusedxml's guards), ``_quick_reader`` (the
quick path with ElementTree's C parser), ``_source`` (opening what is given),
``_loading`` (:func:`load_bulk` and :func:`read_bulk`) and ``_writer``
(:func:`write_bulk` and the packer that splits files under the limit).
"""

from __future__ import annotations

from dexcore.io._upload import BulkUpload
from dexcore.io.bulk._defused import _read_one as _read_one  # the tests drive both readers
from dexcore.io.bulk._loading import load_bulk, read_bulk
from dexcore.io.bulk._names import PLACEHOLDERS
from dexcore.io.bulk._quick_reader import _read_quick as _read_quick
from dexcore.io.bulk._source import DEFAULT_READ_LIMIT, BulkSource
from dexcore.io.bulk._writer import DEFAULT_MAX_BYTES, upload_part, write_bulk

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_READ_LIMIT",
    "PLACEHOLDERS",
    "BulkSource",
    "BulkUpload",
    "load_bulk",
    "read_bulk",
    "upload_part",
    "write_bulk",
]
