"""The one error root. Every failure a user can cause is a KGError whose message names the
bad value and what is allowed; the CLI prints it without a traceback."""

from __future__ import annotations


class KGError(Exception):
    """Root of every error kg raises on purpose."""

    exit_code = 1


class InputError(KGError):
    """An input file cannot be read as a newspaper issue (missing, binary, undecodable, empty)."""

    exit_code = 2


class MetadataError(KGError):
    """Issue metadata (paper, date, region, sidecar file) is malformed."""

    exit_code = 2


class DataFileError(KGError):
    """A shipped data file (lexicon, gazetteer, pattern list) is malformed."""


class ValidationError(KGError):
    """The built graph does not conform to the SHACL shapes."""

    exit_code = 3


class QueryError(KGError):
    """A SPARQL query is malformed, unknown, or refers to a missing store."""

    exit_code = 2


class VizError(KGError):
    """A graph view cannot be made: missing graph file, unknown --focus name or --type."""

    exit_code = 2


class OutputError(KGError):
    """The output folder cannot be written (read-only, disk full, not a folder)."""

    exit_code = 2


class ClusterError(KGError):
    """A distributed engine cannot be used: a bad or unreachable scheduler address, no workers,
    workers running another kg, a worker lost."""

    exit_code = 2
