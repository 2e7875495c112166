// Passkeys in the infoshare workspace: sign in with one, or register one after signing in.
// Served as a file (the Content-Security-Policy allows no inline script). Without JavaScript,
// or in a browser without WebAuthn, the buttons stay hidden and a mailed code still works.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute("content") : "";
  var able = window.PublicKeyCredential &&
    typeof PublicKeyCredential.parseCreationOptionsFromJSON === "function" &&
    typeof PublicKeyCredential.parseRequestOptionsFromJSON === "function";

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body || {})
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (!r.ok) { throw new Error(data.error || "refused (" + r.status + ")"); }
        return data;
      });
    });
  }

  function wire(id, run, failed) {
    var button = document.getElementById(id);
    var status = document.getElementById("passkey-status");
    if (!button || !able) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      status.textContent = "Waiting for your passkey ...";
      run().then(function (done) {
        window.location.assign(done.next);
      }).catch(function (err) {
        button.disabled = false;
        status.textContent = failed + " (" + err.message + ")";
      });
    });
  }

  wire("passkey-signin", function () {
    return post("/signin/passkey/options").then(function (options) {
      return navigator.credentials.get({
        publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options)
      });
    }).then(function (credential) {
      return post("/signin/passkey", credential.toJSON());
    });
  }, "Signing in with a passkey did not work: ask for a code by email instead.");

  wire("passkey-register", function () {
    return post("/passkeys/options").then(function (options) {
      return navigator.credentials.create({
        publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options)
      });
    }).then(function (credential) {
      return post("/passkeys", credential.toJSON());
    });
  }, "The passkey was not registered");
}());
