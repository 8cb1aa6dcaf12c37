// app.js: the console's shell: sign-in, navigation, and the route guard. Each page is a module
// that renders into <main> with what the signed-in actor may see; the API enforces the same
// rules on its own.
import { api, session } from "./api.js";
import { h, notice, replace, errorNotice, loading } from "./dom.js";
import { renderOverview } from "./overview.js";
import { renderActors } from "./actors.js";
import { renderEncryption } from "./encryption.js";

const main = document.getElementById("main");
const nav = document.getElementById("nav");
const who = document.getElementById("who");
let me = null;
let flash = null;

const routes = {
  "/ui/": { name: "overview", title: "Overview", render: renderOverview },
  "/ui/actors": { name: "actors", title: "Actors", render: renderActors },
  "/ui/settings/encryption": {
    name: "encryption",
    title: "Encryption",
    render: renderEncryption,
    allowed: (actor) => actor.is_infra_admin,
    refusal: "Encryption settings are for infrastructure admins: your actor lacks is_infra_admin.",
  },
};

function path() {
  const current = location.pathname.replace(/\/+$/, "");
  return current === "/ui" || current === "" ? "/ui/" : current;
}

export function navigate(to, message) {
  if (message) flash = message;
  history.pushState(null, "", to);
  render();
}

function setNav(active) {
  nav.hidden = !me;
  who.hidden = !me;
  document.getElementById("nav-encryption").hidden = !(me && me.is_infra_admin);
  for (const link of nav.querySelectorAll("a")) {
    if (link.dataset.route === active) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  if (me) document.getElementById("who-name").textContent = `Signed in as ${me.actor_id}`;
}

function renderSignIn(message) {
  me = null;
  setNav(null);
  document.title = "Sign in · actorkeys";
  const input = h("input", {
    id: "token",
    name: "token",
    type: "password",
    autocomplete: "off",
    spellcheck: "false",
    required: true,
    placeholder: "ak_…",
  });
  const status = h("div", { id: "sign-in-status" });
  if (message) status.append(notice("info", message));
  const button = h("button", { type: "submit", class: "primary" }, "Sign in");
  const form = h(
    "form",
    {
      onsubmit: async (event) => {
        event.preventDefault();
        const token = input.value.trim();
        button.disabled = true;
        replace(status, loading("Checking the token…"));
        try {
          me = await api("GET", "/v1/me", undefined, token);
          session.set(token);
          input.value = "";
          const target = path() === "/ui/sign-in" ? "/ui/" : location.pathname;
          history.replaceState(null, "", target);
          render();
        } catch (error) {
          replace(status, error.status === 401 ? notice("error", "That token is not valid.") : errorNotice(error));
          button.disabled = false;
          input.focus();
        }
      },
    },
    h("label", { for: "token" }, "API token"),
    input,
    h("p", { class: "lede" }, "A token made by actorkeys init or actorkeys token create. It is kept for this tab only."),
    button,
  );
  replace(main, h("section", { class: "sign-in panel" }, h("h1", {}, "Sign in"), status, form));
  input.focus();
}

async function render() {
  if (!session.token) return renderSignIn();
  if (!me) {
    replace(main, loading());
    try {
      me = await api("GET", "/v1/me");
    } catch (error) {
      if (error.status === 401) return;
      replace(main, errorNotice(error));
      return;
    }
  }
  let route = routes[path()];
  if (route && route.allowed && !route.allowed(me)) {
    flash = route.refusal;
    history.replaceState(null, "", "/ui/");
    route = routes["/ui/"];
  }
  if (!route) {
    flash = `There is no page at ${location.pathname}.`;
    history.replaceState(null, "", "/ui/");
    route = routes["/ui/"];
  }
  setNav(route.name);
  document.title = `${route.title} · actorkeys`;
  const message = flash;
  flash = null;
  const page = h("section", { "aria-labelledby": "page-title" });
  replace(main, message ? notice("warn", message) : null, page);
  await route.render(page, { me, navigate, refreshMe });
}

async function refreshMe() {
  me = await api("GET", "/v1/me");
  setNav(routes[path()] ? routes[path()].name : null);
  return me;
}

document.addEventListener("click", (event) => {
  const link = event.target.closest("a");
  if (!link || link.origin !== location.origin || !link.pathname.startsWith("/ui")) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
  event.preventDefault();
  navigate(link.pathname);
});
document.getElementById("sign-out").addEventListener("click", () => {
  session.clear();
  me = null;
  history.pushState(null, "", "/ui/sign-in");
  renderSignIn("Signed out.");
});
window.addEventListener("popstate", render);
window.addEventListener("actorkeys:signed-out", (event) => renderSignIn(event.detail));
render();
