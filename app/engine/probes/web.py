"""The shared body of the "https" and "http" probes: connect, (TLS,) one request, judge status.

Status rules (facts for analysis, not verdicts):
- any status means the service was reached, unless the entry sets ``expect_status``;
- with ``expect_status``, a different 3xx is ``http_redirect`` and any other status is
  ``http_unexpected_status``;
- for plain HTTP (``redirect_is_failure``) every 3xx is ``http_redirect``: on a captive-portal
  probe or an HTTP-only service a redirect is what a portal or an ISP block page does.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any
from urllib.parse import urljoin

from app.core import failures as F
from app.core.facts import WebFacts
from app.core.failures import Failure
from app.core.model import Check, Kind, Observation, Phase
from app.engine import content, second_look
from app.engine.context import Clock, ProbeContext, observation
from app.engine.http1 import HttpResponse, build_request, exchange, request_target
from app.engine.steps import (
    Budget,
    StepFailed,
    close_quietly,
    connect,
    failed_after_lookup,
    resolve,
    start_tls,
)

_LOGIN_WORDS = re.compile(
    r"<form|type=[\"']?password|login|log in|sign in|captive|hotspot|wi-?fi|"
    r"вход|войти|авториз|пароль",
    re.IGNORECASE,
)
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


async def fetch(check: Check, ctx: ProbeContext, *, use_tls: bool,
                redirect_is_failure: bool) -> Observation:
    clock = Clock()
    budget = Budget(check.timeout_s)
    facts: dict[str, Any] = {}
    writer = None
    try:
        addresses = await resolve(check, ctx, budget, clock, facts)
        reader, writer = await connect(addresses, check.port, budget, clock, facts, ctx)
        if use_tls:
            await start_tls(writer, check, ctx, budget, clock, facts)
        host, path = request_target(check)
        # Ask only for what the check reads (docs/performance.md, "Fewer bytes").
        request = build_request(check.method, host, path, ctx.user_agent,
                                last_byte=check.max_bytes - 1 if check.method == "GET" else None,
                                keep_alive=second_look.wanted(check))
        try:
            response = await exchange(reader, writer, request, method=check.method,
                                      max_bytes=check.max_bytes, budget=budget, clock=clock)
        except StepFailed as failed:
            if failed.response is not None:
                _response_facts(check, failed.response, facts)
                if failed.failure == F.STALLED:
                    facts["stalled_after_bytes"] = failed.response.body_bytes
            raise
        failure, detail = _judge(check, response, redirect_is_failure)
        again = None
        if failure is None and second_look.deserved(check, response, clock):
            again = await second_look.take(check, ctx, request, use_tls=use_tls, first=response,
                                           reader=reader, writer=writer,
                                           address=facts.get("peer_address"), budget=budget)
    except StepFailed as failed:
        return await failed_after_lookup(check, ctx, clock, failed, facts)
    finally:
        if writer is not None:
            await close_quietly(writer)
    _response_facts(check, response, facts)
    if again is not None:
        facts["facts"] = dataclasses.replace(
            facts["facts"], second_ttfb_ms=round(again.ttfb_ms, 1),
            second_body_ms=round(again.body_ms, 1), second_bytes=again.body_bytes)
    return observation(check, clock, ok=failure is None, phase=Phase.HTTP, failure=failure,
                       failure_detail=detail, **facts)


def _judge(check: Check, response: HttpResponse, redirect_is_failure: bool
           ) -> tuple[Failure | None, str | None]:
    """(failure, detail) of an answer that arrived: its status, then a 2xx answer's content."""
    failure = _judge_status(check, response, redirect_is_failure)
    if failure is not None:
        return failure, f"HTTP {response.status} {response.reason}".strip()
    if 200 <= response.status < 300:
        detail = _judge_content(check, response)
        if detail:
            return F.UNEXPECTED_CONTENT, detail
    return None, None


def _judge_content(check: Check, response: HttpResponse) -> str | None:
    """Why a 2xx answer is not what the service sends (docs/catalog.md "Content"), or None."""
    instead = content.mismatch(check.content, response.body_prefix, response.headers)
    if instead is not None:
        return f"expected {check.content}, got {instead}"
    size = _object_size(response)
    if check.max_size and size is not None and size > check.max_size:
        return f"the object is {size} bytes, more than the {check.max_size} expected"
    if check.min_size and size is not None and size < check.min_size:
        return f"the object is {size} bytes, less than the {check.min_size} expected"
    return None


def _object_size(response: HttpResponse) -> int | None:
    """The whole object's size: Content-Range's total, else Content-Length, else what came."""
    total = response.headers.get("content-range", "").rpartition("/")[2].strip()
    if total.isdigit():
        return int(total)
    length = response.headers.get("content-length", "").strip()
    if length.isdigit():
        return int(length)
    return response.body_bytes if response.complete else None


def _judge_status(check: Check, response: HttpResponse, redirect_is_failure: bool
                  ) -> Failure | None:
    status = response.status
    if check.expect_status is not None and status == check.expect_status:
        return None
    if 300 <= status < 400 and (redirect_is_failure or check.expect_status is not None):
        return F.HTTP_REDIRECT
    if check.expect_status is not None:
        return F.HTTP_UNEXPECTED_STATUS
    return None


def _response_facts(check: Check, response: HttpResponse, facts: dict[str, Any]) -> None:
    facts["status_code"] = response.status
    facts["bytes_received"] = response.body_bytes
    location = response.headers.get("location")
    if location and 300 <= response.status < 400:
        base = check.url or f"{'http' if check.kind == Kind.HTTP else 'https'}://{check.target}/"
        facts["redirect_to"] = urljoin(base, location)
    hint, title = (body_hint(response.body_prefix, response.headers)
                   if check.kind == Kind.HTTP else (None, None))
    facts["facts"] = WebFacts(silence_ms=response.silence_ms, complete=response.complete,
                              truncated_at_max_bytes=response.truncated, body_hint=hint,
                              title=title)


def body_hint(prefix: bytes, headers: dict[str, str]) -> tuple[str, str | None]:
    """A short description of a plain-HTTP body — does it look like a portal's login page? —
    and its HTML title, if any."""
    if not prefix:
        return "empty", None
    content_type = headers.get("content-type", "").lower()
    is_html = "html" in content_type or b"<html" in prefix[:2048].lower()
    if not is_html:
        return "other", None
    text = prefix.decode("utf-8", "replace")
    hint = "login_page" if _LOGIN_WORDS.search(text) else "html"
    title = _TITLE.search(prefix)
    if not title:
        return hint, None
    title_text = title.group(1).decode("utf-8", "replace")
    return hint, " ".join(title_text.split())[:80]
