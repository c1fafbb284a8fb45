const { JSDOM, VirtualConsole } = require("jsdom");
const quiet = new VirtualConsole();  // jsdom cannot navigate; location changes are expected and ignored
const fs = require("fs");
const assert = require("assert");
// Smoke test of the generated store's app.js in jsdom: cart, OTP login, COD and Razorpay checkout, tracking,
// variants and slots, against a mocked fetch. Run by test_app_js.py when node and jsdom are available:
//   node app_smoke.js <dir with site_grocery/, site_fashion/, site_clinic/>
const ROOT = process.argv[2];
const appName = fs.readdirSync(`${ROOT}/site_grocery/assets`).find((f) => /^app\.[0-9a-f]+\.js$/.test(f));  // hashed name
const app = fs.readFileSync(`${ROOT}/site_grocery/assets/${appName}`, "utf8");
const calls = [];
function mkFetch(responses) {
  return async (url, opts) => {
    calls.push({ url, method: opts.method, headers: opts.headers, body: opts.body ? JSON.parse(opts.body) : null });
    const r = responses(url, opts);
    return { ok: r.status < 400, status: r.status, text: async () => JSON.stringify(r.body) };
  };
}
function page(site, file, search, storage) {
  const html = fs.readFileSync(`${ROOT}/${site}/${file}`, "utf8").replace(/<script src="[^"]*app\.[0-9a-f]+\.js" defer><\/script>/, "");
  const dom = new JSDOM(html, { url: "https://x.webdpro.in/" + file + (search || ""), runScripts: "outside-only", virtualConsole: quiet });
  const w = dom.window;
  if (storage) { for (const [k, v] of Object.entries(storage.local)) w.localStorage.setItem(k, v); for (const [k, v] of Object.entries(storage.session)) w.sessionStorage.setItem(k, v); }
  return { dom, w };
}
const tick = () => new Promise(r => setTimeout(r, 20));
function dump(w) { const o = { local: {}, session: {} }; for (let i = 0; i < w.localStorage.length; i++) { const k = w.localStorage.key(i); o.local[k] = w.localStorage.getItem(k); } for (let i = 0; i < w.sessionStorage.length; i++) { const k = w.sessionStorage.key(i); o.session[k] = w.sessionStorage.getItem(k); } return o; }

