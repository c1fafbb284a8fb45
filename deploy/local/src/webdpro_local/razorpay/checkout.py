"""The browser side: `checkout.js` (a stand-in for Razorpay Standard Checkout) and the hosted pages.

`new Razorpay(options)` takes Razorpay's options (`key`, `order_id` or `subscription_id`, `amount`, `currency`,
`name`, `description`, `prefill{contact,email,vpa}`, `notes`, `theme{color}`, `handler`, `callback_url`,
`modal{ondismiss}`); `.open()` shows an overlay in the page itself (no iframe, no inline script, so a site whose
CSP allows `script-src`/`connect-src` on this origin works), `.close()` hides it, `.on('payment.failed', cb)`
registers a failure callback. The overlay's buttons — "Pay with UPI", "Card", "Netbanking" and "Fail" (stable
hooks: `[data-razorpay-method=upi|card|netbanking]`, `[data-razorpay-fail]`, `[data-razorpay-close]`) — POST to
`/checkout/{order_id}/pay` (or `/checkout/subscriptions/{id}/pay`) on this server; success calls
`handler({razorpay_payment_id, razorpay_order_id | razorpay_subscription_id, razorpay_signature})` (or posts
those fields to `callback_url`), failure calls the `payment.failed` callbacks with `{error:{code, description,
source, step, reason, metadata:{order_id, payment_id}}}` and leaves the overlay open for a retry, as Razorpay's
does.
"""

from __future__ import annotations

import html
import json

CHECKOUT_JS = r"""/* Razorpay Checkout stand-in served by the WebdPro local Razorpay emulator. */
(function () {
  "use strict";
  var ORIGIN = __ORIGIN__;
  var METHODS = [["upi", "Pay with UPI"], ["card", "Card"], ["netbanking", "Netbanking"]];

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) { for (var k in attrs) { if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, attrs[k]); } }
    if (text != null) e.textContent = text;
    return e;
  }
  function money(paise, currency) {
    if (paise == null || isNaN(Number(paise))) return "";
    return (currency && currency !== "INR" ? currency + " " : "\u20b9") + (Number(paise) / 100).toFixed(2);
  }

  function Razorpay(options) {
    if (!(this instanceof Razorpay)) return new Razorpay(options);
    if (!options || typeof options !== "object") throw new Error("Razorpay: options are required");
    if (!options.key) throw new Error("Razorpay: No key passed");
    if (!options.order_id && !options.subscription_id) throw new Error("Razorpay: order_id or subscription_id is required");
    this.options = options;
    this._events = {};
    this._root = null;
    this._busy = false;
  }

  Razorpay.prototype.on = function (name, cb) {
    (this._events[name] = this._events[name] || []).push(cb);
    return this;
  };

  Razorpay.prototype._fire = function (name, arg) {
    var list = this._events[name] || [];
    for (var i = 0; i < list.length; i++) {
      try { list[i](arg); } catch (e) { setTimeout(function () { throw e; }, 0); }
    }
  };

  Razorpay.prototype.open = function () {
    if (this._root) return this;
    var o = this.options, self = this;
    var color = (o.theme && o.theme.color) || "#3395ff";
    var root = el("div", {"class": "razorpay-container", "data-razorpay-checkout": "", "role": "dialog",
                          "aria-modal": "true", "aria-label": "Razorpay Checkout"});
    root.style.cssText = "position:fixed;top:0;left:0;right:0;bottom:0;z-index:2147483647;background:rgba(0,0,0,.6);" +
      "display:flex;align-items:center;justify-content:center;font:15px/1.4 system-ui,sans-serif";
    var box = el("div");
    box.style.cssText = "background:#fff;color:#111;border-radius:8px;width:340px;max-width:92vw;padding:18px 20px;" +
      "box-shadow:0 10px 40px rgba(0,0,0,.4)";
    var head = el("div");
    head.style.cssText = "display:flex;justify-content:space-between;align-items:center;padding-bottom:8px;" +
      "margin-bottom:12px;border-bottom:4px solid " + color;
    head.appendChild(el("strong", null, o.name || "Razorpay Checkout (test)"));
    var close = el("button", {"type": "button", "aria-label": "Close", "data-razorpay-close": ""}, "\u00d7");
    close.style.cssText = "border:0;background:none;font-size:22px;cursor:pointer";
    head.appendChild(close);
    box.appendChild(head);
    if (o.description) box.appendChild(el("div", null, o.description));
    var amount = el("div", {"data-razorpay-amount": ""}, money(o.amount, o.currency));
    amount.style.cssText = "font-size:22px;font-weight:600;margin:4px 0";
    box.appendChild(amount);
    var ref = el("div", {"data-razorpay-ref": ""}, o.order_id || o.subscription_id);
    ref.style.cssText = "color:#666;font-size:12px;margin-bottom:10px";
    box.appendChild(ref);
    var label = el("label", null, "UPI ID ");
    label.style.cssText = "display:block;font-size:13px;margin-bottom:8px";
    var vpa = el("input", {"name": "vpa", "data-razorpay-vpa": "", "autocomplete": "off"});
    vpa.value = (o.prefill && o.prefill.vpa) || "success@razorpay";
    vpa.style.cssText = "width:60%;padding:4px";
    label.appendChild(vpa);
    box.appendChild(label);
    var buttons = [];
    function button(text, attrs, method, outcome) {
      var b = el("button", attrs, text);
      b.type = "button";
      b.style.cssText = "display:block;width:100%;margin:6px 0;padding:10px;border:1px solid " + color +
        ";border-radius:4px;background:" + (outcome === "failure" ? "#fff;color:#b00020" : color + ";color:#fff") + ";cursor:pointer";
      b.addEventListener("click", function () { self._pay(method, outcome); });
      buttons.push(b);
      box.appendChild(b);
    }
    for (var i = 0; i < METHODS.length; i++) {
      button(METHODS[i][1], {"data-razorpay-method": METHODS[i][0]}, METHODS[i][0], "success");
    }
    button("Fail", {"data-razorpay-fail": ""}, "upi", "failure");
    var msg = el("p", {"data-razorpay-message": "", "role": "status"});
    msg.style.cssText = "min-height:1.4em;margin:8px 0 0;font-size:13px";
    box.appendChild(msg);
    root.appendChild(box);
    close.addEventListener("click", function () { self.close(); });
    this._root = root;
    this._ui = {buttons: buttons, msg: msg, vpa: vpa};
    (document.body || document.documentElement).appendChild(root);
    return this;
  };

  Razorpay.prototype._remove = function () {
    if (this._root && this._root.parentNode) this._root.parentNode.removeChild(this._root);
    this._root = null;
  };

  Razorpay.prototype.close = function () {
    var was = !!this._root;
    this._remove();
    var m = this.options.modal;
    if (was && m && typeof m.ondismiss === "function") m.ondismiss();
  };

  Razorpay.prototype._setBusy = function (busy, text) {
    this._busy = busy;
    var b = this._ui.buttons;
    for (var i = 0; i < b.length; i++) b[i].disabled = busy;
    this._ui.msg.textContent = text || "";
  };

  Razorpay.prototype._pay = function (method, outcome) {
    if (this._busy) return;
    var o = this.options, self = this;
    var url = o.subscription_id
      ? ORIGIN + "/checkout/subscriptions/" + encodeURIComponent(o.subscription_id) + "/pay"
      : ORIGIN + "/checkout/" + encodeURIComponent(o.order_id) + "/pay";
    var body = {key: o.key, method: method, outcome: outcome, vpa: this._ui.vpa.value};
    if (o.prefill && o.prefill.email) body.email = o.prefill.email;
    if (o.prefill && o.prefill.contact) body.contact = String(o.prefill.contact);
    if (o.notes) body.notes = o.notes;
    this._setBusy(true, "Processing\u2026");
    fetch(url, {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)})
      .then(function (r) { return r.json().then(function (j) { return {ok: r.ok, body: j}; }); })
      .then(function (res) {
        if (res.ok) {
          self._setBusy(false, "Payment successful");
          self._remove();
          self._succeed(res.body);
          return;
        }
        var err = (res.body && res.body.error) || {description: "Payment failed"};
        self._setBusy(false, err.description || "Payment failed");
        if (err.metadata && err.metadata.payment_id) self._fire("payment.failed", {error: err});
      }, function (e) {
        self._setBusy(false, "Could not reach the payment server: " + e);
      });
  };

  Razorpay.prototype._succeed = function (payload) {
    var o = this.options;
    if (o.callback_url) {
      var form = el("form", {"method": "POST", "action": o.callback_url});
      for (var k in payload) {
        if (Object.prototype.hasOwnProperty.call(payload, k)) {
          var input = el("input", {"type": "hidden", "name": k});
          input.value = payload[k];
          form.appendChild(input);
        }
      }
      (document.body || document.documentElement).appendChild(form);
      form.submit();
      return;
    }
    if (typeof o.handler === "function") o.handler(payload);
  };

  Razorpay.emulator = true;
  window.Razorpay = Razorpay;
})();
"""

