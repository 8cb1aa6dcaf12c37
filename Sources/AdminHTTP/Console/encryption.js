// encryption.js: Settings → Encryption (ENG-1131), for infra admins: the provider configuration
// (test, save) and its status (refresh, edit, remove).
import { api } from "./api.js";
import { h, replace, facts, table, time, errorNotice, loading, notice, confirmDialog, busy } from "./dom.js";
import { rootState } from "./overview.js";

// Each provider's fields, labelled as DESIGN.md has them; secret fields are never shown again.
const providers = [
  { value: "azure-keyvault", label: "Azure Key Vault", fields: [
    ["vault_url", "Vault URL", "https://NAME.vault.azure.net"],
    ["tenant_id", "Tenant ID"],
    ["client_id", "Client ID"],
    ["client_secret", "Client secret", "", true],
    ["key_name", "Key name"],
  ] },
  { value: "aws-kms", label: "AWS KMS", fields: [
    ["key_id", "Key ID", "alias/NAME, a key id or an ARN"],
    ["region", "Region", "eu-west-1"],
    ["endpoint", "Endpoint", "optional: https://kms.REGION.amazonaws.com"],
    ["access_key_id", "Access key ID"],
    ["secret_access_key", "Secret access key", "", true],
  ] },
  { value: "vault-transit", label: "HashiCorp Vault / OpenBao Transit", fields: [
    ["address", "Address", "https://vault.example.com:8200"],
    ["mount", "Mount", "transit"],
    ["key_name", "Key name"],
    ["token", "Token", "", true],
  ] },
  { value: "pkcs11", label: "PKCS#11 HSM", fields: [
    ["module_path", "Module path", "/usr/lib/softhsm/libsofthsm2.so"],
    ["token_label", "Token label"],
    ["key_label", "Key label"],
    ["pin", "PIN", "", true],
  ] },
  { value: "local", label: "Local key file (no provider)", fields: [] },
];

export async function renderEncryption(page, context) {
  const tabs = [
    ["configuration", "Configuration"],
    ["status", "Status"],
  ];
  const panel = h("div", { id: "encryption-panel", role: "tabpanel" });
  const buttons = tabs.map(([name, label]) =>
    h("button", { type: "button", role: "tab", id: `tab-${name}`, "aria-controls": "encryption-panel", onclick: () => show(name) }, label),
  );
  const tabList = h("div", { class: "tabs", role: "tablist", "aria-label": "Encryption" }, buttons);
  tabList.addEventListener("keydown", (event) => {
    if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") return;
    const index = buttons.indexOf(document.activeElement);
    const next = buttons[(index + (event.key === "ArrowRight" ? 1 : buttons.length - 1)) % buttons.length];
    next.focus();
    next.click();
  });
  async function show(name, message) {
    for (const [index, [tab]] of tabs.entries()) {
      buttons[index].setAttribute("aria-selected", String(tab === name));
      buttons[index].tabIndex = tab === name ? 0 : -1;
    }
    panel.setAttribute("aria-labelledby", `tab-${name}`);
    if (name === "status") await renderStatus(panel, show, message);
    else await renderConfiguration(panel, show, message);
  }
  replace(
    page,
    h("h1", { id: "page-title" }, "Encryption"),
    h("p", { class: "lede" }, "The root key that seals every identity: where it is held, and how it is doing."),
    tabList,
    panel,
  );
  await show("configuration");
}

