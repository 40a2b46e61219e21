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

    def __reduce__(self):
        # raised in a worker process, re-raised in the caller with the same message
        return _rebuild, (type(self), self.detail, self.kwargs)


def _rebuild(cls: type, detail: str, kwargs: dict) -> NewsEventsError:
    return cls(detail, **kwargs)


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


# -- read warnings (W1xx): the article is kept, with what was done to it --
class ReadWarning(NewsEventsError):
    """Not an error: something about an input that was repaired or is worth knowing. It is
    logged at WARNING level and kept in ``Article.warnings``; the article is extracted."""

    code = "W100"
    template = "{detail}"


class EncodingFallback(ReadWarning):
    code = "W101"
    template = ("{detail}: not valid UTF-8; the bytes that are not UTF-8 were read as "
                "Windows-1252. Check accented letters, or convert the file to UTF-8.")


class Truncated(ReadWarning):
    code = "W102"
    template = ("{detail}: longer than the {limit} character limit for one article; only the "
                "first {kept} characters were kept. Split it, or raise max_article_chars.")


class DateIgnored(ReadWarning):
    code = "W103"
    template = "{detail}"


class OtherLanguage(ReadWarning):
    code = "W104"
    template = ("{detail}: the text looks like language '{language}', not English; it is "
                "extracted, but expect few events. Translate it to English for full results.")


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


class ReviewConflict(StoreError):
    code = "E505"
    template = ("{detail} was changed by someone else since you loaded it (version {expected}, "
                "now {actual}). Reload it and review it again.")


class InvalidChange(StoreError):
    code = "E506"
    template = "{detail}"


class RecordNotFound(StoreError):
    code = "E507"
    template = "{detail}: no such record in the store. Check the id."


class UserError(StoreError):
    code = "E508"
    template = "{detail}"


class StoreFull(StoreError):
    code = "E509"
    template = ("Could not store article {detail}: the disk holding the store is full ({reason}). "
                "Its transaction was rolled back and earlier articles are kept: free some space, "
                "then run the same `newsevents ingest` again to resume.")



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


# -- the server (E7xx): HTTP errors, returned as JSON {"error": {"code", "message"}} --
class ServeError(NewsEventsError):
    code = "E700"
    template = "{detail}"
    status = 500


class NotAuthenticated(ServeError):
    code = "E701"
    template = "{detail}"
    status = 401


class Forbidden(ServeError):
    code = "E702"
    template = "{detail}"
    status = 403


class CsrfFailed(ServeError):
    code = "E703"
    template = ("{detail}: missing or wrong CSRF token. Send the session's token in the "
                "X-CSRF-Token header (or the csrf_token form field); reload the page if it expired.")
    status = 403


class TooManyLogins(ServeError):
    code = "E704"
    template = "Too many failed logins for {detail}. Wait {seconds} s and try again."
    status = 429


class BodyTooLarge(ServeError):
    code = "E705"
    template = "The request body is larger than the {detail} byte limit."
    status = 413


class BadRequest(ServeError):
    code = "E706"
    template = "{detail}"
    status = 400


class NoSuchEndpoint(ServeError):
    code = "E707"
    template = "{detail}"
    status = 404


# -- internal (E9xx) --
class InternalError(NewsEventsError):
    code = "E901"
    template = ("Unexpected internal error ({detail}). This is a bug: run the command again "
                "with --debug and report the traceback it prints.")


# Exit codes used by the CLI (docs/errors.md).
EXIT_OK = 0
EXIT_FAILURE = 1  # a fatal error: nothing or not everything could be done
EXIT_USAGE = 2  # wrong command-line usage
EXIT_SKIPPED = 3  # finished, but some inputs were skipped (reported on stderr)
