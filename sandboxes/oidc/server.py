"""A stand-alone Microsoft identity platform sandbox: OpenID Connect and OAuth 2.0 with the
endpoints Seatwise's Microsoft sign-in uses, and the one Graph endpoint it reads.

Run: ``python sandboxes/oidc/server.py --port 8765 --client-id seatwise --client-secret s``

Endpoints (``{tenant}`` is ``consumers``, ``organizations``, ``common`` or any id):

* ``GET  /{tenant}/v2.0/.well-known/openid-configuration`` discovery; the issuer is
  ``{base}/{tenant}/v2.0``;
* ``GET  /{tenant}/oauth2/v2.0/authorize`` approves the configured user at once and
  redirects back to ``redirect_uri`` with ``code`` and ``state`` (``error=access_denied``
  when no user is set, or when a personal account tries ``organizations`` or a work account
  tries ``consumers``);
* ``POST /{tenant}/oauth2/v2.0/token`` exchanges a code (once) for an access token and an
  ID token signed RS256 (client secret by form or HTTP Basic);
* ``GET  /{tenant}/discovery/v2.0/keys`` the JWKS;
* ``GET  /v1.0/me`` and ``GET /oidc/userinfo`` the signed-in user (Bearer token);
* ``POST /_sandbox/user`` (JSON) sets the user the next authorization approves:
  ``{"kind": "work"|"personal", "id", "email", "upn", "mail", "name", "given_name",
  "family_name"}``; ``DELETE /_sandbox/user`` clears it; ``GET /_sandbox/health``.

State lives in memory; the RSA key is made at start. Test use only: nothing is persisted
and nobody but the test talks to it.
"""

from __future__ import annotations

import argparse
import base64
import json
import secrets
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

KID = "sandbox-key-1"
PERSONAL_TENANTS = {"consumers", "9188040d-6c67-4c5b-b050-47b5c89f4f6b"}


class Sandbox:
    def __init__(self, *, client_id: str, client_secret: str) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.user: dict | None = None
        self.codes: dict[str, dict] = {}
        self.tokens: dict[str, dict] = {}
        self.lock = threading.Lock()

    def jwks(self) -> dict:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk.update({"kid": KID, "use": "sig", "alg": "RS256"})
        return {"keys": [jwk]}

    def id_token(self, *, issuer: str, user: dict, nonce: str | None, tenant: str) -> str:
        now = int(time.time())
        claims = {
            "iss": issuer,
            "aud": self.client_id,
            "sub": user["id"],
            "oid": user["id"],
            "tid": tenant,
            "iat": now,
            "nbf": now,
            "exp": now + 3600,
            "jti": uuid.uuid4().hex,
            "name": user.get("name", ""),
            "given_name": user.get("given_name", ""),
            "family_name": user.get("family_name", ""),
            "preferred_username": user.get("upn") or user.get("email", ""),
            "email": user.get("email", ""),
            "ver": "2.0",
        }
        if nonce:
            claims["nonce"] = nonce
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": KID})


def _tenant_allows(tenant: str, user: dict) -> bool:
    personal = user.get("kind") == "personal"
    if tenant in PERSONAL_TENANTS:
        return personal
    if tenant == "organizations":
        return not personal
    return True


