// overview.js: what `actorkeys status` shows, per owner, and the root key in one panel.
import { api } from "./api.js";
import { h, replace, facts, table, badge, time, errorNotice, loading, notice } from "./dom.js";

export function rootState(root) {
  if (root.state === "ok") return badge("ok", "ok");
  if (root.state === "stale") return badge(`stale since ${new Date(root.stale_since).toLocaleString()}`, "warn");
  return badge("closed", "bad");
}

function activeVersion(owner) {
  const active = owner.versions.find((version) => version.state === "active");
  return active ? h("span", {}, `v${active.version} `, h("code", {}, active.fingerprint)) : "—";
}

function keyType(owner) {
  if (owner.key_type === null) return "—";
  return owner.key_type === "mlkem768x25519" ? badge("post-quantum", "ok") : "X25519";
}

function postQuantumShare(status) {
  if (status.encrypted_rows === 0) return "no encrypted rows";
  const percent = Math.floor((status.post_quantum_rows * 100) / status.encrypted_rows);
  return `${status.post_quantum_rows} of ${status.encrypted_rows} encrypted rows (${percent}%)`;
}

function ownerState(owner) {
  if (owner.shredded) return badge("shredded", "bad");
  if (owner.active_identity_available === false) return badge("identity unavailable", "bad");
  if (owner.rows_on_older_versions_only > 0) return badge("rewrap due", "warn");
  return badge("ok", "ok");
}

function dataKeys(owner) {
  const parts = Object.entries(owner.data_keys).map(([state, count]) => `${count} ${state}`);
  return parts.length ? parts.join(", ") : "none";
}

export async function renderOverview(page, { me }) {
  replace(page, h("h1", { id: "page-title" }, "Overview"), loading());
  let status;
  try {
    status = await api("GET", "/v1/admin/encryption/status");
  } catch (error) {
    replace(page, h("h1", { id: "page-title" }, "Overview"), errorNotice(error));
    return;
  }
  const root = status.root;
  const owners = table(
    "Owners",
    [
      ["Owner", (o) => (o.actor === null ? h("strong", {}, "shared key") : o.actor)],
      ["Active key", activeVersion],
      ["Key type", keyType],
      ["Versions", (o) => String(o.versions.length), "num"],
      ["Data keys", dataKeys],
      ["Rows", (o) => String(o.rows), "num"],
      ["Under active", (o) => String(o.rows_under_active_version), "num"],
      ["Older only", (o) => String(o.rows_on_older_versions_only), "num"],
      ["Unreadable", (o) => String(o.rows_unreadable), "num"],
      ["Post-quantum", (o) => String(o.rows_post_quantum), "num"],
      ["State", ownerState],
    ],
    status.owners,
    "No owner has a key yet.",
  );
  replace(
    page,
    h("h1", { id: "page-title" }, "Overview"),
    h("p", { class: "lede" }, "Per owner: key versions, data keys and rows by protection state."),
    h(
      "div",
      { class: "panel" },
      h("h2", {}, "Root key"),
      facts([
        ["Provider", root.provider],
        ["Key name", root.key_name],
        ["Current KEK version", root.current_kek_version],
        ["State", rootState(root)],
        ["Cached at", time(root.cached_at)],
        ["Sealing keys", String(root.sealing_keys)],
      ]),
    ),
    me.is_admin
      ? [
          h(
            "div",
            { class: "panel" },
            facts([
              ["Plaintext rows", String(status.plaintext_rows)],
              ["Post-quantum rows", postQuantumShare(status)],
              ["Shared-key rows awaiting migration", String(status.shared_rows_awaiting_migration)],
            ]),
          ),
          h("h2", {}, "Owners"),
          owners,
        ]
      : notice("info", "Owners, their keys and rows are shown to admins (is_admin)."),
  );
}
