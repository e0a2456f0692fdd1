"""Talking to Claude: the client from settings, streamed text, streamed tool input, readable errors.

Everything goes through the anthropic SDK's `client.messages.stream(...)` (Anthropic Messages API,
streaming: https://docs.anthropic.com/en/api/messages-streaming — events `message_start`,
`content_block_start`, `content_block_delta` (`text_delta` / `input_json_delta`),
`content_block_stop`, `message_delta`, `message_stop`, `ping`, and `error`). Streaming lets a
job report every few deltas, notice a cancellation between them, and never trips the SDK's
refusal of long non-streaming requests. Structured output uses tool use with a forced tool
(https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/implement-tool-use).

Every SDK or transport failure becomes an `ApplicationError` whose message a crew member can
read, so the job wrapper fails the job cleanly.
"""
from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Iterator

import httpx2
from django.conf import settings

from apps.core.errors import ApplicationError
from apps.generation.config import require_anthropic
from apps.jobs.services import JobContext

if TYPE_CHECKING:
    import anthropic

# `import anthropic` is deferred to the first call: the SDK's types take about 1.5 s to import, and every
# Django process (web, worker, each manage.py) imports this module through the job handlers' registry.

# The SDK retries connection errors, timeouts, 408/409/429 and 5xx (529 overloaded included) with
# exponential backoff (0.5 s, 1 s), honouring `retry-after`; two retries, as the SDK's default.
MAX_RETRIES = 2


def anthropic_client(feature: str = "AI writing") -> anthropic.Anthropic:
    """The SDK client configured from settings: ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL (a proxy or the
    tests' fake server), SLATE_ANTHROPIC_TIMEOUT_S per request.

    Raises `NotConfiguredError` (503 `not_configured`) without a key.
    """
    require_anthropic(feature)
    import anthropic

    options = {"api_key": settings.ANTHROPIC_API_KEY, "timeout": settings.SLATE_ANTHROPIC_TIMEOUT_S, "max_retries": MAX_RETRIES}
    if settings.ANTHROPIC_BASE_URL:
        options["base_url"] = settings.ANTHROPIC_BASE_URL
    return anthropic.Anthropic(**options)


def request_options(*, system: str, user: str) -> dict:
    """The Messages API parameters Slate sends: model, max_tokens and temperature from settings, one user turn.

    anthropic 2.x no longer has a `temperature` argument (newer models reject it), so it goes in
    `extra_body` — and only when SLATE_ANTHROPIC_TEMPERATURE is set (not None).
    """
    options = {
        "model": settings.SLATE_ANTHROPIC_MODEL,
        "max_tokens": settings.SLATE_ANTHROPIC_MAX_TOKENS,
        "system": system,
        "messages": [{"role": "user", "content": user}],
    }
    if getattr(settings, "SLATE_ANTHROPIC_TEMPERATURE", None) is not None:
        options["extra_body"] = {"temperature": settings.SLATE_ANTHROPIC_TEMPERATURE}
    return options


@contextlib.contextmanager
def readable_claude_errors() -> Iterator[None]:
    """Turn anthropic SDK and transport errors raised inside the block into `ApplicationError`s.

    Messages: "Claude answered 529 overloaded: Overloaded", "Claude did not answer within 300 s",
    "Could not reach Claude: …", "Claude stopped with an error: overloaded: …" (an `error` event
    in the middle of a stream). Codes: `ai_error`, `ai_timeout`, `ai_unreachable`.
    """
    import anthropic

    timeout_s = settings.SLATE_ANTHROPIC_TIMEOUT_S
    try:
        yield
    except (anthropic.APITimeoutError, httpx2.TimeoutException):
        raise ApplicationError(f"Claude did not answer within {timeout_s:g} s.", code="ai_timeout") from None
    except anthropic.APIStatusError as exc:
        kind = str(exc.type or "error").removesuffix("_error")
        detail = exc.api_message or exc.message
        if exc.status_code == 200:  # an `error` event after the stream began
            raise ApplicationError(f"Claude stopped with an error: {kind}: {detail}", code="ai_error") from None
        raise ApplicationError(f"Claude answered {exc.status_code} {kind}: {detail}", code="ai_error") from None
    except (anthropic.APIConnectionError, httpx2.TransportError) as exc:
        raise ApplicationError(f"Could not reach Claude: {exc}", code="ai_unreachable") from None
    except anthropic.APIResponseValidationError as exc:
        raise ApplicationError(f"Claude's answer could not be read: {exc.message}", code="ai_error") from None


def _check_complete(message) -> None:
    if message.stop_reason == "max_tokens":
        raise ApplicationError(
            f"Claude's answer reached the limit of {settings.SLATE_ANTHROPIC_MAX_TOKENS} tokens before it finished "
            "(SLATE_ANTHROPIC_MAX_TOKENS); nothing was saved.", code="ai_truncated")


def stream_text(ctx: JobContext, *, system: str, user: str, expected_chars: int, message: str = "Writing…") -> str:
    """Stream Claude's text answer, broadcasting the text so far on every `job.progress`.

    Progress goes from 0.05 to 0.9 by `len(text) / expected_chars`; each broadcast carries
    `extra={"text": text_so_far}` (throttled by the job context; the complete text is sent once
    more with `force`). A cancellation is noticed between deltas (`JobCancelled`), and leaving the
    `with` closes the HTTP stream. Raises `ApplicationError` for SDK errors, an answer cut off at
    max_tokens, or an empty answer. Returns the text.
    """
    client = anthropic_client()
    text = ""
    ctx.progress(0.02, "Asking Claude…", force=True, extra={"text": text})
    with readable_claude_errors(), client.messages.stream(**request_options(system=system, user=user)) as stream:
        for delta in stream.text_stream:
            text += delta
            ctx.progress(0.05 + 0.85 * min(len(text) / max(expected_chars, 1), 1.0), message, extra={"text": text})
        final = stream.get_final_message()
    _check_complete(final)
    if not text.strip():
        raise ApplicationError("Claude answered with no text; nothing was saved.", code="ai_empty")
    ctx.progress(0.9, "Written", force=True, extra={"text": text})
    return text


def stream_tool_input(ctx: JobContext, *, system: str, user: str, tool: dict, fraction: float = 0.5, message: str = "Reading…") -> object:
    """Have Claude call `tool` (forced with `tool_choice`) and return the tool input it streamed, unvalidated.

    Events are read one by one so a cancellation is noticed between `input_json_delta`s. Raises `ApplicationError` for SDK errors, an answer
    cut off at max_tokens, or an answer without that tool call.
    """
    client = anthropic_client("AI breakdown")
    options = request_options(system=system, user=user) | {
        "tools": [tool], "tool_choice": {"type": "tool", "name": tool["name"]}}
    with readable_claude_errors(), client.messages.stream(**options) as stream:
        for _event in stream:
            ctx.progress(fraction, message)
        final = stream.get_final_message()
    _check_complete(final)
    for block in final.content:
        if block.type == "tool_use" and block.name == tool["name"]:
            return block.input
    raise ApplicationError(f"Claude answered without calling {tool['name']}; nothing was saved.", code="ai_malformed")
