// Small progressive enhancements; every page works without this file.
document.addEventListener("htmx:responseError", (event) => {
  // Show a server's 4xx fragment (e.g. form errors) instead of silently ignoring it.
  const xhr = event.detail.xhr;
  if (xhr.status >= 400 && xhr.status < 500 && xhr.getResponseHeader("HX-Reswap-Errors") === "true") {
    event.detail.target.innerHTML = xhr.responseText;
  }
});

// An attachment over the per-file limit is refused as soon as it is chosen, before anything is
// sent: the form keeps what was typed, and the server's own check stays the real guard.
document.addEventListener("change", (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || input.type !== "file" || !input.dataset.maxBytes) {
    return;
  }
  const limit = Number(input.dataset.maxBytes);
  const tooLarge = Array.from(input.files || []).filter((file) => file.size > limit);
  const one = tooLarge.length === 1;
  const message = tooLarge.length === 0 ? "" :
    `${tooLarge.map((file) => file.name).join(", ")} ${one ? "is" : "are"} larger than the ` +
    `${input.dataset.maxSize} a file may be. Compress or split ${one ? "it" : "them"}, then ` +
    "choose again.";
  input.setCustomValidity(message);
  const noteId = `${input.id}-size-error`;
  let note = document.getElementById(noteId);
  if (message && !note) {
    note = document.createElement("small");
    note.id = noteId;
    note.className = "field-error";
    note.setAttribute("role", "alert");
    input.insertAdjacentElement("afterend", note);
    input.setAttribute("aria-describedby", `${input.getAttribute("aria-describedby") || ""} ${noteId}`.trim());
  }
  if (note) {
    note.textContent = message;
    note.hidden = !message;
  }
  if (message && !input.hasAttribute("aria-invalid")) {
    input.setAttribute("aria-invalid", "true");
    input.dataset.sizeInvalid = "true";  // ours to clear; a server's error stays as it was
  } else if (!message && input.dataset.sizeInvalid) {
    input.removeAttribute("aria-invalid");
    delete input.dataset.sizeInvalid;
  }
});
