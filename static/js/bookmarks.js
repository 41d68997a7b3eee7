// The Merkliste buttons on pages shared between visitors (issue 19). Such a page always shows
// "Merken"; a visitor with bookmarks normally gets a page of their own, but where a shared copy
// reached them anyway (a proxy, the browser's cache) this asks the server for their bookmarks
// and marks those buttons. Without JavaScript the buttons still work as forms.
(function () {
  "use strict";

  var forms = document.querySelectorAll("form[data-bookmark-pk]");
  if (!forms.length || !window.fetch) {
    return;
  }
  var url = forms[0].getAttribute("data-bookmark-state-url");

  function mark(form, labelOn) {
    var action = form.querySelector('input[name="aktion"]');
    var button = form.querySelector("button");
    var label = form.querySelector(".bookmark-form__label");
    if (!action || !button || !label || action.value === "entfernen") {
      return;
    }
    action.value = "entfernen";
    button.classList.remove("kern-btn--tertiary");
    button.classList.add("kern-btn--secondary");
    label.textContent = labelOn;
  }

  fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) {
      return response.ok ? response.json() : null;
    })
    .then(function (state) {
      if (!state || !state.ids || !state.ids.length) {
        return;
      }
      var ids = {};
      state.ids.forEach(function (id) {
        ids[String(id)] = true;
      });
      forms.forEach(function (form) {
        if (ids[form.getAttribute("data-bookmark-pk")]) {
          mark(form, state.label_on);
        }
      });
    })
    .catch(function () {
      // The buttons keep what the page says; a click still sets the state the visitor sees.
    });
})();
