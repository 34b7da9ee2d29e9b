// Front end of mlp_core.widgets.DigitCanvas (an anywidget ES module, shipped in the package).
//
// The learner draws on a canvas with the mouse, a pen or a finger (pointer events). While
// they draw (at most every THROTTLE_MS) and when they lift the pen, the canvas is shrunk by
// an integer factor and its alpha channel (the ink) is sent to Python as base64 bytes in
// the trait `pixels` (prefixed by a serial number, "17:..."). Python preprocesses it, asks the network, and sends back `preview`
// (the 28×28 input the network sees, base64 bytes), `probs` (ten probabilities) and
// `status` (one sentence), and sets `done` to the serial number it has answered (the root
// element's data-sent and data-done attributes show both, for tests). This file only draws;
// every number is computed in Python.

const THROTTLE_MS = 150;

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function decode(b64) {
  const bin = atob(b64 || "");
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function encode(bytes) {
  let bin = "";
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    bin += String.fromCharCode.apply(null, bytes.subarray(i, i + chunk));
  }
  return btoa(bin);
}

const STYLE = `
.mlp-draw { display: flex; flex-wrap: wrap; gap: 12px 20px; align-items: flex-start;
  font-family: var(--jp-ui-font-family, sans-serif); font-size: 16px; color: #222;
  padding: 6px 0; }
.mlp-draw-col { display: flex; flex-direction: column; gap: 6px; }
.mlp-draw-title { font-weight: bold; font-size: 16px; }
.mlp-draw-canvas { border: 2px solid #444; border-radius: 4px; background: #000;
  touch-action: none; cursor: crosshair; display: block; }
.mlp-draw-preview { border: 2px solid #444; border-radius: 4px; image-rendering: pixelated;
  background: #000; display: block; }
.mlp-draw-row { display: flex; gap: 10px; align-items: center; flex-wrap: wrap; }
.mlp-draw button { font-size: 16px; padding: 4px 14px; cursor: pointer; }
.mlp-draw label { display: flex; align-items: center; gap: 4px; cursor: pointer; }
.mlp-draw input[type=radio] { width: 16px; height: 16px; margin: 0; }
.mlp-draw-bars { display: grid; grid-template-columns: repeat(10, 22px); column-gap: 3px;
  grid-template-rows: 18px 96px 20px; align-items: end; justify-items: center;
  font-variant-numeric: tabular-nums; }
.mlp-draw-value { font-size: 13px; color: #444; }
.mlp-draw-bar { width: 100%; height: 100%; background: #eee; border-radius: 2px;
  display: flex; align-items: flex-end; }
.mlp-draw-fill { width: 100%; height: 0; background: #8aa6c8; border-radius: 2px; }
.mlp-draw-bar.mlp-draw-top .mlp-draw-fill { background: #1f5fa8; }
.mlp-draw-top { font-weight: bold; color: #000; }
.mlp-draw-status { flex-basis: 100%; font-size: 16px; min-height: 1.4em; }
`;

