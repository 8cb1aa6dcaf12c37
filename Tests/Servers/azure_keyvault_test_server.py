"""A test double of Azure Key Vault and Microsoft Entra ID's token endpoint, not Azure itself.

No emulator of Azure Key Vault exists for this machine, so the Azure provider's tests run against
this small server, which follows the documented REST protocol (Key Vault REST API 7.4: "Keys -
Get Key", "Wrap Key", "Unwrap Key", "Rotate Key", "Create Key"; Microsoft identity platform:
"OAuth 2.0 client credentials flow") with real RSA-OAEP-256 from the `cryptography` package:

    POST /{tenant}/oauth2/v2.0/token              client credentials grant -> bearer token
    GET  /keys/{name}[/{version}]                 KeyBundle {key:{kid,kty,key_ops,n,e},attributes}
    POST /keys/{name}/{version}/wrapkey           {alg,value} -> {kid,value}
    POST /keys/{name}/{version}/unwrapkey         {alg,value} -> {kid,value}
    POST /keys/{name}/rotate                      a new current version -> KeyBundle
    POST /keys/{name}/create                      {kty,key_size,key_ops} -> KeyBundle

Every Key Vault call needs ?api-version=7.4 and a bearer token. Errors have the documented
shapes: Entra ID's {"error","error_description","error_codes",...} (AADSTS codes) and Key Vault's
{"error":{"code","message","innererror"}}. Keys: `actorkeys` (RSA 2048, all key_ops),
`disabled` (attributes.enabled false), `nowrap` (key_ops sign and verify only). The client of
AZURE_TEST_NOACCESS_CLIENT_ID gets tokens but no access policy (403 on every key call).

Configuration comes from the environment, never the command line: AZURE_TEST_PORT,
AZURE_TEST_TENANT_ID, AZURE_TEST_CLIENT_ID, AZURE_TEST_CLIENT_SECRET,
AZURE_TEST_NOACCESS_CLIENT_ID, AZURE_TEST_NOACCESS_CLIENT_SECRET, AZURE_TEST_VAULT_NAME. It logs
nothing: requests carry secrets.
"""

import base64
import hmac
import json
import os
import secrets
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

SCOPE = "https://vault.azure.net/.default"
ALL_OPS = ["encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey"]
ALGORITHMS = {"RSA-OAEP-256": hashes.SHA256, "RSA-OAEP": hashes.SHA1}


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Vault:
    """The keys, their versions and the issued tokens, behind one lock."""

    def __init__(self, name):
        self.base = f"https://{name}.vault.azure.net"
        self.name = name
        self.lock = threading.Lock()
        self.keys = {}  # name -> {"versions": [(version, private_key, attributes)], "ops": [...]}
        self.tokens = {}  # token -> (client_id, expires_at)

    def create(self, name, ops=ALL_OPS, enabled=True, size=2048):
        with self.lock:
            entry = self.keys.setdefault(name, {"versions": [], "ops": list(ops)})
            entry["ops"] = list(ops)
            return self._add_version(name, enabled, size)

    def rotate(self, name):
        with self.lock:
            if name not in self.keys:
                return None
            return self._add_version(name, True, 2048)

    def _add_version(self, name, enabled, size):
        now = int(time.time())
        version = secrets.token_hex(16)
        private = rsa.generate_private_key(public_exponent=65537, key_size=size)
        attributes = {"enabled": enabled, "created": now, "updated": now, "recoveryLevel": "Recoverable+Purgeable",
                      "recoverableDays": 90}
        self.keys[name]["versions"].append((version, private, attributes))
        return self.bundle(name, version)

    def find(self, name, version):
        entry = self.keys.get(name.lower())
        if entry is None:
            return None, None
        versions = entry["versions"]
        if not version:
            return entry, versions[-1]
        for item in versions:
            if item[0] == version:
                return entry, item
        return entry, None

    def bundle(self, name, version):
        entry, item = self.find(name, version)
        numbers = item[1].public_key().public_numbers()
        n = numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")
        return {
            "key": {"kid": f"{self.base}/keys/{name}/{item[0]}", "kty": "RSA", "key_ops": entry["ops"], "n": b64url(n),
                    "e": b64url(numbers.e.to_bytes(3, "big"))},
            "attributes": item[2],
            "tags": {},
        }


