"""Bulk mutations in the simulator, as Shopify documents them.

1. ``stagedUploadsCreate(resource: BULK_MUTATION_VARIABLES)`` answers an
   upload target (a URL on Shopify's storage host and form parameters, among
   them ``key``, the staged upload path).
2. The client POSTs the JSONL file there (multipart form, no access token).
3. ``bulkOperationRunMutation(mutation:, stagedUploadPath:)`` starts an
   operation that runs ``mutation`` once per line, each line being its
   variables. One bulk mutation runs at a time per shop
   (``OPERATION_IN_PROGRESS`` otherwise). Lines cost no query-cost points.
4. ``bulkOperation(id:)`` shows its status (CREATED, RUNNING, COMPLETED,
   FAILED...), ``objectCount`` and, once done, ``url``: a JSONL file of one
   answer per line (``{"data": ..., "__lineNumber": n}``). An operation that
   fails midway has ``partialDataUrl``: the answers of the lines it ran.

Lines run at ``rate`` per second of the simulator's clock (an assumption:
Shopify does not publish the rate; the benchmark says so with its figures).
``fail_after(n)`` makes the next operation die after ``n`` lines.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable, Mapping
from typing import Any

import graphql
import httpx

from ._store import UserError, gid, parse_gid

__all__ = ["RESULT_HOST", "UPLOAD_HOST", "BulkOperations"]

UPLOAD_HOST = "shopify-staged-uploads.storage.googleapis.com"
RESULT_HOST = "storage.googleapis.com"
#: Lines per second a bulk mutation runs at (see the module docstring).
DEFAULT_RATE = 20.0


def _multipart(request: httpx.Request) -> dict[str, bytes]:
    """The fields of a multipart/form-data body, by name."""
    found = re.search(r"boundary=([^;]+)", request.headers.get("Content-Type", ""))
    if found is None:
        return {}
    boundary = b"--" + found.group(1).strip('"').encode()
    fields: dict[str, bytes] = {}
    for part in request.content.split(boundary):
        head, _, body = part.partition(b"\r\n\r\n")
        name = re.search(rb'name="([^"]+)"', head)
        if name is not None:
            fields[name.group(1).decode()] = body.removesuffix(b"\r\n")
    return fields


class BulkOperations:
    """Staged uploads, bulk mutation operations and their result files."""

    def __init__(
        self,
        *,
        schema_for: Callable[[str], graphql.GraphQLSchema],
        mutation_root: Mapping[str, Any],
        now: Callable[[], float],
        stamp: Callable[[], str],
        new_id: Callable[[], int],
        rate: float = DEFAULT_RATE,
    ) -> None:
        self._schema_for = schema_for
        self._root = mutation_root
        self._now = now
        self._stamp = stamp
        self._new_id = new_id
        self.rate = rate
        self.files: dict[str, bytes] = {}  # staged upload path -> JSONL
        self.results: dict[str, bytes] = {}  # result path -> JSONL
        self.operations: dict[int, dict[str, Any]] = {}
        self._fail_after: int | None = None
        self.version = "2026-01"
        #: Seeded shuffle of result files: Shopify does not promise their order.
        self.shuffle: random.Random | None = None

    def fail_after(self, lines: int) -> None:
        """The next bulk operation dies (INTERNAL_SERVER_ERROR) after ``lines`` lines;
        the line after them is applied, but its answer is lost with the operation."""
        self._fail_after = lines

    # -- staged uploads -------------------------------------------------------
    def staged_uploads_create(self, input: list[Mapping[str, Any]]) -> dict[str, Any]:
        targets = []
        for position, item in enumerate(input):
            if item.get("resource") != "BULK_MUTATION_VARIABLES":
                raise UserError(["input", str(position), "resource"], "Unsupported resource")
            key = f"tmp/{self._new_id()}/bulk/{item.get('filename') or 'bulk.jsonl'}"
            targets.append(
                {
                    "url": f"https://{UPLOAD_HOST}/",
                    "resourceUrl": None,
                    "parameters": [
                        {"name": "key", "value": key},
                        {"name": "Content-Type", "value": item.get("mimeType") or "text/jsonl"},
                        {"name": "success_action_status", "value": "201"},
                        {"name": "policy", "value": "c2ltdWxhdGVk"},
                    ],
                }
            )
        return {"stagedTargets": targets}

    def upload(self, request: httpx.Request) -> httpx.Response:
        if request.method != "POST":
            return httpx.Response(405)
        fields = _multipart(request)
        key = fields.get("key", b"").decode()
        if not key or "file" not in fields:
            return httpx.Response(400, text="<Error><Code>InvalidArgument</Code></Error>")
        self.files[key] = fields["file"]
        return httpx.Response(201, text=f"<PostResponse><Key>{key}</Key></PostResponse>")

    def download(self, request: httpx.Request) -> httpx.Response:
        body = self.results.get(request.url.path.lstrip("/"))
        if body is None:
            return httpx.Response(404, text="<Error><Code>NoSuchKey</Code></Error>")
        return httpx.Response(200, content=body, headers={"Content-Type": "application/jsonl"})

    # -- operations -----------------------------------------------------------
    def run_mutation(self, mutation: str, stagedUploadPath: str, **_: Any) -> dict[str, Any]:
        if any(op["status"] in ("CREATED", "RUNNING") for op in self.operations.values()):
            raise UserError(
                None,
                "A bulk mutation operation for this app and shop is already in progress.",
                "OPERATION_IN_PROGRESS",
            )
        schema = self._schema_for(self.version)
        try:
            document = graphql.parse(mutation)
        except graphql.GraphQLError as error:
            raise UserError(
                ["mutation"], f"Invalid mutation: {error.message}", "INVALID_MUTATION"
            ) from None
        problems = graphql.validate(schema, document)
        operation = graphql.get_operation_ast(document)
        if problems or operation is None or operation.operation != graphql.OperationType.MUTATION:
            message = problems[0].message if problems else "Not a mutation"
            raise UserError(["mutation"], f"Invalid mutation: {message}", "INVALID_MUTATION")
        fields = [s for s in operation.selection_set.selections if isinstance(s, graphql.FieldNode)]
        if len(fields) != 1 or fields[0].name.value.startswith("bulkOperation"):
            raise UserError(
                ["mutation"], "Exactly one mutation field is allowed", "INVALID_MUTATION"
            )
        content = self.files.get(stagedUploadPath)
        if content is None:
            raise UserError(["stagedUploadPath"], "The file does not exist", "NO_SUCH_FILE")
        try:
            lines = [json.loads(line) for line in content.decode().splitlines() if line.strip()]
        except ValueError:
            raise UserError(
                ["stagedUploadPath"], "The file is not valid JSONL", "INVALID_STAGED_UPLOAD_FILE"
            ) from None
        number = self._new_id()
        self.operations[number] = {
            "id": number,
            "status": "CREATED",
            "document": document,
            "query": mutation,
            "schema": schema,
            "lines": lines,
            "done": [],
            "started": self._now(),
            "createdAt": self._stamp(),
            "completedAt": None,
            "errorCode": None,
            "fail_after": self._fail_after,
        }
        self._fail_after = None
        return {"bulkOperation": self.view(number)}

    def _advance(self, operation: dict[str, Any]) -> None:
        """Run the lines whose time has come."""
        if operation["status"] not in ("CREATED", "RUNNING"):
            return
        operation["status"] = "RUNNING"
        due = int((self._now() - operation["started"]) * self.rate)
        lines = operation["lines"]
        while len(operation["done"]) < min(due, len(lines)):
            position = len(operation["done"])
            if operation["fail_after"] is not None and position >= operation["fail_after"]:
                graphql.execute_sync(  # in flight when it died: applied, not answered
                    operation["schema"],
                    operation["document"],
                    root_value=self._root,
                    variable_values=lines[position],
                )
                operation["status"] = "FAILED"
                operation["errorCode"] = "INTERNAL_SERVER_ERROR"
                self._publish(operation, partial=True)
                return
            result = graphql.execute_sync(
                operation["schema"],
                operation["document"],
                root_value=self._root,
                variable_values=lines[position],
            )
            answer: dict[str, Any] = {"data": result.data, "__lineNumber": position}
            if result.errors:
                answer["errors"] = [e.formatted for e in result.errors]
            operation["done"].append(answer)
        if len(operation["done"]) == len(lines):
            operation["status"] = "COMPLETED"
            self._publish(operation, partial=False)

    def _publish(self, operation: dict[str, Any], *, partial: bool) -> None:
        path = f"shopify-bulk/{operation['id']}{'-partial' if partial else ''}.jsonl"
        answers = list(operation["done"])
        if self.shuffle is not None:
            self.shuffle.shuffle(answers)
        body = "".join(json.dumps(a, default=str) + "\n" for a in answers)
        self.results[path] = body.encode()
        operation["completedAt"] = self._stamp()
        operation["partial" if partial else "url"] = f"https://{RESULT_HOST}/{path}"

    def view(self, number: int) -> dict[str, Any]:
        operation = self.operations[number]
        self._advance(operation)
        return {
            "id": gid("BulkOperation", number),
            "status": operation["status"],
            "errorCode": operation["errorCode"],
            "createdAt": operation["createdAt"],
            "completedAt": operation["completedAt"],
            "objectCount": str(len(operation["done"])),
            "rootObjectCount": str(len(operation["done"])),
            "fileSize": None,
            "url": operation.get("url"),
            "partialDataUrl": operation.get("partial"),
            "query": operation["query"],
            "type": "MUTATION",
        }

    def resolve(self, info: Any, id: str) -> Any:
        number = parse_gid(id, "BulkOperation")
        return None if number not in self.operations else self.view(int(number or 0))
