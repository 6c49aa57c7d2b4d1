"""The provider's only script: passkey sign-in and registration buttons (progressive
enhancement — the phone-code login works without it). Served from /oauth2/static/passkey.js,
so the CSP's `script-src 'self'` holds (no inline script)."""

from __future__ import annotations

from typing import Final

PASSKEY_SCRIPT: Final = r"""(function () {
  "use strict";
  if (!window.PublicKeyCredential || !navigator.credentials) { return; }
  function field(name) {
    var input = document.querySelector('input[name="' + name + '"]');
    return input ? input.value : "";
  }
  function toBuffer(text) {
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) { b64 += "="; }
    var raw = atob(b64), bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
    return bytes.buffer;
  }
  function toText(buffer) {
    if (!buffer) { return null; }
    var bytes = new Uint8Array(buffer), raw = "";
    for (var i = 0; i < bytes.length; i++) { raw += String.fromCharCode(bytes[i]); }
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (json) {
        if (!response.ok) { throw new Error(json.detail || json.title || String(response.status)); }
        return json;
      });
    });
  }
  function credentialJson(credential) {
    var r = credential.response, response = { clientDataJSON: toText(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = toText(r.attestationObject);
      response.transports = r.getTransports ? r.getTransports() : [];
    } else {
      response.authenticatorData = toText(r.authenticatorData);
      response.signature = toText(r.signature);
      response.userHandle = toText(r.userHandle);
    }
    return {
      id: credential.id, rawId: toText(credential.rawId), type: credential.type,
      response: response, clientExtensionResults: credential.getClientExtensionResults(),
      authenticatorAttachment: credential.authenticatorAttachment || undefined
    };
  }
  function report(message) {
    var box = document.getElementById("passkey-status");
    if (box) { box.textContent = message; box.hidden = false; }
  }
  var login = document.getElementById("passkey-login");
  if (login) {
    login.hidden = false;
    login.addEventListener("click", function () {
      var csrf = field("csrf");
      post("/oauth2/passkeys/login/options", { csrf: csrf }).then(function (started) {
        var options = started.options;
        options.challenge = toBuffer(options.challenge);
        (options.allowCredentials || []).forEach(function (c) { c.id = toBuffer(c.id); });
        return navigator.credentials.get({ publicKey: options }).then(function (credential) {
          return post("/oauth2/passkeys/login", {
            csrf: csrf, ceremony: started.ceremony, next: field("next"),
            credential: credentialJson(credential)
          });
        });
      }).then(function (done) { window.location.assign(done.location); })
        .catch(function (error) { report(error.message); });
    });
  }
  var add = document.getElementById("passkey-register");
  if (add) {
    add.hidden = false;
    add.addEventListener("click", function () {
      var csrf = field("csrf");
      post("/oauth2/passkeys/register/options", { csrf: csrf }).then(function (started) {
        var options = started.options;
        options.challenge = toBuffer(options.challenge);
        options.user.id = toBuffer(options.user.id);
        (options.excludeCredentials || []).forEach(function (c) { c.id = toBuffer(c.id); });
        return navigator.credentials.create({ publicKey: options }).then(function (credential) {
          return post("/oauth2/passkeys/register", {
            csrf: csrf, ceremony: started.ceremony, credential: credentialJson(credential)
          });
        });
      }).then(function (done) { report(done.message); })
        .catch(function (error) { report(error.message); });
    });
  }
})();
"""
