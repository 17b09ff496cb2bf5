"""Schemathesis hooks for .ci/schemathesis.sh (loaded through SCHEMATHESIS_HOOKS).

The payment callback is authenticated by an HMAC signature over "<X-Timestamp>.<raw body>",
which a fuzzer cannot guess. Half of its cases (chosen by the body's hash, so a case replays
the same way) are signed here with the server's payment secret, over the exact bytes sent, so
that the credit path behind the signature is fuzzed too; the other half keep the generated
headers and exercise the signature checks.

The partner API (`/v1/partner/...`) is signed the same way with the secret of the partner
`schemathesis.sh` registers (`SHOWRUNNER_PARTNER_SECRET`), over
METHOD\nPATH_WITH_QUERY\nTIMESTAMP\nNONCE\nBODY, with a fresh nonce per request: every case
carrying the documented example signature, and half of the others.
"""

import hashlib
import hmac
import json
import os
import time
import uuid

import requests
import schemathesis
from hypothesis.internal import lambda_sources

CALLBACK = "/v1/payments/callback"
PARTNER_PREFIX = "/v1/partner/"
PARTNER_ID = "partner-1"
PARTNER_HEADERS = ("X-Partner-Id", "X-Timestamp", "X-Nonce", "X-Signature")
EXAMPLE_SIGNATURE = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


# CPython before 3.12.2 / 3.11.8 can fail ast.parse of a large module with "SystemError: AST
# constructor recursion depth mismatch" (CPython issue 106905). Hypothesis parses the source of
# a lambda only to name it in a strategy's repr; that failure stopped schemathesis's coverage
# phase for an operation. A repr without the lambda's text is enough.
_lambda_description = lambda_sources.lambda_description


def _lambda_description_or_placeholder(f):
    try:
        return _lambda_description(f)
    except SystemError:
        return "lambda: <source not parsed>"


lambda_sources.lambda_description = _lambda_description_or_placeholder


def _raw_body(case):
    body = case.body
    if isinstance(body, bytes):
        return body
    if type(body).__name__ == "NotSet":
        return b""
    if body is None:
        return b"null"
    return json.dumps(body).encode("utf-8")


def _sign_partner(case, kwargs):
    headers = case.headers or {}
    if any(name not in headers for name in PARTNER_HEADERS):
        return  # a case about a missing header keeps it missing
    secret = os.environ.get("SHOWRUNNER_PARTNER_SECRET", "").encode("utf-8")
    raw = _raw_body(case) if type(case.body).__name__ != "NotSet" else b""
    # The documented example signature is a placeholder, always replaced (so the examples phase
    # reaches the routes behind the signature); other cases are signed half the time.
    placeholder = headers.get("X-Signature") == EXAMPLE_SIGNATURE
    if not secret or (not placeholder and hashlib.sha256(raw + case.formatted_path.encode("utf-8")).digest()[0] % 2 == 1):
        return
    # The request target exactly as requests will send it (path parameters percent-encoded).
    transport = case.as_transport_kwargs(base_url="http://127.0.0.1")
    target = requests.Request(method=transport["method"], url=transport["url"], params=transport.get("params")).prepare().path_url
    timestamp = str(int(time.time()))
    nonce = uuid.uuid4().hex
    message = b"\n".join([case.method.upper().encode("ascii"), target.encode("utf-8"), timestamp.encode("ascii"), nonce.encode("ascii"), raw])
    signature = hmac.new(secret, message, hashlib.sha256).hexdigest()
    if type(case.body).__name__ != "NotSet":
        kwargs["data"] = raw
    case.headers = {**headers, "X-Partner-Id": PARTNER_ID, "X-Timestamp": timestamp, "X-Nonce": nonce, "X-Signature": signature}


@schemathesis.hook
def before_call(context, case, kwargs):
    if context.operation is not None and context.operation.path.startswith(PARTNER_PREFIX):
        _sign_partner(case, kwargs)
        return
    if context.operation is None or context.operation.path != CALLBACK:
        return
    headers = case.headers or {}
    if "X-Timestamp" not in headers or "X-Signature" not in headers:
        return  # a case about a missing header keeps it missing
    secret = os.environ.get("SHOWRUNNER_PAYMENT_SECRET", "").encode("utf-8")
    raw = _raw_body(case)
    if not secret or hashlib.sha256(raw).digest()[0] % 2 == 1:
        return
    timestamp = str(int(time.time()))
    signature = hmac.new(secret, timestamp.encode("ascii") + b"." + raw, hashlib.sha256).hexdigest()
    kwargs["data"] = raw
    case.headers = {**headers, "X-Timestamp": timestamp, "X-Signature": signature}
