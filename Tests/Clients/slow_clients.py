"""Slow and idle HTTP clients against a server on 127.0.0.1, for the server's deadlines test.

Usage: slow_clients.py PORT COUNT SECONDS

Opens COUNT connections: half trickle a request head one byte every half second (slowloris),
half send nothing. For SECONDS it keeps trickling and notes when the server closes each one.
Then it checks that an HTTP/1.0 request without keep-alive is answered and closed. Prints one
JSON object: how many were opened, how many the server closed and the longest any stayed open.
"""

import json
import socket
import sys
import time

port, count, seconds = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
head = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 4000 + b"\r\n\r\n"
started = time.monotonic()
clients = []
for index in range(count):
    try:
        connection = socket.create_connection(("127.0.0.1", port), timeout=5)
    except OSError:
        break
    connection.setblocking(False)
    clients.append({"socket": connection, "slow": index % 2 == 0, "sent": 0, "opened": time.monotonic(), "closed": None})

while time.monotonic() - started < seconds:
    for client in clients:
        if client["closed"] is not None:
            continue
        connection = client["socket"]
        try:
            data = connection.recv(4096)
            if data == b"":
                client["closed"] = time.monotonic()
                continue
        except BlockingIOError:
            pass
        except OSError:
            client["closed"] = time.monotonic()
            continue
        if client["slow"] and client["sent"] < len(head):
            try:
                connection.send(head[client["sent"] : client["sent"] + 1])
                client["sent"] += 1
            except OSError:
                client["closed"] = time.monotonic()
    time.sleep(0.5)

now = time.monotonic()
lifetimes = [(client["closed"] or now) - client["opened"] for client in clients]
closed = sum(1 for client in clients if client["closed"] is not None)
for client in clients:
    client["socket"].close()

# HTTP/1.0 without keep-alive: the answer, then the end of the connection.
closed_after_1_0 = False
with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
    connection.sendall(b"GET /healthz HTTP/1.0\r\n\r\n")
    answer = b""
    while True:
        data = connection.recv(4096)
        if not data:
            closed_after_1_0 = True
            break
        answer += data
print(json.dumps({
    "opened": len(clients), "closed_by_server": closed, "longest_open": round(max(lifetimes, default=0), 2),
    "http_1_0_status": answer.split(b"\r\n", 1)[0].decode(errors="replace"), "http_1_0_closed": closed_after_1_0,
}))
