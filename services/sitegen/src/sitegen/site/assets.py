# ruff: noqa: RUF001 -- typographic dashes, the minus and multiplication signs are intended UI glyphs
"""Static assets of every generated store: a small precompiled utility CSS (Tailwind-like class names, no build
step) themed by CSS variables, and one vanilla script for cart, OTP login, checkout (Razorpay) and tracking.

Both are the same for every store except the `:root` variables, so browsers and the CDN cache them well.
The script reads its configuration from `data-` attributes on <body> — never from inline script — and writes
to the page only with `textContent` / `createElement` (no innerHTML), so API data cannot inject markup.
"""

from __future__ import annotations

from sitegen.domain.spec import Theme

CSS = r"""*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans Devanagari",sans-serif;line-height:1.5;color:var(--ink);background:var(--bg)}
body{margin:0}img,svg{display:block;max-width:100%;height:auto}a{color:var(--brand)}
h1,h2,h3,p{margin:0 0 .5rem}h1{font-size:1.6rem;line-height:1.2}h2{font-size:1.25rem}h3{font-size:1rem}
button,input,select,textarea{font:inherit;color:inherit}
.skip{position:absolute;left:-9999px}.skip:focus{left:.5rem;top:.5rem;background:#fff;padding:.5rem;z-index:9}
.wrap{max-width:72rem;margin:0 auto;padding:0 1rem}
.hdr{position:sticky;top:0;z-index:5;background:var(--brand);color:#fff;box-shadow:0 1px 4px rgba(0,0,0,.15)}
.hdr a{color:#fff;text-decoration:none}
.row{display:flex;align-items:center;justify-content:space-between;gap:.75rem;min-height:3.5rem}
.brand{font-weight:800;font-size:1.15rem;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.nav{display:flex;gap:.9rem;align-items:center;font-size:.95rem}
.pill{display:inline-flex;align-items:center;gap:.3rem;background:rgba(255,255,255,.18);border-radius:999px;padding:.2rem .7rem}
.cats{display:flex;gap:.5rem;overflow-x:auto;padding:.75rem 1rem;scrollbar-width:none}
.chip{flex:none;border:1px solid var(--brand);color:var(--brand);border-radius:999px;padding:.3rem .9rem;text-decoration:none;font-size:.9rem;background:#fff}
.chip[aria-current=page]{background:var(--brand);color:#fff}
.hero{display:grid;gap:1rem;align-items:center;background:var(--brand-light);border-radius:1rem;padding:1rem;margin:.5rem 0 1.5rem}
.hero img{border-radius:.75rem;width:100%}
.lead{font-size:1.05rem;color:#374151}
.grid{display:grid;gap:.9rem;grid-template-columns:repeat(2,minmax(0,1fr))}
.card{background:#fff;border:1px solid #e5e7eb;border-radius:.9rem;overflow:hidden;display:flex;flex-direction:column}
.card a{text-decoration:none;color:inherit}.card img{aspect-ratio:1/1;object-fit:cover;width:100%;background:var(--brand-light)}
.card .body{padding:.65rem;display:flex;flex-direction:column;gap:.25rem;flex:1}
.card h3{font-size:.98rem;margin:0}
.alt{color:#6b7280;font-size:.85rem;margin:0}
.price{font-weight:800;font-size:1.05rem;color:var(--ink)}.mrp{color:#9ca3af;font-size:.85rem}
.unit{color:#6b7280;font-size:.85rem}
.mt-auto{margin-top:auto}.mt-1{margin-top:.25rem}.mt-2{margin-top:.5rem}.mt-4{margin-top:1rem}.mb-4{margin-bottom:1rem}
.p-3{padding:.75rem}.p-4{padding:1rem}.gap-2{gap:.5rem}.flex{display:flex}.items-center{align-items:center}.wrapf{flex-wrap:wrap}
.w-full{width:100%}.text-sm{font-size:.875rem}.font-bold{font-weight:700}.muted{color:#6b7280}.center{text-align:center}
.btn{display:inline-flex;justify-content:center;align-items:center;gap:.4rem;border:0;border-radius:.6rem;background:var(--brand);color:#fff;font-weight:700;padding:.6rem 1rem;cursor:pointer;text-decoration:none;min-height:2.6rem}
.btn:hover{background:var(--brand-dark)}.btn:disabled{opacity:.55;cursor:not-allowed}
.btn-o{background:#fff;color:var(--brand);border:1.5px solid var(--brand)}.btn-o:hover{background:var(--brand-light)}
.badge{display:inline-block;border-radius:.4rem;padding:.05rem .45rem;font-size:.75rem;font-weight:700;background:var(--brand-light);color:var(--brand-dark)}
.badge.off{background:#fef3c7;color:var(--accent)}.badge.no{background:#fee2e2;color:#991b1b}
.veg,.nveg{display:inline-block;width:.9rem;height:.9rem;border:2px solid #15803d;border-radius:.15rem;position:relative;vertical-align:middle}
.veg::after,.nveg::after{content:"";position:absolute;inset:.15rem;border-radius:50%;background:#15803d}
.nveg{border-color:#b91c1c}.nveg::after{background:#b91c1c}
.panel{background:#fff;border:1px solid #e5e7eb;border-radius:.9rem;padding:1rem;margin-bottom:1rem}
label{display:block;font-weight:600;font-size:.9rem;margin:.5rem 0 .25rem}
input,select,textarea{width:100%;border:1px solid #d1d5db;border-radius:.55rem;padding:.55rem .7rem;background:#fff}
input:focus,select:focus,textarea:focus,.btn:focus-visible,a:focus-visible{outline:3px solid var(--brand-light);outline-offset:1px;border-color:var(--brand)}
.opt{display:flex;align-items:center;gap:.5rem;font-weight:500}.opt input{width:auto}
.line{display:flex;justify-content:space-between;gap:.5rem;align-items:center;padding:.5rem 0;border-bottom:1px solid #f3f4f6}
.qty{display:inline-flex;align-items:center;gap:.35rem}.qty button{width:2rem;height:2rem;border-radius:.5rem;border:1px solid #d1d5db;background:#fff;cursor:pointer}
.msg{min-height:1.5rem;font-weight:600;color:var(--brand-dark)}.msg.err{color:#b91c1c}
.crumbs{font-size:.85rem;color:#6b7280;margin:.75rem 0}.crumbs a{color:#6b7280}
.prod{display:grid;gap:1rem}.prod img{border-radius:1rem;width:100%;background:var(--brand-light)}
.steps{list-style:none;padding:0;margin:0}.steps li{padding:.4rem 0 .4rem 1.2rem;border-left:3px solid var(--brand-light);position:relative}
.orders{list-style:none;padding:0;margin:0}.orders li{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;justify-content:space-between;padding:.5rem 0;border-bottom:1px solid #f3f4f6}
.steps li::before{content:"";position:absolute;left:-.45rem;top:.75rem;width:.6rem;height:.6rem;border-radius:50%;background:var(--brand)}
.ftr{margin-top:2rem;background:#111827;color:#d1d5db;padding:1.5rem 0;font-size:.9rem}.ftr a{color:#fff}
.ftr .cols{display:grid;gap:1rem}
[hidden]{display:none!important}
@media (min-width:640px){.grid{grid-template-columns:repeat(3,minmax(0,1fr))}.hero{grid-template-columns:1fr 1fr;padding:1.5rem}
h1{font-size:2rem}.prod{grid-template-columns:1fr 1fr}.ftr .cols{grid-template-columns:repeat(3,1fr)}}
@media (min-width:1024px){.grid{grid-template-columns:repeat(4,minmax(0,1fr))}}
@media (prefers-reduced-motion:reduce){*{scroll-behavior:auto!important;transition:none!important}}
"""


