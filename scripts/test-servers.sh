# Shared by scripts/with-openbao, with-moto and with-azure-test-server (sourced, not run): the
# Python tool venv, a free loopback port, random secrets and waiting for a server to answer.
# Nothing here prints a secret; the secrets reach only the child command's environment.

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The venv of the test servers' tools (gitignored). ACTORKEYS_TOOLS_VENV puts it elsewhere.
tools_venv="${ACTORKEYS_TOOLS_VENV:-$repo_root/.venv-tools}"

# tools_install NAME PIP_SPEC... : creates the venv if missing and installs what is not there yet
# (a NAME==VERSION spec: unless exactly that version is there).
tools_install() {
    local name=$1
    shift
    if [ ! -x "$tools_venv/bin/python" ]; then
        python3 -m venv "$tools_venv" || {
            echo "$name: cannot create the tool venv $tools_venv (apt-get install -y python3-venv)" >&2
            exit 1
        }
    fi
    local spec missing=()
    for spec in "$@"; do
        local package=${spec%%[\[=<>]*}
        if [[ $spec == *==* ]]; then
            # A pinned version must be the one installed, not just some version of the package.
            "$tools_venv/bin/pip" show "$package" 2>/dev/null | grep -qx "Version: ${spec##*==}" || missing+=("$spec")
        else
            "$tools_venv/bin/pip" show -q "$package" >/dev/null 2>&1 || missing+=("$spec")
        fi
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "$name: installing ${missing[*]} into $tools_venv" >&2
        "$tools_venv/bin/pip" install -q --disable-pip-version-check "${missing[@]}" >&2
    fi
}

# free_port: a TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
    "$tools_venv/bin/python" -c '
import socket
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])'
}

# random_secret: 32 random bytes, URL-safe base64.
random_secret() {
    "$tools_venv/bin/python" -c 'import secrets; print(secrets.token_urlsafe(32))'
}

# wait_for_http NAME URL PID LOG [SECONDS]: waits until URL answers with any HTTP status, failing
# with the server's log when the server died or did not answer in time.
wait_for_http() {
    local name=$1 url=$2 pid=$3 log=$4 limit=${5:-30}
    local deadline=$((SECONDS + limit))
    while true; do
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "$name: the server exited before it was ready; its log:" >&2
            tail -n 30 "$log" >&2
            exit 1
        fi
        if "$tools_venv/bin/python" - "$url" <<'EOF' 2>/dev/null; then
import sys, urllib.request, urllib.error
try:
    urllib.request.urlopen(sys.argv[1], timeout=2)
except urllib.error.HTTPError:
    pass
EOF
            return 0
        fi
        if [ "$SECONDS" -ge "$deadline" ]; then
            echo "$name: the server did not answer at $url within ${limit}s; its log:" >&2
            tail -n 30 "$log" >&2
            exit 1
        fi
        sleep 0.2
    done
}

# stop_server PID: stops a server this script started, by its id, waiting a little for it.
stop_server() {
    local pid=$1
    [ -n "$pid" ] || return 0
    kill "$pid" 2>/dev/null || return 0
    for _ in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
}
