// The API docs page: Swagger UI over the contract this mock serves (GET /__mock__/openapi/<api>.json), its
// servers pointing at this mock, and "Try it out" authorized with the mock's own default credentials.
"use strict";

const api = decodeURIComponent(location.pathname.replace(/\/+$/, "").split("/").pop());

function status(message, isError) {
  const node = document.getElementById("status");
  node.textContent = message;
  node.className = isError ? "error" : "muted";
}

// The Hub takes a bearer token: the page asks the Hub's token endpoint for one, as any client would. The login is
// the page's own, not a call of the user's: like the pytest fixtures' logins, it counts apart in the coverage.
async function hubToken(tryIt) {
  const response = await fetch(tryIt.token_path, {
    method: "POST",
    headers: {"Content-Type": "application/json", Accept: "application/json", "X-Mockserver-Client": "fixture"},
    body: JSON.stringify({username: tryIt.username, password: tryIt.password}), credentials: "omit",
  });
  if (!response.ok) throw new Error(`${tryIt.token_path} answered ${response.status}`);
  return (await response.json()).access;
}

async function authorize(ui, tryIt) {
  if (tryIt.scheme === "basic") {
    ui.preauthorizeBasic("basic", tryIt.username, tryIt.password);
    return `Try it out sends HTTP Basic as ${tryIt.username}`;
  }
  ui.preauthorizeApiKey("jwt", await hubToken(tryIt));
  return `Try it out sends a bearer token of ${tryIt.username} (from POST ${tryIt.token_path})`;
}

async function start() {
  document.title = `${api} — mockserver API docs`;
  document.getElementById("documents").append(
    "contract: ", Object.assign(document.createElement("a"), {href: `../openapi/${api}.json`, textContent: "JSON"}),
    " · ", Object.assign(document.createElement("a"), {href: `../openapi/${api}.yaml`, textContent: "YAML"}));
  let spec, tryIt;
  try {
    [spec, tryIt] = await Promise.all([mockAdmin.call("GET", `/openapi/${encodeURIComponent(api)}.json`),
                                       mockAdmin.call("GET", `/docs/${encodeURIComponent(api)}/try-it`)]);
  } catch (error) {
    status(`cannot read the ${api} contract: ${error.message}`, true);
    return;
  }
  const ui = SwaggerUIBundle({
    spec, dom_id: "#swagger-ui", layout: "BaseLayout", presets: [SwaggerUIBundle.presets.apis],
    deepLinking: false, docExpansion: "list", defaultModelsExpandDepth: 0, validatorUrl: null,
    onComplete: () => {
      authorize(ui, tryIt).then((text) => {
        document.getElementById("authorized").textContent = text;
        document.body.dataset.authorized = "true";
      }, (error) => status("could not authorize Try it out: " + error.message, true));
    },
  });
  window.ui = ui;
}

start();
