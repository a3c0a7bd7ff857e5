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

// Styles that only make sense with this file loaded (the folding menu, floating toasts) hang
// off html.js, so a page without JavaScript keeps everything in view.
document.documentElement.classList.add("js");

// The main menu folds behind its Menu button on a phone.
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector(".nav-toggle");
  const links = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
  if (!toggle || !links) {
    return;
  }
  toggle.hidden = false;
  toggle.addEventListener("click", () => {
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    links.classList.toggle("is-open", open);
  });
});

// Toasts: each confirmation in the #toasts status region gets a close button; it stays until
// closed, so a confirmation is never gone before it was read.
function addCloseButton(toast) {
  if (toast.querySelector(".toast-close")) {
    return;
  }
  const button = document.createElement("button");
  button.type = "button";
  button.className = "toast-close";
  button.setAttribute("aria-label", "Dismiss this message");
  button.textContent = "×";
  button.addEventListener("click", () => toast.remove());
  toast.append(button);
}

function decorateToasts(root) {
  (root || document).querySelectorAll(".toast-region .toast").forEach(addCloseButton);
}

// A toast from code or from a server's HX-Trigger header:
//   HX-Trigger: {"portal:toast": {"message": "Reply sent", "level": "success"}}
function showToast(message, level) {
  const region = document.getElementById("toasts");
  if (!region || !message) {
    return;
  }
  const toast = document.createElement("div");
  toast.className = `toast toast-${level || "success"}`;
  const text = document.createElement("p");
  text.className = "toast-message";
  text.textContent = message;
  toast.append(text);
  region.append(toast);
  addCloseButton(toast);
}
window.portalToast = showToast;

document.addEventListener("DOMContentLoaded", () => decorateToasts(document));
document.addEventListener("htmx:afterSettle", () => decorateToasts(document));
document.addEventListener("portal:toast", (event) => {
  const detail = event.detail || {};
  showToast(detail.message || detail.value, detail.level);
});

// File inputs: the chosen files listed with their sizes before anything is sent.
function formatBytes(bytes) {
  if (bytes < 1024) {
    return `${bytes} bytes`;
  }
  if (bytes < 1024 * 1024) {
    return `${(bytes / 1024).toFixed(1)} KB`;
  }
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

document.addEventListener("change", (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || input.type !== "file") {
    return;
  }
  const listId = `${input.id}-chosen`;
  let list = document.getElementById(listId);
  if (!list) {
    list = document.createElement("ul");
    list.id = listId;
    list.className = "chosen-files";
    list.setAttribute("aria-label", "Files chosen, not yet sent");
    input.insertAdjacentElement("afterend", list);
  }
  const files = Array.from(input.files || []);
  list.replaceChildren(...files.map((file, index) => {
    const item = document.createElement("li");
    const name = document.createElement("span");
    name.textContent = `${file.name} (${formatBytes(file.size)})`;
    item.append(name);
    // A file chosen by mistake comes off the list without choosing all the others again.
    if (typeof DataTransfer === "function") {
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "link-button chosen-file-remove";
      remove.textContent = "Remove";
      remove.setAttribute("aria-label", `Remove ${file.name}`);
      remove.addEventListener("click", () => {
        const kept = new DataTransfer();
        files.forEach((other, position) => {
          if (position !== index) {
            kept.items.add(other);
          }
        });
        input.files = kept.files;
        input.dispatchEvent(new Event("change", { bubbles: true }));
        input.focus();
      });
      item.append(" ", remove);
    }
    return item;
  }));
  list.hidden = list.children.length === 0;
});