def make_handler(sandbox: Sandbox):
    class Handler(BaseHTTPRequestHandler):
        server_version = "SeatwiseOidcSandbox/1"

        def log_message(self, format, *args):  # quiet: tests read the results, not logs
            return

        # --- helpers ---------------------------------------------------------------------

        @property
        def base(self) -> str:
            host = self.headers.get("Host") or f"127.0.0.1:{self.server.server_port}"
            return f"http://{host}"

        def _json(self, status: int, body) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

        def _redirect(self, location: str) -> None:
            self.send_response(302)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _body(self) -> bytes:
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def _bearer_user(self) -> dict | None:
            auth = self.headers.get("Authorization", "")
            if not auth.startswith("Bearer "):
                return None
            with sandbox.lock:
                return sandbox.tokens.get(auth[len("Bearer ") :])

        # --- routes ----------------------------------------------------------------------

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            parts = [p for p in url.path.split("/") if p]
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if parts == ["_sandbox", "health"]:
                return self._json(200, {"ok": True})
            if parts in (["v1.0", "me"], ["oidc", "userinfo"]):
                user = self._bearer_user()
                if user is None:
                    return self._json(401, {"error": {"code": "InvalidAuthenticationToken"}})
                if parts[0] == "oidc":
                    return self._json(200, {"sub": user["id"], "email": user.get("email", "")})
                return self._json(
                    200,
                    {
                        "id": user["id"],
                        "displayName": user.get("name", ""),
                        "givenName": user.get("given_name", ""),
                        "surname": user.get("family_name", ""),
                        "userPrincipalName": user.get("upn") or user.get("email", ""),
                        "mail": user.get("mail"),
                    },
                )
            if len(parts) >= 2:
                tenant, rest = parts[0], parts[1:]
                if rest == ["v2.0", ".well-known", "openid-configuration"]:
                    return self._json(200, self._discovery(tenant))
                if rest == ["discovery", "v2.0", "keys"]:
                    return self._json(200, sandbox.jwks())
                if rest == ["oauth2", "v2.0", "authorize"]:
                    return self._authorize(tenant, query)
            return self._json(404, {"error": "not_found"})

        def do_POST(self) -> None:
            url = urlsplit(self.path)
            parts = [p for p in url.path.split("/") if p]
            if parts == ["_sandbox", "user"]:
                user = json.loads(self._body() or b"{}")
                user.setdefault("id", uuid.uuid4().hex)
                with sandbox.lock:
                    sandbox.user = user
                return self._json(200, user)
            if len(parts) == 4 and parts[1:] == ["oauth2", "v2.0", "token"]:
                return self._token(parts[0])
            return self._json(404, {"error": "not_found"})

        def do_DELETE(self) -> None:
            if urlsplit(self.path).path.rstrip("/") == "/_sandbox/user":
                with sandbox.lock:
                    sandbox.user = None
                return self._json(200, {"ok": True})
            return self._json(404, {"error": "not_found"})

        def _discovery(self, tenant: str) -> dict:
            root = f"{self.base}/{tenant}"
            return {
                "issuer": f"{root}/v2.0",
                "authorization_endpoint": f"{root}/oauth2/v2.0/authorize",
                "token_endpoint": f"{root}/oauth2/v2.0/token",
                "jwks_uri": f"{root}/discovery/v2.0/keys",
                "userinfo_endpoint": f"{self.base}/oidc/userinfo",
                "response_types_supported": ["code"],
                "subject_types_supported": ["pairwise"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "scopes_supported": ["openid", "profile", "email", "offline_access"],
                "token_endpoint_auth_methods_supported": [
                    "client_secret_post",
                    "client_secret_basic",
                ],
            }

        def _authorize(self, tenant: str, query: dict) -> None:
            redirect_uri = query.get("redirect_uri", "")
            if query.get("client_id") != sandbox.client_id or not redirect_uri:
                return self._json(400, {"error": "invalid_client"})
            state = query.get("state", "")
            with sandbox.lock:
                user = sandbox.user
            if user is None or not _tenant_allows(tenant, user):
                params = {"error": "access_denied", "state": state}
                return self._redirect(f"{redirect_uri}?{urlencode(params)}")
            code = secrets.token_urlsafe(24)
            with sandbox.lock:
                sandbox.codes[code] = {
                    "user": dict(user),
                    "redirect_uri": redirect_uri,
                    "nonce": query.get("nonce"),
                    "tenant": tenant,
                }
            return self._redirect(f"{redirect_uri}?{urlencode({'code': code, 'state': state})}")

        def _token(self, tenant: str) -> None:
            form = {k: v[0] for k, v in parse_qs(self._body().decode()).items()}
            client_id, secret = form.get("client_id"), form.get("client_secret")
            auth = self.headers.get("Authorization", "")
            if auth.startswith("Basic "):
                decoded = base64.b64decode(auth[len("Basic ") :]).decode()
                client_id, _, secret = decoded.partition(":")
            if client_id != sandbox.client_id or secret != sandbox.client_secret:
                return self._json(401, {"error": "invalid_client"})
            with sandbox.lock:
                grant = sandbox.codes.pop(form.get("code", ""), None)
            if (
                form.get("grant_type") != "authorization_code"
                or grant is None
                or grant["tenant"] != tenant
                or grant["redirect_uri"] != form.get("redirect_uri")
            ):
                return self._json(400, {"error": "invalid_grant"})
            access_token = secrets.token_urlsafe(32)
            with sandbox.lock:
                sandbox.tokens[access_token] = grant["user"]
            id_token = sandbox.id_token(
                issuer=f"{self.base}/{tenant}/v2.0",
                user=grant["user"],
                nonce=grant["nonce"],
                tenant=tenant,
            )
            return self._json(
                200,
                {
                    "token_type": "Bearer",
                    "access_token": access_token,
                    "expires_in": 3600,
                    "scope": "openid profile email User.Read",
                    "id_token": id_token,
                },
            )

    return Handler


def serve(*, port: int, client_id: str, client_secret: str, host: str = "127.0.0.1") -> None:
    sandbox = Sandbox(client_id=client_id, client_secret=client_secret)
    server = ThreadingHTTPServer((host, port), make_handler(sandbox))
    try:
        server.serve_forever()
    finally:
        server.server_close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--client-id", default="seatwise-sandbox")
    parser.add_argument("--client-secret", default="sandbox-secret")
    args = parser.parse_args()
    serve(
        port=args.port, client_id=args.client_id, client_secret=args.client_secret, host=args.host
    )


if __name__ == "__main__":
    main()
