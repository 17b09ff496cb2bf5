"""Schemathesis hooks for .ci/schemathesis.sh (loaded through SCHEMATHESIS_HOOKS).

The payment callback is authenticated by an HMAC signature over "<X-Timestamp>.<raw body>",
which a fuzzer cannot guess. Half of its cases (chosen by the body's hash, so a case replays
the same way) are signed here with the server's payment secret, over the exact bytes sent, so
that the credit path behind the signature is fuzzed too; the other half keep the generated
headers and exercise the signature checks.
"""

import hashlib
import hmac
import json
import os
import time

import schemathesis
from hypothesis.internal import lambda_sources

CALLBACK = "/v1/payments/callback"


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


@schemathesis.hook
def before_call(context, case, kwargs):
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
