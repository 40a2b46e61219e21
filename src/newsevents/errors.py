"""Errors with stable codes.

Library code raises these; only the CLI turns them into messages and exit codes
(docs/errors.md lists every code). Messages say what was wrong and what to do.
Codes never change meaning once released; new codes get new numbers.
"""

from __future__ import annotations


class NewsEventsError(Exception):
    """Base class: every error the library raises on purpose has a ``code``."""

    code = "E000"
    template = "{detail}"

    def __init__(self, detail: str = "", **kwargs: object) -> None:
        self.detail = detail
        self.kwargs = kwargs
        super().__init__(f"[{self.code}] " + self.template.format(detail=detail, **kwargs))


# -- reading (E1xx): the input is reported and skipped, the batch goes on --
class ReadError(NewsEventsError):
    code = "E100"
    template = "Cannot read {detail}"


class NotFound(ReadError):
    code = "E101"
    template = "{detail}: no such file or directory. Check the path."


class EmptyInput(ReadError):
    code = "E102"
    template = "{detail}: the article has no text. Nothing to extract."


class BinaryInput(ReadError):
    code = "E103"
    template = "{detail}: looks like a binary file, not text, JSONL, CSV or HTML."


class EncodingProblem(ReadError):
    code = "E104"
    template = "{detail}: not valid UTF-8 text. Convert it to UTF-8 (e.g. `iconv -t UTF-8`)."


class BadRecord(ReadError):
    code = "E105"
    template = "{detail}"


class BadHeader(ReadError):
    code = "E106"
    template = "{detail}"


class Unreadable(ReadError):
    code = "E107"
    template = "{detail}: cannot be opened ({reason})."


class TooLarge(ReadError):
    code = "E108"
    template = "{detail}: larger than the {limit} byte limit for one article; split it first."


# -- resources (E2xx): installation problems, fatal --
class ModelMissing(NewsEventsError):
    code = "E201"
    template = ("spaCy model '{detail}' is not installed. Install the project with "
                "`make demo` or `pip install -e .`, or pass --model with an installed model.")


class GazetteerMissing(NewsEventsError):
    code = "E202"
    template = "{detail}"


class DataFileError(NewsEventsError):
    code = "E203"
    template = "Data file {detail} is malformed: {reason}"


class GazetteerImportError(NewsEventsError):
    code = "E204"
    template = ("{detail}: {reason}. Nothing was imported from this file; fix the row "
                "and import it again.")


# -- usage (E3xx) --
class BadOption(NewsEventsError):
    code = "E301"
    template = "{detail}"


class BadDate(NewsEventsError):
    code = "E302"
    template = "'{detail}' is not a date: use YYYY-MM-DD or YYYY-MM."


# -- evaluation (E4xx) --
class BenchmarkError(NewsEventsError):
    code = "E401"
    template = "{detail}"


# -- store (E5xx) --
class StoreError(NewsEventsError):
    code = "E500"
    template = "{detail}"


class StoreUnavailable(StoreError):
    code = "E501"
    template = ("Cannot open the store {detail}: {reason}. Check the --db URL (or $NEWSEVENTS_DB) "
                "and that the database server is running.")


class StoreVersionError(StoreError):
    code = "E502"
    template = ("The store {detail} has a schema this version does not know ({reason}). "
                "Upgrade newsevents, or use another --db.")


class StoreWriteError(StoreError):
    code = "E503"
    template = "Could not store article {detail}: {reason}"


class ExportError(StoreError):
    code = "E504"
    template = "{detail}"



# -- distributed runs (E6xx) --
class ClusterError(NewsEventsError):
    code = "E600"
    template = "{detail}"


class ClusterUnavailable(ClusterError):
    code = "E601"
    template = ("Cannot reach the Dask scheduler {detail}: {reason}. Check the --scheduler "
                "address (tcp://HOST:PORT) and that `dask scheduler` is running there.")


class WorkerFailed(ClusterError):
    code = "E602"
    template = ("A batch of articles failed on a Dask worker ({reason}). Check the worker's log; "
                "every worker needs newsevents and its model installed. First article: {detail}")


class ResultFileError(ClusterError):
    code = "E603"
    template = "{detail}: {reason}"

# Exit codes used by the CLI (docs/errors.md).
EXIT_OK = 0
EXIT_FAILURE = 1  # a fatal error: nothing or not everything could be done
EXIT_USAGE = 2  # wrong command-line usage
EXIT_SKIPPED = 3  # finished, but some inputs were skipped (reported on stderr)
