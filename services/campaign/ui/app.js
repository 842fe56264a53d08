// The adserve playground: forms that call the platform's APIs and render their answers.
// /ui/config.json gives each capability's base path (the campaign itself, the others through
// /ui/api/<capability>) and the schema examples the forms start from.
"use strict";

let config = null;

const $ = (selector, root = document) => root.querySelector(selector);
const list = (text) => (text || "").split(",").map((s) => s.trim()).filter(Boolean);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

async function call(capability, route, body) {
  const headers = { "Content-Type": "application/json" };
  const key = $("#api-key").value.trim();
  if (key) headers["X-API-Key"] = key;
  const response = await fetch(config.capabilities[capability].base + route, {
    method: "POST",
    headers,
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let data;
  try {
    data = JSON.parse(text);
  } catch {
    data = { error: "not_json", detail: text.slice(0, 300) };
  }
  if (!response.ok) {
    const message = data && data.detail ? `${data.error || response.status}: ${data.detail}` : `HTTP ${response.status}`;
    throw new Error(message);
  }
  return data;
}

// Runs one form: shows a busy state, renders the answer or the server's error, and the request sent.
function wire(formId, resultId, build, render) {
  const form = $(formId);
  const result = $(resultId);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = $("button", form);
    button.disabled = true;
    result.className = "result busy";
    result.replaceChildren(el("p", {}, "working…"));
    let request = null;
    try {
      request = await build(new FormData(form));
      const answer = await call(request.capability, request.route, request.body);
      result.className = "result ok";
      result.replaceChildren(render(answer), sent(request));
    } catch (error) {
      result.className = "result error";
      result.replaceChildren(el("p", { class: "message" }, error.message), request ? sent(request) : "");
    } finally {
      button.disabled = false;
    }
  });
}

function sent(request) {
  const shown = JSON.stringify(request.body, (k, v) => (typeof v === "string" && v.length > 120 ? v.slice(0, 60) + "…" : v), 1);
  return el("details", {}, el("summary", {}, `POST ${request.route}`), el("pre", {}, shown));
}

function itemsTable(items) {
  return el(
    "table",
    { class: "items" },
    el("tr", {}, el("th", {}, "item"), el("th", {}, "title"), el("th", {}, "score")),
    items.map((it) => el("tr", {}, el("td", {}, it.item_id), el("td", {}, it.title), el("td", {}, it.score.toFixed(3)))),
  );
}

function violations(found) {
  if (!found || !found.length) return el("p", { class: "clean" }, "compliance: nothing found");
  return el("p", { class: "warn" }, "compliance: " + found.map((v) => v.kind || v.rule || JSON.stringify(v)).join(", "));
}

function audience(data, customerRequired) {
  const customer = (data.get("customer_id") || "").trim();
  if (customer && (customerRequired || data.get("audience") !== "profile")) return { customer_id: customer };
  return { profile: { country: (data.get("country") || "").trim() || null, recent_item_ids: list(data.get("recent_item_ids")) } };
}

function setupRecommend() {
  wire(
    "#recommend-form",
    "#recommend-result",
    (data) => {
      const k = Number(data.get("k")) || 5;
      const who = audience(data, false);
      if (who.customer_id) return { capability: "recommend", route: "/recommend", body: { requests: [{ customer_id: who.customer_id, k }] } };
      return { capability: "recommend", route: "/recommend_for_profile", body: { requests: [{ ...who.profile, k }] } };
    },
    (answer) => el("div", {}, el("p", { class: "meta" }, `for ${answer[0].key} · model ${answer[0].model_version}`), itemsTable(answer[0].items)),
  );
}

function setupCampaign() {
  wire(
    "#campaign-form",
    "#campaign-result",
    (data) => {
      const who = audience(data, true);
      const body = { ...who, k: Number(data.get("k")) || 2, formats: [data.get("format")], language: data.get("language") };
      return { capability: "campaign", route: "/campaign", body };
    },
    (answer) =>
      el(
        "div",
        {},
        el("p", { class: "meta" }, `campaign ${answer.campaign_id} · ${answer.audience}` + (answer.degraded.length ? ` · degraded: ${answer.degraded.join(", ")}` : "")),
        answer.items.map((item) =>
          el(
            "article",
            { class: "campaign-item" },
            el("h3", {}, `${item.rank}. ${item.title}`),
            el("p", { class: "meta" }, `${item.item_id} · ${item.catalog_title} · variant ${item.variant} · copy ${item.copy_source}`),
            item.description ? el("p", {}, item.description) : null,
            item.banners.map((b) => el("img", { class: "banner", alt: `banner ${b.format}`, src: `data:${b.content_type};base64,${b.data_base64}` })),
          ),
        ),
      ),
  );
}