(async () => {
  // 1. product page: add 3 tomatoes
  let { w } = page("site_grocery", "product/tomatoes.html");
  w.fetch = mkFetch(() => ({ status: 200, body: {} }));
  w.eval(app);
  w.document.querySelector("[data-qty]").value = "3";
  w.document.querySelector("[data-add]").click();
  w.document.querySelector("[data-add]").click();
  let cart = JSON.parse(w.localStorage.getItem("wdp_cart_sto_01test"));
  assert.strictEqual(cart.length, 1); assert.strictEqual(cart[0].qty, 6); assert.strictEqual(cart[0].price, 4000);
  assert.strictEqual(w.document.querySelector("[data-cart-count]").textContent, "6");
  let st = dump(w);
  // 2. cart page: renders, refreshes price from the public API, login by OTP, checkout COD
  ({ w } = page("site_grocery", "cart.html", "", st));
  calls.length = 0;
  w.fetch = mkFetch((url) => {
    if (url.includes("/api/catalog/public/")) return { status: 200, body: { items: [{ productId: cart[0].id, pricePaise: 4200 }] } };
    if (url.endsWith("/api/auth/otp/request")) return { status: 202, body: { challengeId: "c1" } };
    if (url.endsWith("/api/auth/otp/verify")) return { status: 200, body: { accessToken: "tok123" } };
    if (url.includes("/checkout")) return { status: 201, body: { orderId: "ord_1", status: "CONFIRMED", amountPaise: 25200, payment: null } };
    return { status: 404, body: {} };
  });
  let navigated = null;
  w.eval(app);
  await tick();
  const d = w.document;
  assert.ok(d.querySelector("[data-cart-items]").textContent.includes("Tomatoes"));
  assert.strictEqual(d.querySelector("[data-cart-total]").textContent, "₹252");
  assert.strictEqual(d.querySelector("[data-place]").disabled, false);
  d.querySelector("[data-place]").click(); await tick();
  assert.ok(d.querySelector("[data-msg]").classList.contains("err"));  // must log in first
  d.querySelector("[data-phone]").value = "98765 43210";
  d.querySelector("[data-otp-request]").click(); await tick();
  assert.strictEqual(calls.find(c => c.url.endsWith("/otp/request")).body.destination, "+919876543210");
  assert.strictEqual(d.querySelector("[data-otp-box]").hidden, false);
  d.querySelector("[data-otp]").value = "123456";
  d.querySelector("[data-otp-verify]").click(); await tick();
  const ver = calls.find(c => c.url.endsWith("/otp/verify")).body;
  assert.deepStrictEqual(ver, { destination: "+919876543210", code: "123456", role: "CUSTOMER" });
  assert.strictEqual(d.querySelector("[data-step=login]").hidden, true);
  d.querySelector("[name=line1]").value = "12 MG Road"; d.querySelector("[name=pincode]").value = "400001";
  d.querySelector("input[name=pay][value=COD]").checked = true;
  try { d.querySelector("[data-place]").click(); } catch (e) {}
  await tick();
  const co = calls.find(c => c.url.includes("/checkout"));
  assert.strictEqual(co.url, "/api/orders/stores/sto_01test/checkout");
  assert.ok(co.headers["Idempotency-Key"]); assert.strictEqual(co.headers.Authorization, "Bearer tok123");
  assert.deepStrictEqual(co.body.items, [{ productId: cart[0].id, quantity: 6 }]);
  assert.strictEqual(co.body.paymentMethod, "COD"); assert.strictEqual(co.body.deliveryAddress.pincode, "400001");
  assert.strictEqual(w.localStorage.getItem("wdp_cart_sto_01test"), "[]");
  console.log("cart+otp+COD checkout OK; calls:", calls.map(c => c.method + " " + c.url).join(", "));

  // 3. online payment opens Razorpay with the answer's data
  st = dump(w); st.local["wdp_cart_sto_01test"] = JSON.stringify([{ id: cart[0].id, name: "T", price: 4000, qty: 1 }]);
  ({ w } = page("site_grocery", "cart.html", "", st));
  calls.length = 0;
  let opened = null;
  w.fetch = mkFetch((url) => url.includes("/checkout")
    ? { status: 201, body: { orderId: "ord_2", status: "PAYMENT_PENDING", amountPaise: 4000, payment: { keyId: "rzp_test_1", razorpayOrderId: "order_9", amountPaise: 4000, currency: "INR" } } }
    : url.includes("/payments/verify") ? { status: 200, body: {} } : { status: 200, body: { items: [] } });
  w.Razorpay = function (opts) { opened = opts; this.open = () => opts.handler({ razorpay_payment_id: "pay_1", razorpay_order_id: "order_9", razorpay_signature: "sig" }); };
  w.eval(app); await tick();
  w.document.querySelector("[name=line1]").value = "12 MG Road"; w.document.querySelector("[name=pincode]").value = "400001";
  w.document.querySelector("input[name=pay][value=UPI]").checked = true;
  try { w.document.querySelector("[data-place]").click(); } catch (e) {}
  await tick(); await tick();
  assert.ok(opened, "Razorpay opened"); assert.strictEqual(opened.key, "rzp_test_1"); assert.strictEqual(opened.order_id, "order_9");
  assert.strictEqual(opened.amount, 4000);
  const v = calls.find(c => c.url.includes("/payments/verify"));
  assert.ok(v && v.body.razorpaySignature === "sig" && v.body.orderId === "ord_2");
  console.log("online checkout → Razorpay → verify OK");

  // 4. tracking
  ({ w } = page("site_grocery", "track.html", "?order=ord_2", st));
  calls.length = 0;
  w.fetch = mkFetch(() => ({ status: 200, body: { orderId: "ord_2", status: "CONFIRMED", amountPaise: 4000, timeline: [{ status: "PAYMENT_PENDING", at: "2025-01-01T10:00:00Z" }, { status: "<img src=x onerror=alert(1)>", at: "2025-01-01T10:01:00Z" }] } }));
  w.eval(app); await tick();
  assert.strictEqual(calls[0].url, "/api/orders/me/orders/ord_2");
  const out = w.document.querySelector("[data-track-out]");
  assert.strictEqual(out.hidden, false); assert.ok(out.textContent.includes("CONFIRMED"));
  assert.strictEqual(out.querySelectorAll("img").length, 0);  // API data is text, never markup
  console.log("tracking OK");

  // 5. variants and slots
  ({ w } = page("site_fashion", fs.readdirSync(`${ROOT}/site_fashion/product`).map(f => "product/" + f)[0]));
  w.fetch = mkFetch(() => ({ status: 200, body: {} })); w.eval(app);
  const sel = w.document.querySelector("[data-variant]"); sel.selectedIndex = 1;
  w.document.querySelector("[data-add]").click();
  cart = JSON.parse(w.localStorage.getItem("wdp_cart_sto_01test"));
  assert.strictEqual(cart[0].variantId, sel.value);
  ({ w } = page("site_clinic", "product/general-consultation.html"));
  w.fetch = mkFetch(() => ({ status: 200, body: {} })); w.eval(app);
  w.document.querySelector("[data-add]").click();
  assert.strictEqual(w.localStorage.getItem("wdp_cart_sto_01test"), null);  // no slot chosen yet
  w.document.querySelector("[data-slot-date]").value = "2030-01-02"; w.document.querySelector("[data-slot-time]").selectedIndex = 1;
  w.document.querySelector("[data-add]").click();
  cart = JSON.parse(w.localStorage.getItem("wdp_cart_sto_01test"));
  assert.strictEqual(cart[0].slotId, "2030-01-02T10:00");
  console.log("variants + slots OK");
  console.log("ALL OK");
})().catch(e => { console.error("FAIL", e); process.exit(1); });
