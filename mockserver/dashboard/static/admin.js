// The admin API as the pages use it: JSON in and out, and the admin token when the mock asks for one.
// Bound beyond loopback, the mock answers 401 to admin calls without "Authorization: Bearer <token>": the page
// then asks for the token once (the form #token-form) and keeps it in sessionStorage for this tab.
"use strict";

const mockAdmin = (() => {
  const PREFIX = "/__mock__";
  const KEY = "mockserver.admin-token";
  let asking = null;

  class AdminError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  function askForToken() {
    if (asking) return asking;
    const form = document.getElementById("token-form");
    const input = document.getElementById("token");
    if (!form || !input) return Promise.reject(new AdminError(401, "the admin API needs a token"));
    form.hidden = false;
    input.focus();
    asking = new Promise((resolve) => {
      form.addEventListener("submit", function once(event) {
        event.preventDefault();
        form.removeEventListener("submit", once);
        sessionStorage.setItem(KEY, input.value.trim());
        input.value = "";
        form.hidden = true;
        asking = null;
        resolve();
      });
    });
    return asking;
  }

  // call("GET", "/clock"), call("POST", "/clock", {advance: 60}) → the JSON answer (null for 204)
  async function call(method, path, body) {
    for (;;) {
      const headers = {Accept: "application/json"};
      const token = sessionStorage.getItem(KEY);
      if (token) headers.Authorization = "Bearer " + token;
      const init = {method, headers, credentials: "omit"};
      if (body !== undefined) {
        headers["Content-Type"] = "application/json";  // the admin API takes JSON writes only
        init.body = JSON.stringify(body);
      }
      const response = await fetch(PREFIX + path, init);
      if (response.status === 401 && (response.headers.get("WWW-Authenticate") || "").startsWith("Bearer")) {
        sessionStorage.removeItem(KEY);
        await askForToken();
        continue;
      }
      const text = await response.text();
      const answer = text ? JSON.parse(text) : null;
      if (!response.ok) {
        throw new AdminError(response.status, (answer && answer.error) || response.status + " " + response.statusText);
      }
      return answer;
    }
  }

  return {call, AdminError, PREFIX};
})();
