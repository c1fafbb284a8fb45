"""A local stand-in for Amazon Bedrock runtime: `Converse` (text) and `InvokeModel` (images), over real HTTP.

Services reach it with the same aiobotocore `bedrock-runtime` client they use in AWS; only the endpoint differs
(`WEBDPRO_BEDROCK_ENDPOINT_URL=http://127.0.0.1:4577`). SigV4 is not checked (any Authorization header will do).

Entry: `python -m webdpro_local.bedrock`
  env: WEBDPRO_BEDROCK_PORT=4577, WEBDPRO_BEDROCK_HOST=127.0.0.1,
       WEBDPRO_BEDROCK_LATENCY_MS=0 (added to every model answer, e.g. 800 for a realistic-latency benchmark).

Wire contract (rest-json, as botocore's service model for bedrock-runtime 2023-09-30 describes it)
- `POST /model/{modelId}/converse` `{system:[{text}], messages:[{role, content:[{text}]}], inferenceConfig}`
  → 200 `{output:{message:{role:"assistant", content:[{text}]}}, stopReason:"end_turn",
          usage:{inputTokens, outputTokens, totalTokens}, metrics:{latencyMs}}`
- `POST /model/{modelId}/invoke` with the image model's own body; the answer shape follows the model id family:
    `stability.stable-diffusion-xl*` (SDXL 1.0): `{text_prompts:[{text}], width, height, seed, ...}`
        → `{"result":"success", "artifacts":[{"seed", "base64", "finishReason":"SUCCESS"}]}`
    `stability.*` others (SD3, Stable Image Core/Ultra): `{prompt, seed, aspect_ratio, output_format}`
        → `{"seeds":[..], "finish_reasons":[null], "images":["<base64>"]}`
    `amazon.titan-image*`, `amazon.nova-canvas*` (and anything else): `{taskType:"TEXT_IMAGE",
        textToImageParams:{text}, imageGenerationConfig:{width, height, seed, numberOfImages}}`
        → `{"images":["<base64>"], "error": null}`
  The image is a small valid PNG of the requested size (capped at 1536 px), deterministic for (model, prompt, seed).
- Errors exactly as Bedrock sends them: the HTTP status, `x-amzn-errortype: <Code>:http://internal.amazon.com/...`
  and `{"message": "..."}`, so botocore raises `ClientError` with that code (ThrottlingException 429,
  ModelTimeoutException 408, ValidationException 400, ServiceUnavailableException 503, AccessDeniedException 403,
  ModelNotReadyException 429, InternalServerException 500, ResourceNotFoundException 404, ModelErrorException 424).
  Malformed requests (no messages, first message not from the user, roles not alternating, empty text block,
  an image prompt over the model's limit) get a 400 ValidationException as Bedrock would.

Default text answer (the prompt convention)
  If the system prompt (or, failing that, a user message) contains a block `<<example>> … <<end>>`, the answer is
  that block's content — re-serialised when it is valid JSON. Callers put the JSON they expect there (e.g. the
  offline generator's output for the same stage), so the local pipeline stays deterministic and valid.
  Otherwise the answer is `{"text": "<deterministic sentence derived from the last user message>"}`.

Scripting (tests and benchmarks)
  `POST /_script {"modelId": "m" | "*", "answers": [answer, ...]}` queues answers per model id, consumed in order;
  "*" queues answers for any model without its own queued answers. Empty queue → default answer again.
      answer = {"kind": "valid" | "malformed_json" | "missing_prices" | "unsafe" | "error",
                "status": 429, "errorType": "ThrottlingException", "message": "...",   (kind "error")
                "delayMs": 1500,         (any kind: wait before answering)
                "text": "...",           (replaces the default answer text before the kind's transformation)
                "repeat": 1}             (queue the same answer n times)
      malformed_json  the valid JSON inside ```json fences, with trailing commas, its last closing bracket cut
      missing_prices  every `price_paise` / `price` key removed, at any depth
      unsafe          a prohibited-goods phrase ("buy unlicensed pistols") inside a JSON string value
                      (for images: the model's content-filter answer)
      error           the Bedrock error above (status from errorType or errorType from status)
  `POST /_reset` empties every queue and the call log. `POST /_config {"latencyMs": 800}` sets the base latency.
  `GET /_calls[?modelId=m]` → `{"calls":[{modelId, operation, at, kind, status, system, prompt, ...}]}` in order.
  `GET /_health` → `{"ok": true}`.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
import re
import struct
import sys
import time
import zlib
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, unquote

from webdpro_local.procs import free_port, running_server, serve_asgi, set_pdeathsig

DEFAULT_PORT = 4577
UNSAFE_PHRASE = "buy unlicensed pistols and live ammunition here, no licence needed"
MAX_IMAGE_SIDE = 1536

# Bedrock's own status per error code (from botocore's bedrock-runtime service model) and a typical message.
ERRORS: dict[str, tuple[int, str]] = {
    "ThrottlingException": (429, "Too many requests, please wait before trying again."),
    "ModelNotReadyException": (429, "Model is not ready for inference. Wait and try your request again."),
    "ModelTimeoutException": (408, "Model has timed out in processing the request. Try your request again."),
    "ValidationException": (400, "Malformed input request, please reformat your input and try again."),
    "ServiceQuotaExceededException": (400, "Your request exceeds the service quota for your account."),
    "AccessDeniedException": (403, "You don't have access to the model with the specified model ID."),
    "ResourceNotFoundException": (404, "The specified model was not found."),
    "ModelErrorException": (424, "The model returned an error while processing the request."),
    "InternalServerException": (500, "The server encountered an internal error."),
    "ServiceUnavailableException": (503, "Bedrock is unable to process your request."),
}
_STATUS_DEFAULT_CODE = {
    400: "ValidationException",
    403: "AccessDeniedException",
    404: "ResourceNotFoundException",
    408: "ModelTimeoutException",
    424: "ModelErrorException",
    429: "ThrottlingException",
    500: "InternalServerException",
    503: "ServiceUnavailableException",
}
KINDS = {"valid", "malformed_json", "missing_prices", "unsafe", "error"}

# Longest prompt each image family accepts (characters); the adapter must trim to these.
_IMAGE_PROMPT_LIMITS = {"titan": 512, "nova": 1024, "sdxl": 2000, "stability": 10000}


class BadRequest(Exception):
    """Answered as a Bedrock ValidationException (or another code)."""

    def __init__(self, message: str, code: str = "ValidationException") -> None:
        super().__init__(message)
        self.code = code


# ---- state (one process, one event loop) -------------------------------------------------------------------


@dataclass(slots=True)
class Answer:
    kind: str = "valid"
    status: int | None = None
    error_type: str | None = None
    message: str | None = None
    delay_ms: int = 0
    text: str | None = None

    @classmethod
    def parse(cls, raw: Any) -> Answer:
        if not isinstance(raw, dict):
            raise BadRequest("each answer must be an object")
        kind = raw.get("kind", "valid")
        if kind not in KINDS:
            raise BadRequest(f"kind must be one of {sorted(KINDS)}")
        status = raw.get("status")
        error_type = raw.get("errorType")
        if status is not None and (not isinstance(status, int) or not 400 <= status <= 599):
            raise BadRequest("status must be an HTTP error status (400-599)")
        if error_type is not None and not isinstance(error_type, str):
            raise BadRequest("errorType must be a string")
        if kind == "error":
            if error_type is None:
                error_type = _STATUS_DEFAULT_CODE.get(status or 503, "ServiceUnavailableException")
            if status is None:
                status = ERRORS.get(error_type, (500, ""))[0]
        delay = raw.get("delayMs", 0)
        if not isinstance(delay, int) or delay < 0:
            raise BadRequest("delayMs must be a non-negative integer")
        text = raw.get("text")
        if text is not None and not isinstance(text, str):
            raise BadRequest("text must be a string")
        return cls(kind, status, error_type, raw.get("message"), delay, text)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "status": self.status,
            "errorType": self.error_type,
            "delayMs": self.delay_ms,
            "text": self.text,
        }


class State:
    def __init__(self) -> None:
        self.queues: dict[str, deque[Answer]] = {}
        self.calls: list[dict[str, Any]] = []
        self.latency_ms = int(os.environ.get("WEBDPRO_BEDROCK_LATENCY_MS", "0") or 0)

    def reset(self) -> None:
        self.queues.clear()
        self.calls.clear()

    def next_answer(self, model_id: str) -> Answer:
        for key in (model_id, "*"):
            queue = self.queues.get(key)
            if queue:
                return queue.popleft()
        return Answer()


STATE = State()


# ---- text answers ------------------------------------------------------------------------------------------

_EXAMPLE_RE = re.compile(r"<<example>>\s*(.*?)\s*<<end>>", re.DOTALL)


def default_text(system: str, user_texts: list[str], model_id: str) -> str:
    """The stand-in's valid answer: the `<<example>>…<<end>>` block, else `{"text": ...}` (see module doc)."""
    for source in (system, *reversed(user_texts)):
        m = _EXAMPLE_RE.search(source or "")
        if m:
            raw = m.group(1)
            try:
                return json.dumps(json.loads(raw), ensure_ascii=False)
            except ValueError:
                return raw
    last = (user_texts[-1] if user_texts else "").strip()
    words = " ".join(last.split()[:40])
    return json.dumps({"text": f"{words}" if words else f"Answer from {model_id}"}, ensure_ascii=False)


