// Imprint console: the only script. It re-checks an audit entry's inclusion proof in the
// browser (SHA-256 through SubtleCrypto), so the page's verdict does not rest on the server's
// word alone. Everything else in the console works without JavaScript.
"use strict";

function hexToBytes(hex) {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    out[i] = parseInt(hex.substr(i * 2, 2), 16);
  }
  return out;
}

function bytesToHex(bytes) {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function sha256(prefix, ...parts) {
  const length = 1 + parts.reduce((n, p) => n + p.length, 0);
  const buf = new Uint8Array(length);
  buf[0] = prefix;
  let at = 1;
  for (const p of parts) {
    buf.set(p, at);
    at += p.length;
  }
  return new Uint8Array(await crypto.subtle.digest("SHA-256", buf));
}

async function checkInclusion() {
  const steps = document.getElementById("steps");
  const out = document.getElementById("browser-check");
  const entry = document.getElementById("entry-text");
  if (!steps || !out || !entry) {
    return;
  }
  if (!window.crypto || !crypto.subtle) {
    out.textContent = "This browser offers no SubtleCrypto here (it needs HTTPS or loopback);"
      + " the server's check above stands alone.";
    return;
  }
  const leaf = await sha256(0, new TextEncoder().encode(entry.textContent));
  if (bytesToHex(leaf) !== steps.dataset.leaf) {
    out.textContent = "Checked in your browser: the entry does NOT hash to the leaf shown.";
    out.className = "bad";
    return;
  }
  let r = leaf;
  for (const li of steps.querySelectorAll("li")) {
    const sibling = hexToBytes(li.dataset.sibling);
    r = li.dataset.left === "true" ? await sha256(1, sibling, r) : await sha256(1, r, sibling);
  }
  const ok = bytesToHex(r) === steps.dataset.root;
  out.textContent = ok
    ? "Checked in your browser: the entry and its proof lead to the signed root."
    : "Checked in your browser: the proof does NOT lead to the signed root.";
  out.className = ok ? "ok" : "bad";
}

document.addEventListener("DOMContentLoaded", () => {
  checkInclusion().catch((e) => {
    const out = document.getElementById("browser-check");
    if (out) {
      out.textContent = "The browser check failed: " + e;
      out.className = "bad";
    }
  });
});
