// Acme Eco Store page logic. The developer's ecommerce pushes (view_item_list, view_item,
// purchase) go through window.dataLayer the way a GA4/GTM site does it; acquaint picks them up
// whether it loaded before or after. Add to cart, the newsletter, scroll depth, the promo
// banner and outbound links are tracked from demo/tags.json (triggers and attribute tagging):
// this file only puts the data attributes on the buttons.
// DOM is built with createElement/textContent only, so no data ever becomes markup.

const PRODUCTS = [
  { id: 'SKU-BRUSH-01', name: 'Bamboo Toothbrush', category: 'Bathroom', price: 4.5, bg: '#e8f1de',
    text: 'Compostable bamboo handle, plant-based bristles.',
    icon: ['M12 22V10', 'M9 3h6v7H9z', 'M10.5 3V1.5M13.5 3V1.5'] },
  { id: 'SKU-BOTTLE-02', name: 'Steel Water Bottle', category: 'Kitchen', price: 24.9, bg: '#dcebf0',
    text: 'Double-walled, keeps drinks cold for 24 hours.',
    icon: ['M10 2h4v3l1.5 2.5V20a2 2 0 0 1-2 2h-3a2 2 0 0 1-2-2V7.5L10 5z', 'M8.5 11h7'] },
  { id: 'SKU-TOTE-03', name: 'Organic Cotton Tote', category: 'Bags', price: 12, bg: '#f3e9d8',
    text: 'Heavy organic cotton, carries a week of groceries.',
    icon: ['M5 8h14l-1 13H6z', 'M9 8V6a3 3 0 0 1 6 0v2'] },
  { id: 'SKU-WRAP-04', name: 'Beeswax Wraps (3)', category: 'Kitchen', price: 15.5, bg: '#f7eccb',
    text: 'Reusable food wraps that replace cling film.',
    icon: ['M12 2l3.46 2v4L12 10 8.54 8V4z', 'M8.54 8l3.46 2v4l-3.46 2-3.46-2v-4z',
      'M15.46 8l3.46 2v4l-3.46 2L12 14v-4z', 'M12 14l3.46 2v4L12 22l-3.46-2v-4z'] },
];
const CURRENCY = 'EUR';

const dataLayer = (window.dataLayer = window.dataLayer || []);
const $ = (selector) => document.querySelector(selector);
const money = (n) => new Intl.NumberFormat('en-IE', { style: 'currency', currency: CURRENCY }).format(n);

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

function icon(paths) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', 'icon');
  svg.setAttribute('aria-hidden', 'true');
  for (const d of paths) {
    const path = document.createElementNS(ns, 'path');
    path.setAttribute('d', d);
    svg.append(path);
  }
  return svg;
}

const gaItem = (p, index) => ({
  item_id: p.id, item_name: p.name, item_category: p.category, price: p.price, quantity: 1,
  ...(index === undefined ? {} : { index }),
});

// GA4's recommended pattern: clear the previous ecommerce object so it never leaks into the next event.
function pushEcommerce(event, ecommerce) {
  dataLayer.push({ ecommerce: null });
  dataLayer.push({ event, ecommerce });
}

let toastTimer;
function toast(message) {
  const box = $('#toast');
  box.textContent = message;
  box.classList.add('show');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => box.classList.remove('show'), 2200);
}

// The cart is shop state, not tracking state, so sessionStorage is fine here.
function cartCount(add = 0) {
  const count = Number(sessionStorage.getItem('acme-cart') || 0) + add;
  sessionStorage.setItem('acme-cart', String(count));
  $('#cart-count').textContent = String(count);
}

// An add button carries its product as data attributes; the `click` trigger on `button.add`
// in tags.json reads them ({{click.attr.data-price}} …) and pushes add_to_cart. The page only
// updates the cart.
function addButton(p, className) {
  const add = el('button', { type: 'button', className: `add ${className}`, textContent: 'Add to cart' });
  Object.assign(add.dataset, { sku: p.id, name: p.name, category: p.category, price: String(p.price) });
  add.addEventListener('click', () => {
    cartCount(1);
    toast(`${p.name} added: the click trigger pushed add_to_cart`);
  });
  return add;
}

// acquaint.js loads async: wait for the script if window.acquaint is not there yet.
function whenAcquaint() {
  if (window.acquaint) return Promise.resolve(window.acquaint);
  const script = document.querySelector('script[src$="acquaint.js"]');
  if (!script) return Promise.reject(new Error('no acquaint.js script tag on this page'));
  return new Promise((resolve, reject) => {
    script.addEventListener('load', () => (window.acquaint ? resolve(window.acquaint) : reject(new Error('acquaint.js did not define window.acquaint'))));
    script.addEventListener('error', () => reject(new Error('acquaint.js failed to load (did you run npm run build?)')));
  });
}