def make_handler(config, vault):
    clients = {config["client_id"]: config["client_secret"], config["noaccess_id"]: config["noaccess_secret"]}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def reply(self, status, body, headers=()):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def entra_error(self, status, error, code, description):
            self.reply(status, {"error": error, "error_description": f"AADSTS{code}: {description}",
                                "error_codes": [code], "timestamp": time.strftime("%Y-%m-%d %H:%M:%SZ", time.gmtime()),
                                "trace_id": secrets.token_hex(16), "correlation_id": secrets.token_hex(16)})

        def vault_error(self, status, code, message, inner=None, headers=()):
            error = {"code": code, "message": message}
            if inner:
                error["innererror"] = {"code": inner}
            self.reply(status, {"error": error}, headers)

        def body(self):
            return self.request_body

        def do_GET(self):
            self.route("GET")

        def do_POST(self):
            self.route("POST")

        def route(self, method):
            # Read every body, used or not: the connection is kept alive for the next request.
            length = int(self.headers.get("Content-Length") or 0)
            self.request_body = self.rfile.read(length) if length else b""
            url = urllib.parse.urlsplit(self.path)
            parts = [urllib.parse.unquote(part) for part in url.path.strip("/").split("/")]
            if method == "POST" and len(parts) == 4 and parts[1:] == ["oauth2", "v2.0", "token"]:
                return self.token(parts[0])
            if not parts or parts[0] != "keys":
                return self.vault_error(404, "NotFound", "the resource was not found")
            query = urllib.parse.parse_qs(url.query)
            if query.get("api-version") != ["7.4"]:
                return self.vault_error(400, "BadParameter", "The api-version query parameter is missing or not 7.4")
            client = self.authenticate()
            if client is None:
                return
            if client != config["client_id"]:
                return self.vault_error(
                    403, "Forbidden", f"The user, group or application 'appid={client}' does not have keys permission "
                    f"on key vault '{vault.name}'", "AccessDenied")
            self.keys(method, parts[1:])

        def token(self, tenant):
            form = urllib.parse.parse_qs(self.body().decode(errors="replace"))
            value = {name: values[0] for name, values in form.items()}
            if tenant != config["tenant_id"]:
                return self.entra_error(400, "invalid_request", 90002, f"Tenant '{tenant}' not found.")
            if value.get("grant_type") != "client_credentials":
                return self.entra_error(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type.")
            client = value.get("client_id", "")
            if client not in clients:
                return self.entra_error(400, "unauthorized_client", 700016,
                                        f"Application with identifier '{client}' was not found in the directory.")
            if not hmac.compare_digest(value.get("client_secret", "").encode(), clients[client].encode()):
                return self.entra_error(401, "invalid_client", 7000215, "Invalid client secret provided.")
            if value.get("scope") != SCOPE:
                return self.entra_error(400, "invalid_scope", 70011, "The provided value for scope is not valid.")
            token = secrets.token_urlsafe(48)
            with vault.lock:
                vault.tokens[token] = (client, time.time() + 3599)
            self.reply(200, {"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": token})

        def authenticate(self):
            header = self.headers.get("Authorization", "")
            challenge = [("WWW-Authenticate", f'Bearer authorization="https://login.microsoftonline.com/'
                                              f'{config["tenant_id"]}", resource="https://vault.azure.net"')]
            if not header.startswith("Bearer "):
                self.vault_error(401, "Unauthorized", "AKV10000: Request is missing a Bearer or PoP token.",
                                 headers=challenge)
                return None
            with vault.lock:
                found = vault.tokens.get(header[len("Bearer "):])
            if found is None or found[1] < time.time():
                self.vault_error(401, "Unauthorized", "AKV10032: Invalid issuer or token.", headers=challenge)
                return None
            return found[0]

        def keys(self, method, rest):
            if not rest or not rest[0]:
                return self.vault_error(404, "NotFound", "the resource was not found")
            name = rest[0]
            if method == "POST" and len(rest) == 2 and rest[1] == "create":
                request = json.loads(self.body() or b"{}")
                if request.get("kty") not in ("RSA", "RSA-HSM"):
                    return self.vault_error(400, "BadParameter", "This test double creates RSA keys only")
                bundle = vault.create(name.lower(), request.get("key_ops", ALL_OPS), True, request.get("key_size", 2048))
                return self.reply(200, bundle)
            if method == "POST" and len(rest) == 2 and rest[1] == "rotate":
                bundle = vault.rotate(name.lower())
                if bundle is None:
                    return self.not_found(name)
                return self.reply(200, bundle)
            version = rest[1] if len(rest) >= 2 else ""
            with vault.lock:
                entry, item = vault.find(name, version)
            if item is None:
                return self.not_found(name if not version else f"{name}/{version}")
            if method == "GET" and len(rest) <= 2:
                return self.reply(200, vault.bundle(name.lower(), item[0]))
            if method == "POST" and len(rest) == 3 and rest[2] in ("wrapkey", "unwrapkey"):
                return self.crypto(rest[2], name.lower(), entry, item)
            return self.vault_error(405, "MethodNotAllowed", "The requested operation is not supported")

        def not_found(self, what):
            self.vault_error(404, "KeyNotFound", f"A key with (name/id) {what} was not found in this key vault. If you "
                             "recently deleted this key you may be able to recover it using the correct recovery "
                             "command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182")

        def crypto(self, operation, name, entry, item):
            op = "wrapKey" if operation == "wrapkey" else "unwrapKey"
            if not item[2]["enabled"]:
                return self.vault_error(403, "Forbidden", f"Operation {op} is not allowed on a disabled key.", "KeyDisabled")
            if op not in entry["ops"]:
                return self.vault_error(400, "BadParameter", f"Operation {op} is not permitted on this key.")
            try:
                request = json.loads(self.body())
                algorithm = ALGORITHMS[request["alg"]]
                value = unb64url(request["value"])
            except (ValueError, KeyError, TypeError):
                return self.vault_error(400, "BadParameter", "The request body is not a valid KeyOperationsParameters")
            oaep = padding.OAEP(mgf=padding.MGF1(algorithm=algorithm()), algorithm=algorithm(), label=None)
            try:
                if op == "wrapKey":
                    result = item[1].public_key().encrypt(value, oaep)
                else:
                    result = item[1].decrypt(value, oaep)
            except ValueError:
                return self.vault_error(400, "BadParameter", "Error decrypting the ciphertext")
            self.reply(200, {"kid": f"{vault.base}/keys/{name}/{item[0]}", "value": b64url(result)})

    return Handler


def main():
    env = os.environ
    config = {"tenant_id": env["AZURE_TEST_TENANT_ID"], "client_id": env["AZURE_TEST_CLIENT_ID"],
              "client_secret": env["AZURE_TEST_CLIENT_SECRET"], "noaccess_id": env["AZURE_TEST_NOACCESS_CLIENT_ID"],
              "noaccess_secret": env["AZURE_TEST_NOACCESS_CLIENT_SECRET"]}
    vault = Vault(env.get("AZURE_TEST_VAULT_NAME", "actorkeys-test"))
    vault.create("actorkeys")
    vault.create("disabled", enabled=False)
    vault.create("nowrap", ops=["sign", "verify"])
    server = ThreadingHTTPServer(("127.0.0.1", int(env["AZURE_TEST_PORT"])), make_handler(config, vault))
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
