// Live mode only: Stripe's Payment Element on the order's pay page (templates/orders/pay.html),
// and on the page that saves a card for standing orders (templates/standing/card_setup.html,
// `data-mode="setup"`: a SetupIntent). Stripe.js collects the card and confirms the intent in
// the browser, then sends the buyer to the return URL, where the server asks Stripe and
// records the payment or the card. Not run by
// the tests or the demo (test mode confirms with Stripe's test cards on the server).
(function () {
  "use strict";
  var form = document.getElementById("payment-form");
  if (!form || typeof Stripe === "undefined") { return; }
  var stripe = Stripe(form.dataset.publishableKey);
  var elements = stripe.elements({ clientSecret: form.dataset.clientSecret });
  elements.create("payment").mount("#payment-element");
  var message = document.getElementById("payment-message");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    var confirm = form.dataset.mode === "setup" ? stripe.confirmSetup : stripe.confirmPayment;
    confirm.call(stripe, {
      elements: elements,
      confirmParams: { return_url: form.dataset.returnUrl }
    }).then(function (result) {
      // Only reached when the confirmation failed before any redirect (a declined card…).
      if (result.error) {
        message.textContent = result.error.message;
        message.hidden = false;
        button.disabled = false;
      }
    });
  });
}());