function renderHome() {
  const grid = $('#products');
  PRODUCTS.forEach((p) => {
    const href = `/product.html?id=${encodeURIComponent(p.id)}`;
    const add = addButton(p, 'small');
    grid.append(el('article', { className: 'card' },
      el('a', { href, className: 'tile', style: `background:${p.bg}`, ariaLabel: p.name }, icon(p.icon)),
      el('div', { className: 'body' },
        el('h2', {}, el('a', { href, textContent: p.name })),
        el('p', { textContent: p.text }),
        el('div', { className: 'row' }, el('span', { className: 'price', textContent: money(p.price) }), add))));
  });
  pushEcommerce('view_item_list', {
    item_list_id: 'featured', item_list_name: 'Featured products', items: PRODUCTS.map(gaItem),
  });
}

function renderProduct() {
  const id = new URLSearchParams(location.search).get('id');
  const p = PRODUCTS.find((x) => x.id === id);
  const root = $('#product');
  if (!p) {
    root.append(el('p', { className: 'notice' }, 'Product not found. ', el('a', { href: '/', textContent: 'Back to the shop' })));
    return;
  }
  document.title = `${p.name} · Acme Eco Store`;
  const add = addButton(p, 'secondary');
  const buy = el('button', { type: 'button', className: 'buy', textContent: `Buy now · ${money(p.price)}` });
  const result = el('p', { className: 'notice', hidden: true });
  buy.addEventListener('click', () => {
    const transactionId = `T-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`.toUpperCase();
    pushEcommerce('purchase', {
      transaction_id: transactionId, currency: CURRENCY, value: p.price, tax: Math.round(p.price * 0.19 * 100) / 100,
      shipping: 0, items: [gaItem(p)],
    });
    result.hidden = false;
    result.textContent = `Thank you! Order ${transactionId} placed (purchase pushed to dataLayer).`;
  });
  root.append(
    el('div', { className: 'tile', style: `background:${p.bg}` }, icon(p.icon)),
    el('div', {},
      el('p', { textContent: p.category }),
      el('h1', { textContent: p.name }),
      el('p', { className: 'price', textContent: money(p.price) }),
      el('p', { textContent: p.text }),
      el('div', { className: 'actions' }, add, buy),
      result));
  pushEcommerce('view_item', { currency: CURRENCY, value: p.price, items: [gaItem(p)] });
}

// Shows consent as the SDK sees it. The visitor answers acquaint's banner (tags.json asks for
// it while nothing is chosen); "Cookie settings" opens its per-purpose layer again.
async function setupConsentBar() {
  const state = $('#consent-state');
  const buttons = document.querySelectorAll('.consent-bar button');
  let acquaint;
  try {
    acquaint = await whenAcquaint();
    await acquaint.ready();
  } catch (err) {
    state.textContent = String(err.message);
    return;
  }
  const show = () => {
    const current = acquaint.consent.get();
    state.replaceChildren('Consent: ');
    Object.entries(current).forEach(([purpose, value], i) => {
      state.append(i ? ' · ' : '', `${purpose} `, el('b', { textContent: value }));
    });
    if (current.analytics === 'pending') state.append(' (events are held, nothing is sent until you choose)');
  };
  show();
  acquaint.on('consent', show);
  const settings = (e) => {
    e.preventDefault();
    acquaint.consent.show('choose');
  };
  $('#cookie-settings').addEventListener('click', settings);
  document.querySelectorAll('[data-cookie-settings]').forEach((link) => link.addEventListener('click', settings));
  // "Your data": what the shop keeps about the visitor in this browser, why, and where it went.
  document.querySelectorAll('[data-your-data]').forEach((link) => link.addEventListener('click', (e) => {
    e.preventDefault();
    acquaint.consent.show('data');
  }));
  $('#flush').addEventListener('click', async () => {
    await acquaint.flush();
    toast('Queued events sent');
  });
  buttons.forEach((b) => { b.disabled = false; });
}

// The `submit` trigger in tags.json pushes newsletter_signup (before this handler runs). It
// reads the address on purpose, the way it slips into real tracking plans: the collector's
// default redaction sends it as "[email]" (see the panel and the collector). The page handles
// the form itself, so the trigger has no checkValidation (that would skip a prevented submit).
function setupNewsletter() {
  const form = $('#newsletter');
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    form.replaceChildren(el('p', { textContent: 'Thanks for subscribing! (newsletter_signup pushed by the submit trigger in tags.json; your address leaves as [email])' }));
  });
}

