// actors.js: the actors, enrolment, rotation (with a confirmation), and the permission dialog.
import { api } from "./api.js";
import { h, replace, table, badge, time, errorNotice, loading, notice, confirmDialog, busy } from "./dom.js";

const permissions = [
  ["is_admin", "Admin"],
  ["can_rotate_encryption_key", "Can rotate encryption key"],
  ["can_shred", "Can shred"],
  ["is_infra_admin", "Infra admin"],
];

function activeKey(actor) {
  const active = actor.keys.find((key) => key.state === "active");
  if (active) return h("span", {}, `v${active.version} `, h("code", {}, active.fingerprint));
  return actor.shredded_at ? badge("shredded", "bad") : h("span", { class: "muted" }, "shared key");
}

function permissionBadges(actor) {
  const held = permissions.filter(([field]) => actor[field]).map(([, label]) => badge(label));
  return held.length ? held : h("span", { class: "muted" }, "none");
}

export async function renderActors(page, context) {
  const title = h("h1", { id: "page-title" }, "Actors");
  if (!context.me.is_admin) {
    replace(page, title, notice("info", "Actors are administered by admins (is_admin)."));
    return;
  }
  const status = h("div", { id: "actors-status" });
  const list = h("div", {}, loading());
  replace(
    page,
    title,
    h("p", { class: "lede" }, "Everyone who writes to the ledger, their permissions and their keys."),
    status,
    enrollForm(status, () => load(list, status, context)),
    list,
  );
  await load(list, status, context);
}

async function load(list, status, context) {
  let actors;
  try {
    actors = (await api("GET", "/v1/admin/actors")).actors;
  } catch (error) {
    replace(list, errorNotice(error));
    return;
  }
  const reload = () => load(list, status, context);
  replace(
    list,
    table(
      "Actors",
      [
        ["Actor", (a) => h("strong", {}, a.id)],
        ["Keys", (a) => a.key_policy],
        ["Active key", activeKey],
        ["Permissions", permissionBadges],
        ["Enrolled", (a) => time(a.created_at, true)],
        [
          "Actions",
          (a) => [
            h(
              "button",
              { type: "button", class: "quiet", onclick: () => editPermissions(a, status, reload, context) },
              "Edit",
            ),
            a.shredded_at
              ? null
              : h("button", { type: "button", class: "quiet", onclick: (e) => rotate(a, e.target, status, reload) }, "Rotate key"),
          ],
          "actions",
        ],
      ],
      actors,
      "No actors yet: enroll the first one above.",
    ),
  );
}

function enrollForm(status, reload) {
  const id = h("input", { id: "enroll-id", name: "actor_id", required: true, placeholder: "alice" });
  const keys = h(
    "select",
    { id: "enroll-keys", name: "keys" },
    h("option", { value: "auto" }, "auto: its own key now"),
    h("option", { value: "opt-in" }, "opt-in: shared key until it opts in"),
  );
  const button = h("button", { type: "submit", class: "primary" }, "Enroll");
  return h(
    "form",
    {
      class: "panel inline",
      "aria-label": "Enroll an actor",
      onsubmit: (event) => {
        event.preventDefault();
        busy(button, async () => {
          try {
            const actor = await api("POST", "/v1/admin/actors", { actor_id: id.value.trim(), keys: keys.value });
            replace(status, notice("ok", `Enrolled ${actor.id}.`));
            id.value = "";
            await reload();
          } catch (error) {
            replace(status, errorNotice(error));
          }
        });
      },
    },
    h("label", { for: "enroll-id" }, "Actor ID", id),
    h("label", { for: "enroll-keys" }, "Keys", keys),
    button,
  );
}

async function rotate(actor, button, status, reload) {
  const confirmed = await confirmDialog({
    title: `Rotate ${actor.id}'s key?`,
    body: "A new key version becomes active at once; older rows stay readable. Rewrap moves old data keys to it afterwards.",
    confirm: "Rotate",
  });
  if (!confirmed) return;
  await busy(button, async () => {
    try {
      const rotation = await api("POST", "/v1/admin/encryption/rotate-key", { actor_id: actor.id });
      replace(status, notice("ok", `Rotated ${actor.id}: now v${rotation.version} (${rotation.fingerprint}).`));
      await reload();
    } catch (error) {
      replace(status, errorNotice(error));
    }
  });
}

function editPermissions(actor, status, reload, context) {
  const boxes = permissions.map(([field, label]) => {
    const box = h("input", { type: "checkbox", id: `perm-${field}`, name: field, checked: actor[field] });
    return [field, box, h("label", { for: `perm-${field}` }, box, label)];
  });
  const message = h("div", {});
  const save = h("button", { type: "submit", class: "primary", value: "save" }, "Save");
  const dialog = h(
    "dialog",
    { "aria-labelledby": "edit-title" },
    h("h2", { id: "edit-title" }, `Permissions of ${actor.id}`),
    message,
    h(
      "form",
      {
        onsubmit: (event) => {
          event.preventDefault();
          busy(save, async () => {
            const change = {};
            for (const [field, box] of boxes) if (box.checked !== actor[field]) change[field] = box.checked;
            try {
              if (Object.keys(change).length) await api("PATCH", `/v1/admin/actors/${encodeURIComponent(actor.id)}`, change);
              dialog.close();
              replace(status, notice("ok", `Saved the permissions of ${actor.id}.`));
              if (actor.id === context.me.actor_id) await context.refreshMe();
              await reload();
            } catch (error) {
              replace(message, errorNotice(error));
            }
          });
        },
      },
      h("div", { class: "checks" }, boxes.map(([, , label]) => label)),
      h(
        "div",
        { class: "buttons" },
        h("button", { type: "button", onclick: () => dialog.close() }, "Cancel"),
        save,
      ),
    ),
  );
  dialog.addEventListener("close", () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
}