async function renderConfiguration(panel, show, message) {
  replace(panel, loading());
  let current;
  try {
    current = await api("GET", "/v1/admin/encryption/config");
  } catch (error) {
    replace(panel, errorNotice(error));
    return;
  }
  const select = h(
    "select",
    { id: "provider", name: "provider" },
    providers.map((p) => h("option", { value: p.value, selected: p.value === current.provider }, p.label)),
  );
  const fieldArea = h("div", { class: "provider-fields" });
  const result = h("div", { id: "config-result", "aria-live": "polite" });
  const form = h("form", { class: "fields", id: "config-form", novalidate: true });
  const inputs = new Map();

  function drawFields() {
    const provider = providers.find((p) => p.value === select.value);
    inputs.clear();
    const same = select.value === current.provider;
    const rows = provider.fields.map(([name, label, placeholder, secret]) => {
      const stored = same && current[`${name}_set`] === true;
      const input = h("input", {
        id: `field-${name}`,
        name,
        type: secret ? "password" : "text",
        autocomplete: secret ? "new-password" : "off",
        spellcheck: "false",
        placeholder: stored ? "stored — leave blank to keep" : placeholder || "",
        value: !secret && same ? current[name] ?? "" : "",
      });
      inputs.set(name, input);
      return [h("label", { for: `field-${name}` }, label), input];
    });
    if (provider.value === "local") {
      rows.push(h("p", { class: "hint" }, "The root key is a 0600 file in the home folder of this node."));
    }
    replace(fieldArea, rows);
    fieldArea.classList.add("contents");
  }
  select.addEventListener("change", () => {
    drawFields();
    replace(result);
  });
  drawFields();

  function body() {
    const fields = { provider: select.value };
    for (const [name, input] of inputs) if (input.value !== "") fields[name] = input.value;
    return fields;
  }
  const test = h("button", { type: "button", id: "test-connection" }, "Test connection");
  const save = h("button", { type: "submit", id: "save", class: "primary" }, "Save");
  test.addEventListener("click", () =>
    busy(test, async () => {
      replace(result, loading("Testing the connection…"));
      try {
        const outcome = await api("POST", "/v1/admin/encryption/test-connection", body());
        replace(
          result,
          outcome.ok
            ? notice("ok", "Connection OK: key ", h("code", {}, outcome.kek_id), ", version ", h("code", {}, outcome.kek_version), ".")
            : notice("error", h("code", {}, outcome.error_code), ": ", outcome.error_detail),
        );
      } catch (error) {
        replace(result, errorNotice(error));
      }
    }),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(save, async () => {
      replace(result, loading("Testing, then saving…"));
      try {
        const saved = await api("PUT", "/v1/admin/encryption/config", body());
        await show("status", notice("ok", `Saved: the workspace's root key is now ${saved.root_key}.`));
      } catch (error) {
        replace(result, errorNotice(error));
      }
    });
  });
  replace(
    form,
    h("label", { for: "provider" }, "Provider"),
    select,
    fieldArea,
  );
  const configured = h(
    "p",
    { class: "lede" },
    "In force: ",
    h("code", {}, current.root_key),
    current.configured_by ? ` — configured by ${current.configured_by}, ` : " — configured ",
    time(current.configured_at),
    ".",
  );
  replace(panel, message || null, configured, form, h("div", { class: "buttons" }, test, save), result);
  save.setAttribute("form", "config-form");
}

async function renderStatus(panel, show, message, fresh = false) {
  replace(panel, message || null, loading(fresh ? "Asking the provider…" : "Loading…"));
  let status;
  try {
    status = await api("GET", `/v1/admin/encryption/status${fresh ? "?fresh=true" : ""}`);
  } catch (error) {
    replace(panel, errorNotice(error));
    return;
  }
  const root = status.root;
  const factsOf = status.provider_facts;
  const providerNotice = !factsOf
    ? null
    : factsOf.error_code
      ? notice("error", "The provider did not answer: ", h("code", {}, factsOf.error_code), ": ", factsOf.error_detail)
      : factsOf.rotation_due
        ? notice("warn", `The provider has a newer key version (${factsOf.newest_kek_version}): a root rotate is due.`)
        : null;
  const refresh = h("button", { type: "button", id: "refresh", onclick: () => renderStatus(panel, show, null, true) }, "Refresh");
  const edit = h("button", { type: "button", id: "edit-configuration", onclick: () => show("configuration") }, "Edit configuration");
  const remove = h("button", { type: "button", id: "remove-configuration", class: "danger", disabled: root.provider === "local" }, "Remove configuration");
  const outcome = h("div", { id: "remove-result", "aria-live": "polite" });
  remove.addEventListener("click", async () => {
    const confirmed = await confirmDialog({
      title: "Remove the provider configuration?",
      body: "The workspace moves back to its local root key (a file on this node), if the provider can still unwrap the sealing keys. Its credentials are erased from this node.",
      confirm: "Remove",
      danger: true,
    });
    if (!confirmed) return;
    await busy(remove, async () => {
      try {
        const removal = await api("DELETE", "/v1/admin/encryption/config");
        const said = removal.removed
          ? notice("ok", "Removed. The workspace is back on its local root key (fallback available).")
          : notice("error", "Not removed: the provider cannot unwrap the sealing keys (", h("code", {}, removal.error_code), ": ", removal.error_detail, "). The local fallback is not available; nothing changed.");
        await renderStatus(panel, show, said);
      } catch (error) {
        replace(outcome, errorNotice(error));
      }
    });
  });
  replace(
    panel,
    message || null,
    providerNotice,
    h(
      "div",
      { class: "panel" },
      facts([
        ["Provider", root.provider],
        ["Key name", root.key_name],
        ["Current KEK version", root.current_kek_version],
        ["Last rotation", time(root.last_rotation_at)],
        ["Cached at", time(root.cached_at)],
        ["State", rootState(root)],
        ["Newest version at the provider", factsOf ? factsOf.newest_kek_version : null],
        ["Provider checked", factsOf ? time(factsOf.fetched_at) : null],
      ]),
    ),
    h("h2", {}, "Scopes"),
    table(
      "Scopes",
      [
        ["Name", (s) => s.name],
        ["Run", (s) => s.kind],
        ["Rewrapped", (s) => String(s.rewrapped), "num"],
        ["Failed", (s) => String(s.failed), "num"],
        ["Skipped", (s) => String(s.skipped), "num"],
        ["Last run", (s) => time(s.last_run_at)],
      ],
      status.scopes,
      "No rewrap or reseal has run yet.",
    ),
    h("div", { class: "buttons" }, refresh, edit, remove),
    outcome,
  );
}