def break_json(text: str) -> str:
    """Fenced, trailing commas, last closing bracket cut off — the usual ways models mangle JSON."""
    try:
        obj = json.loads(text)
    except ValueError:
        return "```json\n" + text[: max(1, len(text) * 2 // 3)]
    pretty = json.dumps(obj, indent=2, ensure_ascii=False)
    # json.dumps escapes newlines inside strings, so every real newline sits between tokens.
    pretty = re.sub(r"(?<=[^\[{,\s])(\n\s*[}\]])", r",\1", pretty)
    if pretty.endswith(("}", "]")):
        pretty = pretty[:-1].rstrip()
    return "```json\n" + pretty + "\n```"


def strip_prices(text: str) -> str:
    try:
        obj = json.loads(text)
    except ValueError:
        return re.sub(r'"price(?:_paise)?"\s*:\s*[^,}\]]+,?', "", text)

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: walk(v) for k, v in node.items() if k not in {"price_paise", "price"}}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return json.dumps(walk(obj), ensure_ascii=False)


# Free-text fields where unsafe words are checked (and not dropped as unknown or reshaped like ids and slugs).
_FREE_TEXT_KEYS = ("description", "tagline", "about", "headline", "title", "summary", "text", "name")


def make_unsafe(text: str) -> str:
    """Put UNSAFE_PHRASE into the answer while keeping it valid JSON: appended to the first free-text field
    (by `_FREE_TEXT_KEYS` preference, depth first), else to the first string with a space, else a "note" key."""
    try:
        obj = json.loads(text)
    except ValueError:
        return f"{text} {UNSAFE_PHRASE}."

    def paths(node: Any, path: tuple = ()) -> Iterator[tuple[tuple, str | None, str]]:
        if isinstance(node, dict):
            for k, v in node.items():
                if isinstance(v, str):
                    yield (*path, k), k, v
                else:
                    yield from paths(v, (*path, k))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                if isinstance(v, str):
                    yield (*path, i), None, v
                else:
                    yield from paths(v, (*path, i))

    found = list(paths(obj))
    target = None
    for key in _FREE_TEXT_KEYS:
        target = next((p for p, k, _ in found if k == key), None)
        if target:
            break
    target = target or next((p for p, _, v in found if " " in v), None)
    if target is None:
        if isinstance(obj, dict):
            obj["note"] = UNSAFE_PHRASE
        else:
            obj = {"value": obj, "note": UNSAFE_PHRASE}
    else:
        parent = obj
        for step in target[:-1]:
            parent = parent[step]
        parent[target[-1]] = f"{parent[target[-1]]} Also: {UNSAFE_PHRASE}."
    return json.dumps(obj, ensure_ascii=False)


def _tokens(text: str) -> int:
    return max(1, (len(text) + 3) // 4) if text else 0


def _texts(blocks: Any, where: str) -> list[str]:
    if not isinstance(blocks, list):
        raise BadRequest(f"{where} must be a list of content blocks")
    out = []
    for block in blocks:
        if not isinstance(block, dict):
            raise BadRequest(f"{where} must contain objects")
        if "text" in block:
            if not isinstance(block["text"], str) or not block["text"].strip():
                raise BadRequest(
                    "The text field in the ContentBlock object is blank. Add text to the text field, and try again."
                )
            out.append(block["text"])
    return out


def parse_converse(body: dict[str, Any]) -> tuple[str, list[str], int]:
    """Check a Converse request like Bedrock does; returns (system text, user texts, input token estimate)."""
    system = "\n".join(_texts(body.get("system", []), "system"))
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise BadRequest(
            "A conversation must start with a user message. Try again with a conversation that starts with a user message."
        )
    user_texts: list[str] = []
    all_texts: list[str] = [system]
    expected = "user"
    for i, msg in enumerate(messages):
        if not isinstance(msg, dict) or msg.get("role") not in {"user", "assistant"}:
            raise BadRequest(f"messages.{i}.role: must be 'user' or 'assistant'")
        if msg["role"] != expected:
            if i == 0:
                raise BadRequest(
                    "A conversation must start with a user message. Try again with a conversation that starts with a user message."
                )
            raise BadRequest(
                "A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again."
            )
        texts = _texts(msg.get("content"), f"messages.{i}.content")
        if not texts:
            raise BadRequest(f"messages.{i}.content: at least one text block is required")
        all_texts.extend(texts)
        if msg["role"] == "user":
            user_texts.append("\n".join(texts))
        expected = "assistant" if expected == "user" else "user"
    if messages[-1].get("role") != "user":
        raise BadRequest("The last message must be from the user.")
    cfg = body.get("inferenceConfig") or {}
    if not isinstance(cfg, dict):
        raise BadRequest("inferenceConfig must be an object")
    max_tokens = cfg.get("maxTokens")
    if max_tokens is not None and (not isinstance(max_tokens, int) or max_tokens < 1):
        raise BadRequest("inferenceConfig.maxTokens: must be at least 1")
    temperature = cfg.get("temperature")
    if temperature is not None and (not isinstance(temperature, int | float) or not 0 <= temperature <= 1):
        raise BadRequest("inferenceConfig.temperature: must be between 0 and 1")
    return system, user_texts, sum(_tokens(t) for t in all_texts)


# ---- images ------------------------------------------------------------------------------------------------


def png(width: int, height: int, seed_bytes: bytes) -> bytes:
    """A valid RGB PNG: a vertical gradient between two colours taken from `seed_bytes`."""
    width = max(1, min(MAX_IMAGE_SIDE, int(width)))
    height = max(1, min(MAX_IMAGE_SIDE, int(height)))
    top, bottom = seed_bytes[0:3], seed_bytes[3:6]
    raw = bytearray()
    bands = 16
    for band in range(bands):
        t = band / (bands - 1)
        colour = bytes(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        row = b"\x00" + colour * width
        rows = height * (band + 1) // bands - height * band // bands
        raw += row * rows

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(bytes(raw), 6))
        + chunk(b"IEND", b"")
    )


def image_family(model_id: str) -> str:
    mid = model_id.lower()
    if "stable-diffusion-xl" in mid:
        return "sdxl"
    if "stability." in mid:
        return "stability"
    if "nova-canvas" in mid:
        return "nova"
    return "titan"


_ASPECTS = {
    "1:1": (1, 1),
    "16:9": (16, 9),
    "21:9": (21, 9),
    "2:3": (2, 3),
    "3:2": (3, 2),
    "4:5": (4, 5),
    "5:4": (5, 4),
    "9:16": (9, 16),
    "9:21": (9, 21),
}


def parse_image_request(family: str, body: dict[str, Any]) -> tuple[str, int, int, int]:
    """(prompt, seed, width, height) from the family's own request body; ValidationException when malformed."""
    if family == "sdxl":
        prompts = body.get("text_prompts")
        if (
            not isinstance(prompts, list)
            or not prompts
            or not all(isinstance(p, dict) and isinstance(p.get("text"), str) for p in prompts)
        ):
            raise BadRequest("required key [text_prompts] not found")
        prompt = " ".join(p["text"] for p in prompts if float(p.get("weight", 1.0)) > 0)
        width, height = int(body.get("width", 1024)), int(body.get("height", 1024))
        seed = int(body.get("seed", 0))
    elif family == "stability":
        prompt = body.get("prompt")
        if not isinstance(prompt, str):
            raise BadRequest("required key [prompt] not found")
        aspect = body.get("aspect_ratio", "1:1")
        if aspect not in _ASPECTS:
            raise BadRequest(f"aspect_ratio: {aspect} is not one of {sorted(_ASPECTS)}")
        w, h = _ASPECTS[aspect]
        scale = 1024 / max(w, h)
        width, height = round(w * scale), round(h * scale)
        seed = int(body.get("seed", 0))
    else:
        if body.get("taskType") != "TEXT_IMAGE":
            raise BadRequest("taskType: only TEXT_IMAGE is supported by the stand-in")
        params = body.get("textToImageParams")
        if not isinstance(params, dict) or not isinstance(params.get("text"), str):
            raise BadRequest("required key [textToImageParams.text] not found")
        prompt = params["text"]
        cfg = body.get("imageGenerationConfig") or {}
        width, height = int(cfg.get("width", 1024)), int(cfg.get("height", 1024))
        seed = int(cfg.get("seed", 0))
    if not prompt.strip():
        raise BadRequest("The prompt is empty.")
    limit = _IMAGE_PROMPT_LIMITS[family]
    if len(prompt) > limit:
        raise BadRequest(f"The prompt is {len(prompt)} characters; this model accepts at most {limit}.")
    if not (64 <= width <= 4096 and 64 <= height <= 4096):
        raise BadRequest("width and height must be between 64 and 4096")
    return prompt, seed, width, height


def image_body(
    family: str, answer: Answer, model_id: str, prompt: str, seed: int, width: int, height: int
) -> bytes:
    digest = hashlib.sha256(f"{model_id}|{prompt}|{seed}".encode()).digest()
    b64 = base64.b64encode(png(width, height, digest)).decode()
    filtered = answer.kind == "unsafe"
    if family == "sdxl":
        art = {"seed": seed, "base64": b64, "finishReason": "CONTENT_FILTERED" if filtered else "SUCCESS"}
        body: dict[str, Any] = {"result": "success", "artifacts": [art]}
    elif family == "stability":
        body = {
            "seeds": [seed],
            "finish_reasons": ["Filter reason: output image" if filtered else None],
            "images": [b64],
        }
    else:
        if filtered:
            raise BadRequest("This request has been blocked by our content filters.")
        body = {"images": [b64], "error": None}
    text = json.dumps(body)
    if answer.kind == "malformed_json":
        text = text[: len(text) // 2]
    return text.encode()


# ---- the ASGI app ------------------------------------------------------------------------------------------

Send = Callable[[dict[str, Any]], Awaitable[None]]
Receive = Callable[[], Awaitable[dict[str, Any]]]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


async def _respond(send: Send, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
    hdrs = {"content-type": "application/json", "x-amzn-requestid": os.urandom(16).hex(), **(headers or {})}
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(k.encode(), v.encode()) for k, v in hdrs.items()]
            + [(b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _json(send: Send, status: int, obj: Any) -> None:
    await _respond(send, status, json.dumps(obj, ensure_ascii=False).encode())


async def _error(send: Send, code: str, message: str | None = None, status: int | None = None) -> None:
    default_status, default_message = ERRORS.get(code, (status or 500, "Error"))
    await _respond(
        send,
        status or default_status,
        json.dumps({"message": message or default_message}).encode(),
        {"x-amzn-errortype": f"{code}:http://internal.amazon.com/coral/com.amazon.bedrock/"},
    )


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        msg = await receive()
        if msg["type"] == "http.disconnect":
            break
        chunks.append(msg.get("body", b""))
        if not msg.get("more_body"):
            break
    return b"".join(chunks)


def _json_object(raw: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw or b"{}")
    except ValueError as exc:
        raise BadRequest(f"Malformed input request: {exc}") from exc
    if not isinstance(body, dict):
        raise BadRequest("Malformed input request: the body must be a JSON object")
    return body


async def _model_call(send: Send, model_id: str, operation: str, raw: bytes) -> None:
    started = time.monotonic()
    call: dict[str, Any] = {"modelId": model_id, "operation": operation, "at": _now()}
    STATE.calls.append(call)
    try:
        body = _json_object(raw)
        if operation == "converse":
            system, user_texts, input_tokens = parse_converse(body)
            call.update(system=system, prompt=user_texts[-1], turns=len(body["messages"]))
        else:
            family = image_family(model_id)
            prompt, seed, width, height = parse_image_request(family, body)
            call.update(prompt=prompt, seed=seed, width=width, height=height, family=family)
    except BadRequest as exc:
        # A malformed request does not consume a scripted answer.
        call.update(status=400, kind="rejected", error=str(exc))
        await _error(send, exc.code, str(exc))
        return
    answer = STATE.next_answer(model_id)
    call["kind"] = answer.kind
    delay = (STATE.latency_ms + answer.delay_ms) / 1000
    if delay:
        await asyncio.sleep(delay)
    if answer.kind == "error":
        call["status"] = answer.status
        await _error(send, answer.error_type or "ServiceUnavailableException", answer.message, answer.status)
        return
    if operation == "invoke":
        try:
            out = image_body(family, answer, model_id, prompt, seed, width, height)
        except BadRequest as exc:
            call["status"] = 400
            await _error(send, exc.code, str(exc))
            return
        call["status"] = 200
        await _respond(send, 200, out)
        return
    text = answer.text if answer.text is not None else default_text(system, user_texts, model_id)
    if answer.kind == "malformed_json":
        text = break_json(text)
    elif answer.kind == "missing_prices":
        text = strip_prices(text)
    elif answer.kind == "unsafe":
        text = make_unsafe(text)
    output_tokens = _tokens(text)
    call["status"] = 200
    await _json(
        send,
        200,
        {
            "output": {"message": {"role": "assistant", "content": [{"text": text}]}},
            "stopReason": "end_turn",
            "usage": {
                "inputTokens": input_tokens,
                "outputTokens": output_tokens,
                "totalTokens": input_tokens + output_tokens,
            },
            "metrics": {"latencyMs": round((time.monotonic() - started) * 1000)},
        },
    )


async def _control(send: Send, method: str, path: str, query: str, raw: bytes) -> None:
    if method == "GET" and path == "/_health":
        await _json(send, 200, {"ok": True})
    elif method == "GET" and path == "/_calls":
        wanted = parse_qs(query).get("modelId")
        calls = [c for c in STATE.calls if not wanted or c["modelId"] in wanted]
        await _json(send, 200, {"calls": calls})
    elif method == "GET" and path == "/_script":
        await _json(
            send, 200, {"queues": {k: [a.to_dict() for a in q] for k, q in STATE.queues.items() if q}}
        )
    elif method == "POST" and path == "/_reset":
        STATE.reset()
        await _json(send, 200, {"ok": True})
    elif method == "POST" and path == "/_config":
        body = _json_object(raw)
        latency = body.get("latencyMs", STATE.latency_ms)
        if not isinstance(latency, int) or latency < 0:
            raise BadRequest("latencyMs must be a non-negative integer")
        STATE.latency_ms = latency
        await _json(send, 200, {"latencyMs": STATE.latency_ms})
    elif method == "POST" and path == "/_script":
        body = _json_object(raw)
        model_id = body.get("modelId")
        answers = body.get("answers")
        if not isinstance(model_id, str) or not model_id:
            raise BadRequest("modelId is required")
        if not isinstance(answers, list):
            raise BadRequest("answers must be a list")
        parsed: list[Answer] = []
        for raw_answer in answers:
            repeat = raw_answer.get("repeat", 1) if isinstance(raw_answer, dict) else 1
            if not isinstance(repeat, int) or not 1 <= repeat <= 1000:
                raise BadRequest("repeat must be between 1 and 1000")
            parsed.extend([Answer.parse(raw_answer)] * repeat)
        queue = STATE.queues.setdefault(model_id, deque())
        queue.extend(parsed)
        await _json(send, 200, {"modelId": model_id, "queued": len(queue)})
    else:
        await _error(send, "ResourceNotFoundException", f"No route for {method} {path}", 404)


_MODEL_PATH = re.compile(r"^/model/([^/]+)/(converse|invoke)$")


async def app(scope: dict[str, Any], receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        while True:
            msg = await receive()
            if msg["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif msg["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["type"] != "http":
        return
    # The raw path keeps percent-encoding, so a model id (or ARN) with ':' or '/' splits correctly.
    raw_path = scope.get("raw_path")
    path = raw_path.decode("latin-1") if raw_path else scope["path"]
    path = path.split("?", 1)[0]
    method = scope["method"]
    body = await _read_body(receive)
    m = _MODEL_PATH.match(path)
    try:
        if m and method == "POST":
            await _model_call(send, unquote(m.group(1)), m.group(2), body)
        else:
            await _control(send, method, unquote(path), scope.get("query_string", b"").decode(), body)
    except BadRequest as exc:
        await _error(send, exc.code, str(exc))


def create_app() -> Callable[..., Awaitable[None]]:
    """Factory run inside the granian worker: the worker must die with its parent."""
    set_pdeathsig()
    return app


# ---- process entry -----------------------------------------------------------------------------------------


def main() -> None:
    host = os.environ.get("WEBDPRO_BEDROCK_HOST", "127.0.0.1")
    port = int(os.environ.get("WEBDPRO_BEDROCK_PORT", DEFAULT_PORT))
    print(f"bedrock stand-in on http://{host}:{port}", file=sys.stderr, flush=True)
    # Scripted queues and the call log live in process memory: exactly one worker.
    serve_asgi("webdpro_local.bedrock:create_app", host, port)


# ---- helpers for tests and benchmarks ----------------------------------------------------------------------


class StandIn:
    """Control client for a running stand-in (scripting, reset, call log) over HTTP."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint.rstrip("/")

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        import httpx

        r = httpx.post(f"{self.endpoint}{path}", json=body, timeout=5)
        r.raise_for_status()
        return r.json()

    def script(self, model_id: str, *answers: dict[str, Any]) -> int:
        return self._post("/_script", {"modelId": model_id, "answers": list(answers)})["queued"]

    def reset(self) -> None:
        self._post("/_reset", {})

    def set_latency(self, ms: int) -> None:
        self._post("/_config", {"latencyMs": ms})

    def calls(self, model_id: str | None = None) -> list[dict[str, Any]]:
        import httpx

        params = {"modelId": model_id} if model_id else None
        r = httpx.get(f"{self.endpoint}/_calls", params=params, timeout=5)
        r.raise_for_status()
        return r.json()["calls"]


@contextmanager
def running_standin(
    port: int | None = None, *, latency_ms: int = 0, timeout: float = 20.0
) -> Iterator[StandIn]:
    """Start `python -m webdpro_local.bedrock` on a free port (a subprocess), yield its control client, stop it."""
    port = port or free_port()
    env = {**os.environ, "WEBDPRO_BEDROCK_PORT": str(port), "WEBDPRO_BEDROCK_LATENCY_MS": str(latency_ms)}
    endpoint = f"http://127.0.0.1:{port}"
    with running_server("bedrock stand-in", "webdpro_local.bedrock", env, f"{endpoint}/_health", timeout):
        yield StandIn(endpoint)


if __name__ == "__main__":
    main()