function render({ model, el: root }) {
  const size = model.get("canvas_size");
  const factor = model.get("factor");
  const pen = model.get("pen_width");
  const style = el("style");
  style.textContent = STYLE;
  const box = el("div", "mlp-draw");

  // --- the drawing surface and its buttons
  const left = el("div", "mlp-draw-col");
  left.appendChild(el("div", "mlp-draw-title", "Draw a digit"));
  const canvas = el("canvas", "mlp-draw-canvas");
  canvas.width = size;
  canvas.height = size;
  canvas.style.width = `${size}px`;
  canvas.style.height = `${size}px`;
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  ctx.lineCap = "round";
  ctx.lineJoin = "round";
  ctx.lineWidth = pen;
  ctx.strokeStyle = "#fff";
  ctx.fillStyle = "#fff";
  left.appendChild(canvas);
  const buttons = el("div", "mlp-draw-row");
  const clear = el("button", "mlp-draw-clear", "Clear");
  buttons.appendChild(clear);
  const radios = {};
  const group = `mlp-draw-mode-${Math.random().toString(36).slice(2)}`;
  for (const [value, text] of [
    ["preprocessed", "preprocessed"],
    ["raw", "raw"],
  ]) {
    const label = el("label", `mlp-draw-mode-${value}`);
    const radio = el("input");
    radio.type = "radio";
    radio.name = group;
    radio.value = value;
    radio.addEventListener("change", () => {
      if (radio.checked) {
        model.set("mode", value);
        model.save_changes();
      }
    });
    radios[value] = radio;
    label.appendChild(radio);
    label.appendChild(document.createTextNode(text));
    buttons.appendChild(label);
  }
  left.appendChild(buttons);

  // --- what the network sees
  const middle = el("div", "mlp-draw-col");
  const previewTitle = el("div", "mlp-draw-title", "Network input");
  middle.appendChild(previewTitle);
  const preview = el("canvas", "mlp-draw-preview");
  preview.width = 28;
  preview.height = 28;
  const shown = 112; // 4 screen pixels per input pixel
  preview.style.width = `${shown}px`;
  preview.style.height = `${shown}px`;
  middle.appendChild(preview);

  // --- the ten probabilities, one column per digit: percent, bar, digit
  middle.appendChild(el("div", "mlp-draw-title", "Probabilities (%)"));
  const bars = el("div", "mlp-draw-bars");
  const rows = [];
  for (let d = 0; d < 10; d++) {
    const value = el("span", "mlp-draw-value", "");
    const bar = el("div", "mlp-draw-bar");
    const fill = el("div", "mlp-draw-fill");
    bar.appendChild(fill);
    const digit = el("span", "", String(d));
    for (const [node, row] of [
      [value, 1],
      [bar, 2],
      [digit, 3],
    ]) {
      node.style.gridColumn = String(d + 1);
      node.style.gridRow = String(row);
    }
    bars.append(value, bar, digit);
    rows.push({ digit, bar, fill, value });
  }
  middle.appendChild(bars);

  const status = el("div", "mlp-draw-status");
  box.append(left, middle, status);
  root.append(style, box);

  // --- drawing with pointer events (mouse, pen and touch alike)
  let drawing = false;
  let last = null;
  let timer = null;
  let dirty = false;
  let serial = 0;

  function post(payload) {
    serial += 1;
    box.dataset.sent = String(serial);
    model.set("pixels", `${serial}:${payload}`);
    model.save_changes();
  }

  function send() {
    timer = null;
    if (!dirty) return;
    dirty = false;
    const n = Math.floor(size / factor);
    const data = ctx.getImageData(0, 0, n * factor, n * factor).data;
    const out = new Uint8Array(n * n);
    const area = factor * factor;
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        let sum = 0;
        for (let i = 0; i < factor; i++) {
          const row = (r * factor + i) * n * factor;
          for (let j = 0; j < factor; j++) sum += data[4 * (row + c * factor + j) + 3];
        }
        out[r * n + c] = Math.round(sum / area);
      }
    }
    post(encode(out));
  }

  function schedule(now) {
    dirty = true;
    if (now) {
      if (timer !== null) clearTimeout(timer);
      send();
    } else if (timer === null) {
      timer = setTimeout(send, THROTTLE_MS);
    }
  }

  function point(event) {
    const rect = canvas.getBoundingClientRect();
    return [
      ((event.clientX - rect.left) * size) / rect.width,
      ((event.clientY - rect.top) * size) / rect.height,
    ];
  }

  canvas.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    drawing = true;
    last = point(event);
    ctx.beginPath();
    ctx.arc(last[0], last[1], pen / 2, 0, 2 * Math.PI);
    ctx.fill();
    schedule(false);
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!drawing) return;
    event.preventDefault();
    const p = point(event);
    ctx.beginPath();
    ctx.moveTo(last[0], last[1]);
    ctx.lineTo(p[0], p[1]);
    ctx.stroke();
    last = p;
    schedule(false);
  });
  const stop = () => {
    if (!drawing) return;
    drawing = false;
    schedule(true);
  };
  canvas.addEventListener("pointerup", stop);
  canvas.addEventListener("pointercancel", stop);

  clear.addEventListener("click", () => {
    ctx.clearRect(0, 0, size, size);
    dirty = false;
    if (timer !== null) clearTimeout(timer);
    timer = null;
    post("");
  });

  // --- what Python sends back
  const pctx = preview.getContext("2d");
  function showPreview() {
    const bytes = decode(model.get("preview"));
    const img = pctx.createImageData(28, 28);
    let ink = 0;
    for (let i = 0; i < 784; i++) {
      const v = i < bytes.length ? bytes[i] : 0;
      ink += v;
      img.data[4 * i] = img.data[4 * i + 1] = img.data[4 * i + 2] = v;
      img.data[4 * i + 3] = 255;
    }
    pctx.putImageData(img, 0, 0);
    preview.dataset.ink = String(ink);
  }
  function showProbs() {
    const probs = model.get("probs") || [];
    let best = -1;
    probs.forEach((p, d) => {
      if (best < 0 || p > probs[best]) best = d;
    });
    rows.forEach((row, d) => {
      const p = d < probs.length ? probs[d] : 0;
      row.fill.style.height = `${(100 * p).toFixed(1)}%`;
      row.value.textContent = d < probs.length ? String(Math.round(100 * p)) : "";
      const top = d === best;
      for (const node of [row.digit, row.bar, row.value]) {
        node.classList.toggle("mlp-draw-top", top);
      }
    });
    bars.dataset.best = best < 0 ? "" : String(best);
  }
  function showMode() {
    const mode = model.get("mode");
    for (const [value, radio] of Object.entries(radios)) radio.checked = value === mode;
    previewTitle.textContent = mode === "raw" ? "Network input (raw)" : "Network input (preprocessed)";
  }
  function showStatus() {
    status.textContent = model.get("status");
  }
  function showPixels() {
    // Python cleared the drawing (clear() in a notebook cell)
    if (model.get("pixels") === "") ctx.clearRect(0, 0, size, size);
  }
  model.on("change:preview", showPreview);
  model.on("change:probs", showProbs);
  model.on("change:mode", showMode);
  model.on("change:status", showStatus);
  model.on("change:pixels", showPixels);
  model.on("change:done", () => {
    box.dataset.done = String(model.get("done"));
  });
  showPreview();
  showProbs();
  showMode();
  showStatus();
  return () => {
    if (timer !== null) clearTimeout(timer);
  };
}

export default { render };
