// api.js: the admin API with the signed-in token. The token lives in sessionStorage only (never
// in a URL or localStorage): it goes when the tab closes or on "Sign out".

const tokenKey = "actorkeys.token";

export class APIError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export const session = {
  get token() {
    return sessionStorage.getItem(tokenKey);
  },
  set(token) {
    sessionStorage.setItem(tokenKey, token);
  },
  clear() {
    sessionStorage.removeItem(tokenKey);
  },
};

// Calls the API; resolves to the JSON body of a 2xx answer, rejects with an APIError otherwise.
// A 401 ends the session and sends the page back to sign-in.
export async function api(method, path, body, token = session.token) {
  const headers = { Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "omit",
      cache: "no-store",
    });
  } catch {
    throw new APIError(0, "network_error", "the server did not answer");
  }
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (response.ok) return json;
  const error = json && json.error ? json.error : { code: `http_${response.status}`, message: response.statusText };
  if (response.status === 401 && token === session.token) {
    session.clear();
    window.dispatchEvent(new CustomEvent("actorkeys:signed-out", { detail: "Your session ended: sign in again." }));
  }
  throw new APIError(response.status, error.code, error.message);
}
