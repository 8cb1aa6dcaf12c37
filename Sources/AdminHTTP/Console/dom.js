// dom.js: building the page without innerHTML. Every value from the API reaches the page as
// text (textContent), never as markup.

export function h(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on") && typeof value === "function") {
      node.addEventListener(name.slice(2), value);
    } else if (value === true) {
      node.setAttribute(name, "");
    } else {
      node.setAttribute(name, String(value));
    }
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function replace(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

// A notice: kind is ok, error, info or warn. Errors are announced to screen readers.
export function notice(kind, ...children) {
  return h("div", { class: `notice ${kind}`, role: kind === "error" ? "alert" : "status" }, ...children);
}

export function errorNotice(error) {
  if (error && error.code) return notice("error", h("code", {}, error.code), ": ", error.message);
  return notice("error", String(error && error.message ? error.message : error));
}

export function loading(text = "Loading…") {
  return h("p", { class: "loading", "aria-busy": "true" }, text);
}

// A table of rows; columns are [header, cell(row), className?]. An empty list shows `empty`.
export function table(caption, columns, rows, empty) {
  if (rows.length === 0) return h("div", { class: "table-wrap" }, h("p", { class: "empty" }, empty));
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      {},
      h("caption", { class: "visually-hidden" }, caption),
      h("thead", {}, h("tr", {}, columns.map(([title, , cls]) => h("th", { scope: "col", class: cls }, title)))),
      h("tbody", {}, rows.map((row) => h("tr", {}, columns.map(([, cell, cls]) => h("td", { class: cls }, cell(row)))))),
    ),
  );
}

// A definition list of [term, value] pairs; a null value shows as a dash.
export function facts(pairs) {
  return h(
    "dl",
    { class: "facts" },
    pairs.map(([term, value]) => h("div", {}, h("dt", {}, term), h("dd", {}, value ?? "—"))),
  );
}

export function badge(text, kind = "") {
  return h("span", { class: `badge ${kind}` }, text);
}

// A time as the operator's locale shows it (the date alone when `dateOnly`), with the exact
// UTC value on hover.
export function time(text, dateOnly = false) {
  if (!text) return "—";
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) return text;
  return h("time", { datetime: text, title: text }, dateOnly ? date.toLocaleDateString() : date.toLocaleString());
}

// A modal confirmation; resolves true when confirmed. Escape and Cancel resolve false.
export function confirmDialog({ title, body, confirm, danger = false }) {
  return new Promise((resolve) => {
    const dialog = h(
      "dialog",
      { "aria-labelledby": "confirm-title" },
      h("h2", { id: "confirm-title" }, title),
      h("p", {}, body),
      h(
        "form",
        { method: "dialog", class: "buttons" },
        h("button", { value: "cancel", type: "submit" }, "Cancel"),
        h("button", { value: "confirm", type: "submit", class: danger ? "danger solid" : "primary" }, confirm),
      ),
    );
    dialog.addEventListener("close", () => {
      resolve(dialog.returnValue === "confirm");
      dialog.remove();
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

// Disables `button` while `work` runs.
export async function busy(button, work) {
  button.disabled = true;
  try {
    return await work();
  } finally {
    button.disabled = false;
  }
}
