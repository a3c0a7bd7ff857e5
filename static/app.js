// Small progressive enhancements; every page works without this file.
document.addEventListener("htmx:responseError", (event) => {
  // Show a server's 4xx fragment (e.g. form errors) instead of silently ignoring it.
  const xhr = event.detail.xhr;
  if (xhr.status >= 400 && xhr.status < 500 && xhr.getResponseHeader("HX-Reswap-Errors") === "true") {
    event.detail.target.innerHTML = xhr.responseText;
  }
});
