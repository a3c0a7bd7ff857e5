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

// ===========================================================================================
// Workspace: the engineer's case page (templates/staff/_workspace.html) and the queue's
// keyboard shortcuts. Without this section every tool is a plain form post that returns to
// the case at the tool used, its confirmation beside it.
// ===========================================================================================
(() => {
  const inWorkspace = (element) => element instanceof Element && element.closest("#workspace");

  // A refused tool (422 with HX-Reswap-Errors) is swapped in like a success, so its message
  // appears beside the field with what was typed; htmx then wires up the new markup.
  document.addEventListener("htmx:beforeSwap", (event) => {
    const { xhr, target } = event.detail;
    if (!inWorkspace(target) && target.id !== "workspace") {
      return;
    }
    if (xhr.status >= 400 && xhr.status < 500 && xhr.getResponseHeader("HX-Reswap-Errors") === "true") {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
    const panel = document.getElementById("workspace-panel");
    if (target.id === "workspace" && panel) {
      target.dataset.panelScroll = String(panel.scrollTop);
    }
  });

  // After a swap, the panel keeps its scroll position and the confirmation (or the first field
  // in error) is brought into view beside the tool, with focus, so it is read out.
  document.addEventListener("htmx:afterSwap", (event) => {
    const target = event.detail.target;
    if (target.id === "reply-box") {
      const box = document.getElementById("staff-reply");
      if (box) {
        box.focus();
        box.setSelectionRange(box.value.length, box.value.length);
      }
      return;
    }
    if (target.id !== "workspace") {
      return;
    }
    const panel = document.getElementById("workspace-panel");
    if (panel && target.dataset.panelScroll) {
      panel.scrollTop = Number(target.dataset.panelScroll);
    }
    const notice = target.querySelector("[data-workspace-notice]") ||
      target.querySelector("[aria-invalid='true']") || target.querySelector(".form-errors");
    if (notice) {
      notice.scrollIntoView({ block: "nearest" });
      notice.focus({ preventScroll: true });
    }
  });

  // Presence: while the reply box holds text the poll says "replying", and says so at once.
  document.addEventListener("input", (event) => {
    if (!(event.target instanceof HTMLTextAreaElement) || event.target.id !== "staff-reply") {
      return;
    }
    const activity = document.getElementById("presence-activity");
    const now = event.target.value.trim() ? "replying" : "viewing";
    if (activity && activity.value !== now) {
      activity.value = now;
      document.body.dispatchEvent(new CustomEvent("presence-changed"));
    }
  });

  // Keyboard shortcuts, on the pages that carry their help (<dialog id="shortcut-help">).
  const help = () => document.getElementById("shortcut-help");
  const isTyping = (element) => element instanceof HTMLElement &&
    (element.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(element.tagName));
  const queueRows = () => Array.from(document.querySelectorAll("#queue [data-queue-row]"));
  let selectedCase = null;  // the number of the case selected in the queue, kept over refreshes

  const select = (row) => {
    queueRows().forEach((other) => {
      other.classList.toggle("is-selected", other === row);
      other.removeAttribute("aria-current");
    });
    if (!row) {
      return;
    }
    row.setAttribute("aria-current", "true");
    const link = row.querySelector("[data-queue-link]");
    selectedCase = link ? link.textContent.trim() : null;
    row.scrollIntoView({ block: "nearest" });
    if (link) {
      link.focus({ preventScroll: true });
    }
  };
  const selectedRow = () => queueRows().find((row) => row.classList.contains("is-selected"));
  const move = (step) => {
    const rows = queueRows();
    if (!rows.length) {
      return;
    }
    const current = rows.indexOf(selectedRow());
    const next = current < 0 ? (step > 0 ? 0 : rows.length - 1) :
      Math.min(rows.length - 1, Math.max(0, current + step));
    select(rows[next]);
  };
  document.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target.id !== "queue" || !selectedCase) {
      return;
    }
    const row = queueRows().find((candidate) =>
      candidate.querySelector("[data-queue-link]")?.textContent.trim() === selectedCase);
    if (row) {
      row.classList.add("is-selected");
      row.setAttribute("aria-current", "true");
    }
  });

  const click = (selector, scope = document) => {
    const element = scope.querySelector(selector);
    if (element) {
      element.click();
    }
    return Boolean(element);
  };
  const actions = {
    "?": () => help().showModal(),
    j: () => move(1),
    k: () => move(-1),
    o: () => click("[data-queue-link]", selectedRow() || document.createElement("div")),
    Enter: () => click("[data-queue-link]", selectedRow() || document.createElement("div")),
    t: () => click("[data-queue-take]", selectedRow() || document.createElement("div")) ||
      click("[data-shortcut='take']"),
    r: () => {
      const box = document.getElementById("staff-reply");
      if (box) {
        box.scrollIntoView({ block: "center" });
        box.focus();
      }
      return Boolean(box);
    },
    n: () => click("[data-shortcut='next']"),
    q: () => click("[data-shortcut='queue']"),
  };

  document.addEventListener("keydown", (event) => {
    const dialog = help();
    if (!dialog || dialog.open || event.defaultPrevented || event.ctrlKey || event.metaKey ||
      event.altKey || isTyping(event.target)) {
      return;
    }
    // Enter on a link or button keeps its own meaning; only a selected queue row takes it.
    if (event.key === "Enter" && (event.target.closest("a, button") || !selectedRow())) {
      return;
    }
    const action = actions[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  });

  const reveal = () => {
    document.querySelectorAll("[data-shortcut-help], [data-shortcut-hint]").forEach((element) => {
      element.hidden = false;
    });
  };
  document.addEventListener("click", (event) => {
    if (event.target instanceof Element && event.target.closest("[data-shortcut-help]") && help()) {
      help().showModal();
    }
  });
  document.addEventListener("DOMContentLoaded", reveal);
  document.addEventListener("htmx:afterSettle", reveal);
})();