// The visitor's profile as acquaint keeps it on this device: ids, session, audiences.
function profilePanel() {
  const value = (id) => el('dd', { id, textContent: '…' });
  const button = (id, text, secondary) => el('button', { type: 'button', id, className: secondary ? 'small secondary' : 'small', textContent: text });
  const panel = el('aside', { className: 'profile', id: 'profile', ariaLabel: 'Your profile, on this device' },
    el('h2', { textContent: 'Your profile, on this device' }),
    el('dl', {},
      el('dt', { textContent: 'anonymousId' }), value('p-anon'),
      el('dt', { textContent: 'userId' }), value('p-user'),
      el('dt', { textContent: 'session' }), value('p-session'),
      el('dt', { textContent: 'audiences' }), value('p-audiences')),
    el('p', { className: 'actions' }, button('login', 'Log in as Ada'), button('logout', 'Log out', true), button('forget', 'Forget me', true)),
    el('small', { textContent: 'Audiences are computed here from your own clicks (add two Kitchen items to join "kitchen-fan"), kept only while personalization is allowed; of the three destinations only the collector opted in to receive them. Your email leaves only as a SHA-256 hash.' }));
  $('main').after(panel);
}

async function setupProfile() {
  profilePanel();
  const acquaint = await whenAcquaint();
  await acquaint.ready();
  const short = (id) => (id ? `${id.slice(0, 8)}…` : 'none');
  const render = () => {
    const user = acquaint.user();
    $('#p-anon').textContent = short(user.anonymousId);
    $('#p-user').textContent = user.userId ?? 'not logged in';
    $('#p-session').textContent = short(user.sessionId);
    $('#p-audiences').textContent = user.audiences.length ? user.audiences.join(', ') : 'none yet';
  };
  render();
  // The data layer is the page's event bus: re-render after every push, audiences included.
  const push = dataLayer.push;
  dataLayer.push = function (...items) {
    const result = push.apply(this, items);
    queueMicrotask(() => {
      render();
      document.dispatchEvent(new Event('demo:pushed'));
    });
    return result;
  };
  acquaint.on('consent', render);
  $('#login').addEventListener('click', () => {
    acquaint.identify('ada-1815', { name: 'Ada', plan: 'member', email: 'ada@example.com' });
    render();
    toast('identify sent: the collector can join your anonymous clicks to Ada');
  });
  $('#logout').addEventListener('click', () => {
    acquaint.reset();
    render();
    toast('reset: a new anonymous id');
  });
  $('#forget').addEventListener('click', async () => {
    await acquaint.forget();
    render();
    toast('forgotten: ids, queue, profile and your consent choice are gone from this device');
  });
}

// Debug mode as a panel: every recent event and what each destination made of it (the data
// of acquaint.debug(); the page's tag carries data-debug). GA4 and Meta are local stand-ins
// (demo/vendor/) that record the calls and send nothing.
async function setupRouting() {
  const acquaint = await whenAcquaint();
  await acquaint.ready();
  const list = el('ol', { className: 'routing-list' });
  $('#profile').after(el('aside', { className: 'profile routing', ariaLabel: 'Where your events went' },
    el('h2', { textContent: 'Where your events went' }),
    list,
    el('small', { textContent: '← names the trigger of tags.json that pushed the event. Per destination: held (waiting for consent), filtered (not in its events list), blocked (a page it must not see), capped (frequency cap), redacted (PII stripped or hashed on the way), queued, delivered, dropped. Hover a step for why.' })));
  const render = () => {
    const events = acquaint.debug().events.slice(-12).reverse();
    list.replaceChildren(...events.map((event) => {
      const byDestination = new Map();
      for (const step of event.steps) byDestination.set(step.destination, [...(byDestination.get(step.destination) ?? []), step]);
      return el('li', {},
        el('code', { textContent: event.name }),
        // Which trigger of tags.json pushed it (none: the page's own push or a call).
        ...(event.origin ? [el('small', { className: 'origin', textContent: `← ${event.origin}` })] : []),
        ...[...byDestination].map(([destination, steps]) => el('span', { className: `route ${steps.at(-1).status}` },
          `${destination}: `,
          ...steps.flatMap((step, i) => [i ? ' → ' : '', el('b', { textContent: step.status, title: step.detail ?? '' })]))));
    }));
  };
  render();
  for (const type of ['delivered', 'dropped', 'consent']) acquaint.on(type, () => queueMicrotask(render));
  document.addEventListener('demo:pushed', render);
}

cartCount();
if (document.body.dataset.page === 'home') renderHome();
if (document.body.dataset.page === 'product') renderProduct();
setupNewsletter();
setupConsentBar();
setupProfile().then(setupRouting);