PAGE_JS = r"""/* The hosted test checkout page: opens checkout.js with the order (or subscription) on this page. */
(function () {
  "use strict";
  var d = document.body.dataset, out = document.getElementById("result");
  function show(text, state) { out.hidden = false; out.textContent = text; document.body.setAttribute("data-state", state); }
  var options = {key: d.key, name: d.name || "WebdPro (test)", amount: Number(d.amount), currency: "INR",
    handler: function (res) { show(JSON.stringify(res, null, 2), "paid"); }};
  if (d.orderId) options.order_id = d.orderId;
  if (d.subscriptionId) options.subscription_id = d.subscriptionId;
  if (d.callbackUrl) options.callback_url = d.callbackUrl;
  var rzp = new window.Razorpay(options);
  rzp.on("payment.failed", function (res) { show(JSON.stringify(res, null, 2), "failed"); });
  document.getElementById("open").addEventListener("click", function () { rzp.open(); });
  rzp.open();
})();
"""

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{title}</title></head>
<body {attrs} data-state="open" style="font:15px/1.4 system-ui,sans-serif;margin:2rem">
<h1>{title}</h1>
<p>{what} <code>{ref}</code> &middot; &#8377;{rupees}</p>
<button type="button" id="open">Open checkout</button>
<pre id="result" hidden></pre>
<script src="/v1/checkout.js"></script>
<script src="/checkout/page.js"></script>
</body></html>
"""


def checkout_js(origin: str) -> str:
    return CHECKOUT_JS.replace("__ORIGIN__", json.dumps(origin))


def hosted_page(
    *,
    key: str,
    amount: int,
    order_id: str | None = None,
    subscription_id: str | None = None,
    name: str = "",
    callback_url: str = "",
) -> str:
    data = {"data-key": key, "data-amount": str(amount), "data-name": name}
    if order_id:
        data["data-order-id"] = order_id
    if subscription_id:
        data["data-subscription-id"] = subscription_id
    if callback_url:
        data["data-callback-url"] = callback_url
    attrs = " ".join(f'{k}="{html.escape(v)}"' for k, v in data.items())
    return _PAGE.format(
        title="Razorpay test checkout" if order_id else "Authorise your subscription",
        attrs=attrs,
        what="Order" if order_id else "Subscription",
        ref=html.escape(order_id or subscription_id or ""),
        rupees=f"{amount / 100:.2f}",
    )
