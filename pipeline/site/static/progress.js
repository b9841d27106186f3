/* Progress: what the learner answered, kept in localStorage (works from file:// too).
 *
 * One JSON record per browser: { version, cards: { <card id>: { right, tries, answer, at } } }.
 * `right` is the outcome of the latest attempt. Pages show it in every [data-progress] element.
 */
(function () {
  "use strict";

  const KEY = "enki-pipeline.site.progress";
  const VERSION = 1;
  const EVENT = "study:progress";

  function empty() {
    return { version: VERSION, cards: {} };
  }

  function load() {
    try {
      const data = JSON.parse(window.localStorage.getItem(KEY) || "null");
      if (data && data.version === VERSION && data.cards && typeof data.cards === "object") {
        return data;
      }
    } catch (error) {
      // Storage disabled or a damaged record: start afresh rather than break the page.
    }
    return empty();
  }

  function save(data) {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(data));
    } catch (error) {
      // Private mode or a full disk: the quiz still works, it just forgets.
    }
  }

  function get(id) {
    const card = load().cards[id];
    return card && typeof card === "object" ? card : null;
  }

  function record(id, right, answer) {
    const data = load();
    const before = data.cards[id] || { tries: 0 };
    data.cards[id] = {
      right: Boolean(right),
      tries: (Number(before.tries) || 0) + 1,
      answer: answer.map(String),
      at: new Date().toISOString(),
    };
    save(data);
    document.dispatchEvent(new CustomEvent(EVENT));
    return data.cards[id];
  }

  function isRight(id) {
    const card = get(id);
    return Boolean(card && card.right);
  }

  function show() {
    const cards = load().cards;
    for (const element of document.querySelectorAll("[data-progress]")) {
      let ids = [];
      try {
        ids = JSON.parse(element.dataset.cards || "[]");
      } catch (error) {
        ids = [];
      }
      const right = ids.filter((id) => cards[id] && cards[id].right).length;
      const bar = element.querySelector("progress");
      const text = element.querySelector("[data-progress-text]");
      if (bar) bar.value = right;
      if (text) text.textContent = right + " of " + ids.length + " answered right";
      element.classList.toggle("is-complete", ids.length > 0 && right === ids.length);
      element.classList.toggle("is-started", right > 0);
    }
  }

  window.StudyProgress = { get, record, isRight, show, EVENT };

  document.addEventListener(EVENT, show);
  window.addEventListener("storage", (event) => {
    if (event.key === KEY) show();
  });
  // A page restored from the back/forward cache shows what other pages recorded meanwhile.
  window.addEventListener("pageshow", show);
  show();
})();
