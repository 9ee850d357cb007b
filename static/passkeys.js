// Passkey ceremonies (WebAuthn): the only script FlowPulse needs for a feature.
// Buttons and forms marked data-passkey start hidden; they are shown only in a
// browser that has WebAuthn. Each asks the server for options (a challenge),
// lets the browser talk to the authenticator, and posts its answer as JSON with
// the page's CSRF token in the X-CSRFToken header. The server answers
// {redirect: url} or {error: message}; a message is shown in the alert region.
(function () {
  "use strict";
  if (!window.PublicKeyCredential || !navigator.credentials) return;

  // -- base64url <-> bytes, for browsers without the JSON helpers ----------
  function toBytes(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    var binary = atob(base64 + "===".slice((base64.length + 3) % 4));
    return Uint8Array.from(binary, function (c) { return c.charCodeAt(0); });
  }
  function toText(buffer) {
    var binary = String.fromCharCode.apply(null, new Uint8Array(buffer));
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function withIds(list) {
    return (list || []).map(function (item) { return Object.assign({}, item, { id: toBytes(item.id) }); });
  }
  function creationOptions(json) {
    if (PublicKeyCredential.parseCreationOptionsFromJSON) return PublicKeyCredential.parseCreationOptionsFromJSON(json);
    return Object.assign({}, json, {
      challenge: toBytes(json.challenge),
      user: Object.assign({}, json.user, { id: toBytes(json.user.id) }),
      excludeCredentials: withIds(json.excludeCredentials),
    });
  }
  function requestOptions(json) {
    if (PublicKeyCredential.parseRequestOptionsFromJSON) return PublicKeyCredential.parseRequestOptionsFromJSON(json);
    return Object.assign({}, json, { challenge: toBytes(json.challenge), allowCredentials: withIds(json.allowCredentials) });
  }
  function answerOf(credential) {
    if (typeof credential.toJSON === "function") return credential.toJSON();
    var r = credential.response, response = { clientDataJSON: toText(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = toText(r.attestationObject);
      response.transports = r.getTransports ? r.getTransports() : [];
    } else {
      response.authenticatorData = toText(r.authenticatorData);
      response.signature = toText(r.signature);
      response.userHandle = r.userHandle ? toText(r.userHandle) : null;
    }
    return { id: credential.id, rawId: toText(credential.rawId), type: credential.type, response: response,
             clientExtensionResults: credential.getClientExtensionResults(),
             authenticatorAttachment: credential.authenticatorAttachment || null };
  }

  // -- talking to the server ------------------------------------------------
  function post(url, csrf, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body || {}),
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) throw new Error(data.error || "Something went wrong. Please try again.");
        return data;
      });
    });
  }
  function problemFor(element) {
    var scope = element.closest("section, .card") || document;
    return scope.querySelector("[data-passkey-problem]");
  }
  function say(element, message) {
    var region = problemFor(element);
    if (region) region.textContent = message;
  }
  function explain(error) {
    if (error && error.name === "NotAllowedError") return "The passkey prompt was closed or timed out. Please try again.";
    if (error && error.name === "InvalidStateError") return "This device already holds a passkey for your account.";
    if (error && error.name === "AbortError") return "";
    return (error && error.message) || "Something went wrong. Please try again.";
  }
  function follow(data) { if (data.redirect) window.location.assign(data.redirect); }

  // -- signing in: the button, and autofill in the email field ----------------
  var autofill = null;
  function stopAutofill() { if (autofill) { autofill.abort(); autofill = null; } }

  function signInBody(button, credential) {
    var body = { credential: answerOf(credential), next: button.dataset.next || null };
    var remember = document.getElementById("remember");
    var trust = document.getElementById("trust_device");
    if (remember) body.remember = remember.checked;
    if (trust) body.trust_device = trust.checked;
    return body;
  }
  function getWith(button, extra) {
    return post(button.dataset.options, button.dataset.csrf).then(function (json) {
      return navigator.credentials.get(Object.assign({ publicKey: requestOptions(json) }, extra));
    }).then(function (credential) {
      return post(button.dataset.action, button.dataset.csrf, signInBody(button, credential));
    });
  }
  function startAutofill(button) {
    var field = document.querySelector('input[autocomplete~="webauthn"]');
    if (!field || !PublicKeyCredential.isConditionalMediationAvailable) return;
    PublicKeyCredential.isConditionalMediationAvailable().then(function (available) {
      if (!available) return;
      autofill = new AbortController();
      field.dataset.passkeyAutofill = "waiting";
      getWith(button, { mediation: "conditional", signal: autofill.signal })
        .then(follow, function (error) { var m = explain(error); if (m) say(button, m); });
    });
  }
  function runButton(button) {
    stopAutofill();
    say(button, "");
    button.disabled = true;
    getWith(button, {}).then(follow, function (error) {
      say(button, explain(error));
      button.disabled = false;
      if (button.dataset.passkey === "sign-in") startAutofill(button);
    });
  }

  // -- adding a passkey from the profile ---------------------------------------
  function register(form) {
    var name = form.elements.name ? form.elements.name.value : "";
    var password = form.elements.current_password ? form.elements.current_password.value : undefined;
    say(form, "");
    return post(form.dataset.options, form.dataset.csrf, { name: name, current_password: password })
      .then(function (json) { return navigator.credentials.create({ publicKey: creationOptions(json) }); })
      .then(function (credential) {
        return post(form.dataset.action, form.dataset.csrf, { credential: answerOf(credential), name: name });
      })
      .then(follow, function (error) { say(form, explain(error)); });
  }

  function start() {
    document.querySelectorAll("[data-passkey-fallback]").forEach(function (el) { el.hidden = true; });
    document.querySelectorAll("[data-passkey-shown], [data-passkey]").forEach(function (el) { el.hidden = false; });
    document.querySelectorAll("button[data-passkey]").forEach(function (button) {
      button.addEventListener("click", function () { runButton(button); });
      if (button.dataset.passkey === "sign-in") startAutofill(button);
    });
    document.querySelectorAll('form[data-passkey="register"]').forEach(function (form) {
      form.addEventListener("submit", function (event) { event.preventDefault(); register(form); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
