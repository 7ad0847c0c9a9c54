// The banner's stylesheet, scoped by its shadow root so the site's CSS stays out and the
// banner's stays in. The site themes it only through these custom properties, set on :root or
// on the <acquaint-consent> element (custom properties inherit into shadow roots):
//   --acquaint-bg         #ffffff               background of the banner and the dialog
//   --acquaint-fg         #1b1b1f               text, switch outline and knob when off
//   --acquaint-accent     #1d4ed8               buttons, links, switch when on, focus ring
//   --acquaint-accent-fg  #ffffff               text on the filled buttons, knob when on
//   --acquaint-focus      var(--acquaint-accent) focus outline
//   --acquaint-radius     8px                   corners of panels and buttons
//   --acquaint-font       system-ui, sans-serif
//   --acquaint-backdrop   rgb(0 0 0 / .5)       behind the choices dialog
//   --acquaint-z          2147483000            stacking order
// Keep the text/background pairs at 4.5:1 or more when theming (axe checks the defaults).
const CSS = `:host{all:initial}
[hidden]{display:none!important}
.w{--b:var(--acquaint-bg,#fff);--f:var(--acquaint-fg,#1b1b1f);--a:var(--acquaint-accent,#1d4ed8);--c:var(--acquaint-accent-fg,#fff);--r:var(--acquaint-radius,8px);font:16px/1.45 var(--acquaint-font,system-ui,sans-serif);color:var(--f);overflow-wrap:anywhere}
.w *{box-sizing:border-box}
.bar,.bd{position:fixed;z-index:var(--acquaint-z,2147483000);left:0;right:0;bottom:0}
.bar,.dlg{display:flex;flex-direction:column;max-height:100%;padding:10px;background:var(--b)}
.bar>*,.dlg>*{padding-left:6px;padding-right:6px}
.bar{box-shadow:0 -2px 16px rgb(0 0 0/.25);animation:up .2s ease-out}
.tx,.bar .row{width:100%;max-width:60rem;margin-left:auto;margin-right:auto}
.tx,ul{min-height:0;overflow-y:auto}
.row{flex:none}
.bd{top:0;display:flex;align-items:center;justify-content:center;padding:8px;background:var(--acquaint-backdrop,rgb(0 0 0/.5))}
.dlg{width:100%;max-width:36rem;border-radius:var(--r)}
h2{font-size:1.2em;line-height:1.3;margin:6px 0 8px}
p{margin:0 0 8px}
a{color:var(--a);text-decoration:underline}
.row{display:flex;gap:8px;margin:12px 0 6px}
button{flex:1 1 0;min-height:44px;margin:0;padding:8px 16px;font:inherit;font-weight:600;color:var(--c);background:var(--a);border:2px solid var(--a);border-radius:var(--r);cursor:pointer}
.alt{color:var(--a);background:var(--b)}
:focus-visible{outline:3px solid var(--acquaint-focus,var(--a));outline-offset:2px}
ul{list-style:none;margin:0}
li{display:flex;gap:12px;justify-content:space-between;align-items:flex-start;padding:10px 0;border-bottom:1px solid rgb(128 128 128/.4)}
label{font-weight:600}
h3{font-size:1em;margin:12px 0 4px}
dl{margin:0 0 8px}
dt{font-weight:600}
dd{margin:0 0 6px;font-size:.9em}
li p{margin:2px 0 0;font-size:.9em}
input{appearance:none;-webkit-appearance:none;flex:none;width:48px;height:28px;margin:0;border:2px solid var(--f);border-radius:14px;background:var(--b) radial-gradient(circle at 12px 50%,var(--f) 7px,transparent 8px);cursor:pointer;transition:background-color .15s}
input:checked{border-color:var(--a);background:var(--a) radial-gradient(circle at 32px 50%,var(--c) 7px,transparent 8px)}
input:disabled{opacity:.6;cursor:not-allowed}
@keyframes up{from{transform:translateY(100%)}}
@media (max-width:30em){.row{flex-direction:column}button{flex:none}}
@media (prefers-reduced-motion:reduce){*{animation:none!important;transition:none!important}}
@media (forced-colors:active){input{appearance:auto}}`;

/**
 * Styles the shadow root with a constructable stylesheet (no style-src needed under CSP); where
 * those are missing, with a <style> carrying the acquaint script's nonce.
 */
export function applyStyle(root: ShadowRoot, nonce?: string): void {
  if ('adoptedStyleSheets' in root) {
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
      return;
    } catch {
      // No constructable sheets here ("Illegal constructor"): fall back to <style>.
    }
  }
  const style = document.createElement('style');
  if (nonce) style.nonce = nonce;
  style.textContent = CSS;
  root.append(style);
}