function setupDescription() {
  wire(
    "#description-form",
    "#description-result",
    (data) => {
      const attributes = {};
      for (const name of ["title", "brand", "colour", "material"]) {
        const value = (data.get(name) || "").trim();
        if (value) attributes[name] = value;
      }
      const category = list(data.get("category"));
      if (category.length) attributes.category = category;
      return { capability: "text", route: "/generate_description", body: { items: [{ attributes, tone: data.get("tone") }] } };
    },
    (answer) => el("div", {}, el("h3", { class: "title" }, answer[0].title), el("p", { class: "description" }, answer[0].description), violations(answer[0].violations)),
  );
}

function setupReviews() {
  wire(
    "#reviews-form",
    "#reviews-result",
    (data) => {
      const reviews = (data.get("reviews") || "").split("\n").map((t) => t.trim()).filter(Boolean).map((text) => ({ text }));
      return { capability: "text", route: "/summarize_reviews", body: { products: [{ reviews, method: data.get("method") }] } };
    },
    (answer) => {
      const s = answer[0];
      const bullets = (title, refs) => el("div", { class: "col" }, el("h4", {}, title), el("ul", {}, refs.length ? refs.map((r) => el("li", {}, r.text)) : el("li", { class: "meta" }, "none")));
      return el("div", {}, el("p", { class: "summary" }, s.summary), el("div", { class: "cols" }, bullets("pros", s.pros), bullets("cons", s.cons)), el("p", { class: "meta" }, `${s.n_reviews} reviews · ${s.method}`));
    },
  );
}

function readBase64(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ""));
    reader.onerror = () => reject(new Error("could not read the file"));
    reader.readAsDataURL(file);
  });
}

function setupClassify() {
  wire(
    "#classify-form",
    "#classify-result",
    async (data) => {
      const file = data.get("image");
      if (!file || !file.size) throw new Error("choose an image file first");
      const image = await readBase64(file);
      return { capability: "vision", route: "/classify", body: { images: [{ image, top_k: Number(data.get("top_k")) || 3 }] } };
    },
    (answer) =>
      el(
        "div",
        {},
        el("ol", { class: "labels" }, answer[0].labels.map((l) => el("li", {}, el("span", { class: "label" }, l.label), el("span", { class: "bar", style: `width:${Math.round(l.score * 200)}px` }), el("span", { class: "score" }, l.score.toFixed(3))))),
        el("p", { class: "meta" }, `model ${answer[0].model}`),
      ),
  );
}

// Fills the forms from the schema examples (the same ones /docs shows).
function prefill() {
  const ex = config.examples;
  const set = (form, name, value) => {
    const input = $(`${form} [name="${name}"]`);
    if (input && value !== undefined && value !== null) input.value = Array.isArray(value) ? value.join(", ") : value;
  };
  set("#recommend-form", "customer_id", ex.recommend && ex.recommend.customer_id);
  set("#recommend-form", "k", ex.recommend && ex.recommend.k);
  const profile = ex.recommend_for_profile || {};
  for (const form of ["#recommend-form", "#campaign-form"]) {
    set(form, "country", profile.country);
    set(form, "recent_item_ids", profile.recent_item_ids);
  }
  set("#campaign-form", "k", ex.campaign && ex.campaign.k);
  const attributes = (ex.generate_description && ex.generate_description.attributes) || {};
  for (const name of ["title", "brand", "category", "colour", "material"]) set("#description-form", name, attributes[name]);
  set("#description-form", "tone", ex.generate_description && ex.generate_description.tone);
  const reviews = (ex.summarize_reviews && ex.summarize_reviews.reviews) || [];
  set("#reviews-form", "reviews", reviews.map((r) => r.text).join("\n"));
}

async function start() {
  const response = await fetch("/ui/config.json");
  config = await response.json();
  prefill();
  setupRecommend();
  setupCampaign();
  setupDescription();
  setupReviews();
  setupClassify();
  document.body.dataset.ready = "true";
}

start().catch((error) => {
  document.body.prepend(el("p", { class: "result error" }, `the playground could not start: ${error.message}`));
});
