#!/usr/bin/env python3
"""Times pyrage (the age library the predecessor system used) on 1 KiB, one X25519 recipient:
the median of 15 rounds, each the mean of many calls. Prints JSON in microseconds."""
import json
import statistics
import timeit

import pyrage
from pyrage import x25519

identity = x25519.Identity.generate()
recipient = identity.to_public()
payload = b"a" * 1024
ciphertext = pyrage.encrypt(payload, [recipient])
assert pyrage.decrypt(ciphertext, [identity]) == payload


def median_us(call, number):
    rounds = timeit.repeat(call, number=number, repeat=15)
    return statistics.median(rounds) / number * 1e6


print(json.dumps({
    "pyrage encrypt 1KiB": median_us(lambda: pyrage.encrypt(payload, [recipient]), 200),
    "pyrage decrypt 1KiB": median_us(lambda: pyrage.decrypt(ciphertext, [identity]), 200),
    "pyrage version": pyrage.__version__ if hasattr(pyrage, "__version__") else "unknown",
}))
