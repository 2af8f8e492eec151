"""A server that echoes the request it got, credentials and all, in every way
servers do: a 401/400/500/502 body, a 400 in the platform's JSON error shape,
a 200 that is an HTML page instead of JSON."""

from __future__ import annotations

import base64
import json
import random
import traceback
import urllib.parse
from collections.abc import Callable, Iterable

import httpx

from cartmigrate import Report

MODES = ("401", "400", "400-json", "500", "502", "200-html")


def secret_forms(*secrets: str, basic: tuple[str, str] | None = None) -> list[str]:
    """Every way a secret may be written out: raw, URL-encoded, base64 of the pair."""
    forms: set[str] = set()
    for secret in secrets:
        forms.update(
            {
                secret,
                urllib.parse.quote(secret, safe=""),
                urllib.parse.quote_plus(secret),
                json.dumps(secret)[1:-1],
            }
        )
    if basic is not None:
        pair = f"{basic[0]}:{basic[1]}".encode()
        forms.add(base64.b64encode(pair).decode())
        forms.add(base64.urlsafe_b64encode(pair).decode().rstrip("="))
    return sorted(forms)


def echo_body(request: httpx.Request, secrets: Iterable[str]) -> str:
    """What a careless server says back: the request line, every header, the
    credentials it decoded, and the same again URL-encoded."""
    lines = [f"{request.method} {request.url}"]
    lines += [f"{name}: {value}" for name, value in request.headers.items()]
    auth = request.headers.get("Authorization", "")
    if auth.startswith("Basic "):
        lines.append("decoded: " + base64.b64decode(auth[6:]).decode())
    for secret in secrets:
        lines.append(
            f"param={urllib.parse.quote(secret, safe='')}&plus={urllib.parse.quote_plus(secret)}"
        )
    lines.append(f"body: {request.content.decode(errors='replace')[:200]}")
    return "\n".join(lines)


def echo_response(request: httpx.Request, mode: str, secrets: Iterable[str]) -> httpx.Response:
    text = echo_body(request, secrets)
    if mode == "200-html":
        return httpx.Response(
            200, text=f"<html><pre>{text}</pre></html>", headers={"Content-Type": "text/html"}
        )
    if mode == "400-json":
        body = {
            "code": "rest_invalid_param",
            "message": text,
            "data": {"status": 400, "params": {"sku": text}},
        }
        return httpx.Response(400, json=body)
    return httpx.Response(int(mode), text=text)


def echoing(
    handle: Callable[[httpx.Request], httpx.Response],
    mode: str,
    secrets: Iterable[str],
    *,
    rate: float,
    seed: int,
) -> httpx.MockTransport:
    """``handle`` (a simulator), but ``rate`` of the requests answered by an echo."""
    rng = random.Random(seed)
    known = list(secrets)

    def serve(request: httpx.Request) -> httpx.Response:
        if rng.random() < rate:
            return echo_response(request, mode, known)
        return handle(request)

    return httpx.MockTransport(serve)


def exception_texts(error: BaseException) -> list[str]:
    """What a user may ever see of an exception: str, repr, the formatted
    traceback, and the same for everything chained to it."""
    texts = ["".join(traceback.format_exception(error))]
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        texts += [str(current), repr(current), repr(vars(current))]
        pending += [current.__cause__, current.__context__]
    return texts


def report_texts(report: Report) -> list[str]:
    return [
        str(report),
        repr(report),
        report._repr_html_(),
        *(repr(f) for f in report.failures),
        *(repr(w) for w in report.warnings),
    ]


def leaks(texts: Iterable[str], forms: Iterable[str]) -> list[tuple[str, str]]:
    """(form, excerpt) for every secret form found in any text."""
    found: list[tuple[str, str]] = []
    for text in texts:
        for form in forms:
            at = text.find(form)
            if at >= 0:
                found.append((form, text[max(0, at - 60) : at + len(form) + 20]))
    return found