def styles_css(theme: Theme) -> str:
    # Theme values are validated #rrggbb (spec constraint) — nothing else reaches the stylesheet.
    root = (
        f":root{{--brand:{theme.brand};--brand-dark:{theme.brand_dark};--brand-light:{theme.brand_light};"
        f"--accent:{theme.accent};--ink:{theme.ink};--bg:{theme.bg}}}\n"
    )
    return root + CSS


APP_JS = r"""(function(){"use strict";
var B=document.body,D=B.dataset,S=D.storeId||"",API=(D.apiBase||"").replace(/\/+$/,""),BASE=D.base||"";
var HI=document.documentElement.lang==="hi";
var T=HI?{added:"कार्ट में जोड़ा",sent:"OTP भेजा गया",bad:"कुछ गलत हुआ, फिर कोशिश करें",login:"पहले मोबाइल से लॉग इन करें",
empty:"आपका कार्ट खाली है।",placed:"ऑर्डर हो गया!",phone:"10 अंकों का मोबाइल नंबर डालें",code:"6 अंकों का OTP डालें",
slot:"तारीख और समय चुनें",addr:"पता और PIN कोड भरें",remove:"हटाएँ",loggedin:"लॉग इन हो गया",paying:"भुगतान खुल रहा है…",notfound:"ऑर्डर नहीं मिला"}
:{added:"Added to cart",sent:"OTP sent",bad:"Something went wrong, please try again",login:"Please log in with your mobile first",
empty:"Your cart is empty.",placed:"Order placed!",phone:"Enter a 10-digit mobile number",code:"Enter the 6-digit OTP",
slot:"Choose a date and time",addr:"Please fill in the address and PIN code",remove:"Remove",loggedin:"Logged in",paying:"Opening payment…",notfound:"Order not found"};
var KEY="wdp_cart_"+S,TOK="wdp_token",PH="wdp_phone";
function $(s,r){return (r||document).querySelector(s)}function $$(s,r){return Array.prototype.slice.call((r||document).querySelectorAll(s))}
function load(){try{var c=JSON.parse(localStorage.getItem(KEY)||"[]");return Array.isArray(c)?c:[]}catch(e){return[]}}
function save(c){try{localStorage.setItem(KEY,JSON.stringify(c))}catch(e){}count();sessionStorage.removeItem("wdp_idem_"+S)}
function inr(p){p=Math.round(Number(p)||0);var r=Math.floor(p/100),s=String(r),l=s.slice(-3),o=s.slice(0,-3);
if(o)l=","+l;s=o.replace(/\B(?=(\d{2})+(?!\d))/g,",")+l;return "₹"+s+(p%100?"."+String(p%100).padStart(2,"0"):"")}
function count(){var n=load().reduce(function(a,i){return a+(i.qty||0)},0);$$("[data-cart-count]").forEach(function(e){e.textContent=String(n)})}
function msg(t,err){var m=$("[data-msg]");if(m){m.textContent=t;m.classList.toggle("err",!!err)}}
function token(){return sessionStorage.getItem(TOK)||""}
function api(method,path,body,extra){var h={"Accept":"application/json"};if(body)h["Content-Type"]="application/json";
if(token())h.Authorization="Bearer "+token();for(var k in extra||{})h[k]=extra[k];
return fetch(API+path,{method:method,headers:h,body:body?JSON.stringify(body):undefined,credentials:"omit"}).then(function(r){
return r.text().then(function(t){var j=null;try{j=t?JSON.parse(t):null}catch(e){}if(!r.ok){var er=new Error((j&&(j.detail||j.title))||T.bad);er.status=r.status;er.body=j;throw er}return j})})}
function uuid(){if(window.crypto&&crypto.randomUUID)return crypto.randomUUID();var a=new Uint8Array(16);crypto.getRandomValues(a);
return Array.prototype.map.call(a,function(b){return("0"+b.toString(16)).slice(-2)}).join("")}
function el(tag,cls,text){var e=document.createElement(tag);if(cls)e.className=cls;if(text!=null)e.textContent=String(text);return e}
// add to cart
document.addEventListener("click",function(ev){var b=ev.target.closest&&ev.target.closest("[data-add]");if(!b)return;
var box=b.closest("[data-product]")||document,item={id:b.dataset.id,name:b.dataset.name,price:Number(b.dataset.price)||0,unit:b.dataset.unit||"",qty:1};
var q=$("[data-qty]",box);if(q)item.qty=Math.max(1,Math.min(99,parseInt(q.value,10)||1));
var v=$("[data-variant]",box);if(v&&v.value){var o=v.options[v.selectedIndex];item.variantId=v.value;item.name+=" ("+o.dataset.label+")";if(o.dataset.price)item.price=Number(o.dataset.price)}
var d=$("[data-slot-date]",box),t=$("[data-slot-time]",box);if(d||t){if(!d.value||!t.value){msg(T.slot,true);return}item.slotId=d.value+"T"+t.value;item.name+=" – "+d.value+" "+t.value;item.qty=1}
var c=load(),k=[item.id,item.variantId||"",item.slotId||""].join("|"),f=c.filter(function(i){return [i.id,i.variantId||"",i.slotId||""].join("|")===k})[0];
if(f&&!item.slotId)f.qty=Math.min(99,f.qty+item.qty);else if(!f)c.push(item);save(c);msg(T.added);
b.setAttribute("aria-live","polite");var old=b.textContent;b.textContent="✓ "+T.added;setTimeout(function(){b.textContent=old},1400)});
// slots: no past dates
$$("[data-slot-date]").forEach(function(d){var n=new Date();d.min=new Date(n.getTime()-n.getTimezoneOffset()*6e4).toISOString().slice(0,10)});
// cart page
function renderCart(){var box=$("[data-cart-items]");if(!box)return;var c=load();box.textContent="";
if(!c.length){box.appendChild(el("p","muted",T.empty))}
c.forEach(function(i,idx){var r=el("div","line"),l=el("div");l.appendChild(el("div","font-bold",i.name));l.appendChild(el("div","unit",inr(i.price)+(i.unit?" · "+i.unit:"")));
var q=el("div","qty"),m=el("button",null,"−"),n=el("span",null,i.qty),p=el("button",null,"+"),x=el("button",null,"×");
m.type=p.type=x.type="button";m.setAttribute("aria-label","-");p.setAttribute("aria-label","+");x.setAttribute("aria-label",T.remove);
m.onclick=function(){i.qty--;if(i.qty<1)c.splice(idx,1);save(c);renderCart()};p.onclick=function(){if(!i.slotId)i.qty=Math.min(99,i.qty+1);save(c);renderCart()};
x.onclick=function(){c.splice(idx,1);save(c);renderCart()};q.appendChild(m);q.appendChild(n);q.appendChild(p);q.appendChild(x);r.appendChild(l);r.appendChild(q);box.appendChild(r)});
var tot=c.reduce(function(a,i){return a+i.price*i.qty},0);$$("[data-cart-total]").forEach(function(e){e.textContent=inr(tot)});
var pb=$("[data-place]");if(pb)pb.disabled=!c.length}
function authUi(){var lg=$("[data-step=login]");if(lg)lg.hidden=!!token();var lo=$("[data-logged]");if(lo)lo.hidden=!token()}
function refreshPrices(){if(!$("[data-cart-items]")||!S)return;var c=load();if(!c.length)return;
api("GET","/api/catalog/public/stores/"+encodeURIComponent(S)+"/products?limit=100").then(function(j){var list=(j&&(j.items||j.products||j.data))||[];var by={};
list.forEach(function(p){by[p.productId||p.id]=p});c.forEach(function(i){var p=by[i.id];if(!p)return;var pr=p.pricePaise;
if(i.variantId&&p.variants){(p.variants||[]).forEach(function(v){if((v.variantId||v.id)===i.variantId&&v.pricePaise)pr=v.pricePaise})}if(typeof pr==="number")i.price=pr});
localStorage.setItem(KEY,JSON.stringify(c));renderCart()}).catch(function(){})}
function phone(){var v=(($("[data-phone]")||{}).value||"").replace(/\D/g,"");if(v.length===12&&v.indexOf("91")===0)v=v.slice(2);return v.length===10?"+91"+v:""}
function myPhone(){return phone()||sessionStorage.getItem(PH)||""}
var otpBtn=$("[data-otp-request]");if(otpBtn)otpBtn.addEventListener("click",function(){var p=phone();if(!p){msg(T.phone,true);return}otpBtn.disabled=true;
api("POST","/api/auth/otp/request",{channel:"sms",destination:p}).then(function(){msg(T.sent);var s=$("[data-otp-box]");if(s)s.hidden=false}).catch(function(e){msg(e.message,true)}).then(function(){otpBtn.disabled=false})});
var verBtn=$("[data-otp-verify]");if(verBtn)verBtn.addEventListener("click",function(){var p=phone(),code=(($("[data-otp]")||{}).value||"").replace(/\D/g,"");
if(code.length!==6){msg(T.code,true);return}api("POST","/api/auth/otp/verify",{destination:p,code:code,role:"CUSTOMER"}).then(function(j){
sessionStorage.setItem(TOK,j.accessToken);sessionStorage.setItem(PH,p);msg(T.loggedin);authUi();renderCart();var ti2=$("[data-track-form] [name=order]");if(ti2&&ti2.value.trim())track(ti2.value.trim());myOrders()}).catch(function(e){msg(e.message,true)})});
function loadScript(src){return new Promise(function(ok,no){if(window.Razorpay)return ok();var s=document.createElement("script");s.src=src;s.async=true;s.onload=ok;s.onerror=no;document.head.appendChild(s)})}
function toTrack(id){location.href=BASE+"track.html?order="+encodeURIComponent(id)}
var place=$("[data-place]");if(place)place.addEventListener("click",function(){var c=load();if(!c.length){msg(T.empty,true);return}if(!token()){msg(T.login,true);return}
var pm=$("input[name=pay]:checked"),addr=null,form=$("[data-address]");
if(form&&!form.hidden){addr={name:$("[name=name]",form).value.trim(),line1:$("[name=line1]",form).value.trim(),landmark:$("[name=landmark]",form).value.trim(),
pincode:$("[name=pincode]",form).value.trim(),city:D.city||""};if(myPhone())addr.phone=myPhone();if(!addr.line1||!/^\d{6}$/.test(addr.pincode)){msg(T.addr,true);return}}
var ik=sessionStorage.getItem("wdp_idem_"+S);if(!ik){ik=uuid();sessionStorage.setItem("wdp_idem_"+S,ik)}
var body={items:c.map(function(i){var o={productId:i.id,quantity:i.qty};if(i.variantId)o.variantId=i.variantId;if(i.slotId)o.slotId=i.slotId;return o}),
paymentMethod:pm?pm.value:"COD"};if(addr)body.deliveryAddress=addr;place.disabled=true;
api("POST","/api/orders/stores/"+encodeURIComponent(S)+"/checkout",body,{"Idempotency-Key":ik}).then(function(o){var pay=o&&o.payment,rz=pay&&(pay.razorpay||pay);
if(rz&&(rz.razorpayOrderId||rz.orderId)&&(rz.keyId||rz.key)&&body.paymentMethod!=="COD"){msg(T.paying);return loadScript(D.razorpaySrc).then(function(){
var r=new window.Razorpay({key:rz.keyId||rz.key,order_id:rz.razorpayOrderId||rz.orderId,amount:rz.amountPaise||rz.amount||o.amountPaise,currency:rz.currency||"INR",
name:D.storeName||"",prefill:{contact:myPhone()},theme:{color:D.brand||undefined},handler:function(res){
api("POST","/api/payments/verify",{orderId:o.orderId,razorpayPaymentId:res.razorpay_payment_id,razorpayOrderId:res.razorpay_order_id,razorpaySignature:res.razorpay_signature})
.catch(function(){}).then(function(){save([]);toTrack(o.orderId)})},modal:{ondismiss:function(){place.disabled=false}}});r.open()})}
save([]);msg(T.placed);toTrack(o.orderId)}).catch(function(e){if(e.status===401){sessionStorage.removeItem(TOK);authUi();msg(T.login,true)}else msg(e.message,true);place.disabled=false})});
// tracking
function track(id){var out=$("[data-track-out]");if(!out||!id)return;if(!token()){msg(T.login,true);authUi();return}
api("GET","/api/orders/me/orders/"+encodeURIComponent(id)).then(function(o){out.textContent="";out.hidden=false;
out.appendChild(el("h2",null,(o.orderId||id)));out.appendChild(el("p","badge",o.status||""));if(o.amountPaise!=null)out.appendChild(el("p","price",inr(o.amountPaise)));
var ul=el("ul","steps");(o.timeline||o.history||[]).forEach(function(s){ul.appendChild(el("li",null,(s.status||s.type||"")+(s.at||s.occurredAt?" · "+new Date(s.at||s.occurredAt).toLocaleString():"")))});out.appendChild(ul)})
.catch(function(e){if(e.status===401){sessionStorage.removeItem(TOK);authUi();msg(T.login,true)}else msg(e.status===404?T.notfound:e.message,true)})}
// the customer's orders at this store (tracking page, once logged in)
function myOrders(){var box=$("[data-my-orders]");if(!box||!token())return;
api("GET","/api/orders/me/orders?limit=20").then(function(j){var list=((j&&j.items)||[]).filter(function(o){return o.storeId===S});box.textContent="";
list.forEach(function(o){var li=el("li"),a=el("a",null,o.orderId);a.href=BASE+"track.html?order="+encodeURIComponent(o.orderId);li.appendChild(a);
li.appendChild(el("span","badge",o.status||""));if(o.amountPaise!=null)li.appendChild(el("span","price",inr(o.amountPaise)));box.appendChild(li)});
var w=box.closest("[data-my-orders-box]");if(w)w.hidden=!list.length}).catch(function(){})}
var tf=$("[data-track-form]");if(tf){var qid=new URLSearchParams(location.search).get("order")||"";var ti=$("[name=order]",tf);if(qid&&ti)ti.value=qid;
tf.addEventListener("submit",function(ev){ev.preventDefault();track(ti.value.trim())});if(qid)track(qid)}
count();authUi();renderCart();refreshPrices();myOrders()})();
"""
