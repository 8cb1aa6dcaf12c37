#!/usr/bin/env python3
"""An independent age mlkem768x25519 implementation, for the interoperability tests only.

Written from C2SP age.md, RFC 9180 (HPKE) and draft-connolly-cfrg-xwing-kem (X-Wing) with
nothing of actorkeys in it: ML-KEM-768, X25519 and ChaCha20-Poly1305 come from the PyPI
`cryptography` package (its bundled OpenSSL), SHA3-256 and SHAKE256 from hashlib, and the
X-Wing combiner, the HPKE key schedule, the age header, its MAC, STREAM and the armor are here.

    age_pq.py decrypt IDENTITY_FILE  < age file (binary or armored) > plaintext
    age_pq.py encrypt RECIPIENT      < plaintext > age file (binary)

Exits 1 with one line on stderr when the file does not open.

It is an oracle for files that should open, not a strict parser: it skips stanzas it cannot
use and reads bech32 and armor loosely, so the failure classes are tested against the
specification's rules in Tests/EnvelopeTests/HybridVectors.swift instead.
"""
import base64
import hashlib
import hmac
import os
import sys

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import mlkem, x25519
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
XWING_LABEL = b"\\.//^\\"
STANZA_INFO = b"age-encryption.org/mlkem768x25519"
SUITE_ID = b"HPKE" + bytes.fromhex("647a") + bytes.fromhex("0001") + bytes.fromhex("0003")
RAW = (serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def fail(message):
    sys.stderr.write("age_pq: " + message + "\n")
    sys.exit(1)


def bech32_polymod(values):
    generator = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    checksum = 1
    for value in values:
        top = checksum >> 25
        checksum = (checksum & 0x1FFFFFF) << 5 ^ value
        for bit in range(5):
            checksum ^= generator[bit] if (top >> bit) & 1 else 0
    return checksum


def bech32_hrp_expand(hrp):
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def bech32_decode(text):
    lower = text.lower()
    separator = lower.rfind("1")
    hrp, values = lower[:separator], [CHARSET.index(c) for c in lower[separator + 1 :]]
    if bech32_polymod(bech32_hrp_expand(hrp) + values) != 1:
        fail("bad bech32 checksum")
    accumulator, bits, data = 0, 0, bytearray()
    for value in values[:-6]:
        accumulator, bits = (accumulator << 5) | value, bits + 5
        while bits >= 8:
            bits -= 8
            data.append((accumulator >> bits) & 255)
    return text[:separator], bytes(data)


def b64decode(text):
    decoded = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    if base64.b64encode(decoded).decode().rstrip("=") != text:
        fail("non-canonical base64")
    return decoded


def b64encode(data):
    return base64.b64encode(data).decode().rstrip("=")


def hkdf(ikm, salt, info, length):
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    output, block, counter = b"", b"", 1
    while len(output) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        output, counter = output + block, counter + 1
    return output[:length]


def labeled_extract(salt, label, ikm):
    return hmac.new(salt, b"HPKE-v1" + SUITE_ID + label + ikm, hashlib.sha256).digest()


def labeled_expand(prk, label, info, length):
    labeled = length.to_bytes(2, "big") + b"HPKE-v1" + SUITE_ID + label + info
    output, block, counter = b"", b"", 1
    while len(output) < length:
        block = hmac.new(prk, block + labeled + bytes([counter]), hashlib.sha256).digest()
        output, counter = output + block, counter + 1
    return output[:length]


def hpke_key_and_nonce(shared_secret, info):
    """RFC 9180 KeySchedule for mode_base (no PSK)."""
    context = b"\x00" + labeled_extract(b"", b"psk_id_hash", b"") + labeled_extract(b"", b"info_hash", info)
    secret = labeled_extract(shared_secret, b"secret", b"")
    return labeled_expand(secret, b"key", context, 32), labeled_expand(secret, b"base_nonce", context, 12)


def xwing_combiner(ss_m, ss_x, ct_x, pk_x):
    return hashlib.sha3_256(ss_m + ss_x + ct_x + pk_x + XWING_LABEL).digest()


def xwing_keys(seed):
    expanded = hashlib.shake_256(seed).digest(96)
    mlkem_key = mlkem.MLKEM768PrivateKey.from_seed_bytes(expanded[:64])
    x25519_key = x25519.X25519PrivateKey.from_private_bytes(expanded[64:])
    return mlkem_key, x25519_key


def xwing_decapsulate(seed, enc):
    mlkem_key, x25519_key = xwing_keys(seed)
    ct_m, ct_x = enc[:1088], enc[1088:]
    ss_m = mlkem_key.decapsulate(ct_m)
    ss_x = x25519_key.exchange(x25519.X25519PublicKey.from_public_bytes(ct_x))
    return xwing_combiner(ss_m, ss_x, ct_x, x25519_key.public_key().public_bytes(*RAW))


def xwing_encapsulate(public_key):
    pk_m, pk_x = public_key[:1184], public_key[1184:]
    ss_m, ct_m = mlkem.MLKEM768PublicKey.from_public_bytes(pk_m).encapsulate()
    ephemeral = x25519.X25519PrivateKey.generate()
    ct_x = ephemeral.public_key().public_bytes(*RAW)
    ss_x = ephemeral.exchange(x25519.X25519PublicKey.from_public_bytes(pk_x))
    return xwing_combiner(ss_m, ss_x, ct_x, pk_x), ct_m + ct_x


def read_identities(path):
    seeds = []
    for line in open(path).read().splitlines():
        if line and not line.startswith("#"):
            hrp, seed = bech32_decode(line)
            if hrp == "AGE-SECRET-KEY-PQ-" and len(seed) == 32:
                seeds.append(seed)
    return seeds


def dearmor(data):
    text = data.decode("ascii").strip()
    lines = text.split("\n")
    if lines[0] != "-----BEGIN AGE ENCRYPTED FILE-----" or lines[-1] != "-----END AGE ENCRYPTED FILE-----":
        fail("bad armor")
    return base64.b64decode("".join(lines[1:-1]), validate=True)


def parse_header(data):
    lines, position = [], 0
    while True:
        end = data.index(b"\n", position)
        line = data[position:end].decode("ascii")
        position = end + 1
        if line.startswith("--- "):
            return lines, line[4:], data[: position - len(line) - 1] + b"---", position
        lines.append(line)


def stanzas_of(lines):
    if lines[0] != "age-encryption.org/v1":
        fail("not an age v1 file")
    stanzas, index = [], 1
    while index < len(lines):
        arguments = lines[index][3:].split(" ")
        body, index = "", index + 1
        while True:
            body, index = body + lines[index], index + 1
            if len(lines[index - 1]) < 64:
                break
        stanzas.append((arguments, b64decode(body)))
    return stanzas


def stream(key, data, seal):
    cipher, output, counter, chunk = ChaCha20Poly1305(key), b"", 0, 65536 + (0 if seal else 16)
    if not data and not seal:
        fail("missing final chunk")
    position = 0
    while True:
        piece = data[position : position + chunk]
        position += len(piece)
        last = position >= len(data)
        nonce = counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")
        output += cipher.encrypt(nonce, piece, None) if seal else cipher.decrypt(nonce, piece, None)
        counter += 1
        if last:
            return output


def decrypt(identity_path):
    data = sys.stdin.buffer.read()
    if data.lstrip().startswith(b"-----BEGIN"):
        data = dearmor(data)
    lines, mac, covered, position = parse_header(data)
    file_key = None
    for seed in read_identities(identity_path):
        for arguments, body in stanzas_of(lines):
            if arguments[0] != "mlkem768x25519" or len(arguments) != 2 or len(body) != 32:
                continue
            enc = b64decode(arguments[1])
            key, nonce = hpke_key_and_nonce(xwing_decapsulate(seed, enc), STANZA_INFO)
            try:
                file_key = ChaCha20Poly1305(key).decrypt(nonce, body, b"")
                break
            except Exception:
                continue
        if file_key:
            break
    if file_key is None:
        fail("no identity matched")
    mac_key = hkdf(file_key, b"", b"header", 32)
    if not hmac.compare_digest(hmac.new(mac_key, covered, hashlib.sha256).digest(), b64decode(mac)):
        fail("bad header MAC")
    nonce, payload = data[position : position + 16], data[position + 16 :]
    try:
        sys.stdout.buffer.write(stream(hkdf(file_key, nonce, b"payload", 32), payload, seal=False))
    except Exception:
        fail("payload does not authenticate")


def encrypt(recipient):
    hrp, public_key = bech32_decode(recipient)
    if hrp != "age1pq" or len(public_key) != 1216:
        fail("not an age1pq recipient")
    file_key = os.urandom(16)
    shared_secret, enc = xwing_encapsulate(public_key)
    key, nonce = hpke_key_and_nonce(shared_secret, STANZA_INFO)
    body = ChaCha20Poly1305(key).encrypt(nonce, file_key, b"")
    encoded = b64encode(body)
    header = "age-encryption.org/v1\n-> mlkem768x25519 " + b64encode(enc) + "\n"
    header += "".join(encoded[i : i + 64] + "\n" for i in range(0, len(encoded), 64))
    header += "\n" if len(encoded) % 64 == 0 else ""
    covered = (header + "---").encode()
    mac = hmac.new(hkdf(file_key, b"", b"header", 32), covered, hashlib.sha256).digest()
    payload_nonce = os.urandom(16)
    payload = stream(hkdf(file_key, payload_nonce, b"payload", 32), sys.stdin.buffer.read(), seal=True)
    sys.stdout.buffer.write(covered + b" " + b64encode(mac).encode() + b"\n" + payload_nonce + payload)


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("decrypt", "encrypt"):
        fail("usage: age_pq.py decrypt IDENTITY_FILE | encrypt RECIPIENT")
    decrypt(sys.argv[2]) if sys.argv[1] == "decrypt" else encrypt(sys.argv[2])