// Forms with files show upload progress: the form is sent by XMLHttpRequest with a progress
// bar, and the answer replaces the page as a normal submit would. Without this, the browser
// sends the form as usual.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || form.enctype !== "multipart/form-data" ||
      form.hasAttribute("data-hx-post") || form.hasAttribute("hx-post") ||
      (event.submitter && event.submitter.hasAttribute("formaction")) ||
      !Array.from(form.elements).some((i) => i.type === "file" && i.files && i.files.length)) {
    return;
  }
  if (!form.checkValidity()) {
    return;
  }
  event.preventDefault();
  const progress = document.createElement("progress");
  progress.max = 100;
  progress.value = 0;
  progress.className = "upload-progress";
  const label = document.createElement("p");
  label.className = "upload-status";
  label.setAttribute("role", "status");
  label.textContent = "Uploading…";
  // The button may sit outside the form (form="…"), as on the filing form.
  const submit = event.submitter || Array.from(form.elements).find((e) => e.type === "submit");
  (submit || form.lastElementChild).insertAdjacentElement("beforebegin", label);
  label.insertAdjacentElement("afterend", progress);
  if (submit) {
    submit.disabled = true;
  }
  const request = new XMLHttpRequest();
  request.open("POST", form.action);
  request.upload.addEventListener("progress", (progressEvent) => {
    if (progressEvent.lengthComputable) {
      const percent = Math.round((progressEvent.loaded / progressEvent.total) * 100);
      progress.value = percent;
      label.textContent = `Uploading… ${percent}% of ${formatBytes(progressEvent.total)}`;
    }
  });
  request.addEventListener("load", () => {
    // Show the answer as the browser would have: the page it was sent on to (with its
    // confirmation, which a second request would no longer carry) or the form with errors.
    const address = request.responseURL;
    document.open();
    document.write(request.responseText);
    document.close();
    if (address && address !== window.location.href) {
      window.history.pushState(null, "", address);
    }
  });
  request.addEventListener("error", () => {
    label.textContent = "The upload failed: check your connection and send the form again.";
    progress.remove();
    if (submit) {
      submit.disabled = false;
    }
  });
  request.send(new FormData(form, submit));
});

// The style page's "Show a live toast" button.
document.addEventListener("click", (event) => {
  const button = event.target instanceof Element && event.target.closest("[data-demo-toast]");
  if (button) {
    showToast(button.dataset.demoToast, "success");
  }
});

// Time-zone pickers (select[data-zone-search], grouped by region) get a search box: typing
// "syd" narrows the list to matching zones and picks the first match.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("select[data-zone-search]").forEach((select) => {
    const search = document.createElement("input");
    search.type = "search";
    search.id = `${select.id}-search`;
    search.className = "zone-search";
    search.placeholder = "Type a city, e.g. Sydney, or an offset like UTC+05:30";
    search.setAttribute("aria-label", "Filter the zones by city, region or UTC offset");
    search.setAttribute("aria-controls", select.id);
    search.autocomplete = "off";
    const label = document.querySelector(`label[for="${select.id}"]`);
    (label || select).insertAdjacentElement("afterend", search);
    search.addEventListener("input", () => {
      const words = search.value.toLowerCase().replace(/_/g, " ").split(/\s+/).filter(Boolean);
      let first = null;
      select.querySelectorAll("optgroup").forEach((group) => {
        let shown = 0;
        group.querySelectorAll("option").forEach((option) => {
          const text = `${group.label} ${option.value} ${option.textContent}`.toLowerCase().replace(/_/g, " ");
          const match = words.every((word) => text.includes(word));
          option.hidden = !match;
          if (match) {
            shown += 1;
            first = first || option;
          }
        });
        group.hidden = shown === 0;
      });
      if (words.length && first && select.selectedOptions[0] && select.selectedOptions[0].hidden) {
        select.value = first.value;
      }
    });
  });
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

// Guidance that is open on a desk (details[data-fold-on-phone]) starts folded on a phone, so
// the form it precedes starts in the first screen; its summary still says what it holds.
document.addEventListener("DOMContentLoaded", () => {
  if (window.matchMedia("(max-width: 768px)").matches) {
    document.querySelectorAll("details[data-fold-on-phone]").forEach((details) => {
      details.open = false;
    });
  }
});
