/* Quizzes: fill each gap by choosing an option (or typing it), get feedback at once, see the
 * answer and the oracle's evidence, try again. The page carries everything (no fetch): each
 * option's text, and the answer key in [data-key]. Lesson content is never turned into HTML
 * here: nodes are cloned from the page, and typed text is set with textContent.
 */
(function () {
  "use strict";

  const progress = window.StudyProgress;

  // Compare as the oracle does: plain text (a typed backtick is not part of it), space folded.
  function normalise(text) {
    return String(text).replace(/`/g, "").replace(/\s+/g, " ").trim();
  }

  function shuffle(items) {
    const list = items.slice();
    for (let i = list.length - 1; i > 0; i -= 1) {
      const j = Math.floor(Math.random() * (i + 1));
      [list[i], list[j]] = [list[j], list[i]];
    }
    return list;
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  class Quiz {
    constructor(root) {
      this.root = root;
      this.id = root.dataset.card;
      this.modes = (root.dataset.modes || "choose").split(" ");
      this.mode = this.modes[0];
      this.gaps = Array.from(root.querySelectorAll(".quiz-question .gap"));
      this.box = root.querySelector("[data-options]");
      this.options = Array.from(this.box.querySelectorAll(".option"));
      this.expected = Array.from(root.querySelectorAll("[data-key] .key-answer")).map(
        (node) => node.dataset.text,
      );
      this.feedback = root.querySelector("[data-feedback]");
      this.key = root.querySelector("[data-key]");
      this.badge = root.querySelector("[data-badge]");
      this.buttons = {
        check: root.querySelector("[data-check]"),
        clear: root.querySelector("[data-clear]"),
        retry: root.querySelector("[data-retry]"),
      };
      this.modeButtons = Array.from(root.querySelectorAll("[data-mode]"));
      this.bind();
      root.querySelector("[data-controls]").hidden = false;
      root.classList.add("is-ready");
      this.restore();
    }

    bind() {
      for (const option of this.options) {
        option.addEventListener("click", () => this.choose(option));
      }
      for (const button of this.modeButtons) {
        button.addEventListener("click", () => this.switchMode(button.dataset.mode));
      }
      this.buttons.check.addEventListener("click", () => this.checkTyped());
      this.buttons.clear.addEventListener("click", () => this.start(true));
      this.buttons.retry.addEventListener("click", () => this.start(true));
    }

    // A fresh attempt: empty gaps, reshuffled options, no feedback.
    start(focus) {
      this.done = false;
      this.chosen = [];
      this.root.classList.remove("is-right", "is-wrong", "is-answered");
      this.key.hidden = true;
      this.feedback.textContent = "";
      this.buttons.retry.hidden = true;
      this.buttons.clear.hidden = true;
      this.buttons.check.hidden = this.mode !== "type";
      this.box.hidden = this.mode !== "choose";
      for (const option of shuffle(this.options)) {
        this.box.appendChild(option);
        option.removeAttribute("aria-disabled");
        option.classList.remove("is-used", "is-answer", "is-wrong");
      }
      this.gaps.forEach((gap, index) => this.emptyGap(gap, index));
      if (focus) this.focusStart();
    }

    focusStart() {
      const first = this.mode === "type" ? this.inputs()[0] : this.box.querySelector(".option");
      if (first) first.focus();
    }

    label(index) {
      return this.gaps.length > 1 ? "Gap " + (index + 1) + " of " + this.gaps.length : "Gap";
    }

    emptyGap(gap, index) {
      gap.replaceChildren();
      gap.classList.remove("is-filled", "is-right", "is-wrong");
      if (this.mode === "type") {
        const input = element("input", "gap-input");
        input.type = "text";
        input.autocomplete = "off";
        input.spellcheck = false;
        input.setAttribute("autocapitalize", "off");
        input.setAttribute("aria-label", this.label(index));
        input.size = Math.max(6, Math.min(24, (this.expected[index] || "").length + 2));
        input.addEventListener("keydown", (event) => this.typedKey(event, index));
        gap.appendChild(input);
      } else {
        gap.appendChild(element("span", "visually-hidden", this.label(index) + ": empty"));
        gap.appendChild(element("span", "gap-blank"));
      }
    }

    fillGap(gap, index, content, text) {
      gap.replaceChildren();
      gap.classList.add("is-filled");
      gap.appendChild(element("span", "visually-hidden", this.label(index) + ": "));
      const shown = element("span", "gap-fill");
      if (content) {
        for (const child of content.childNodes) shown.appendChild(child.cloneNode(true));
      } else {
        shown.textContent = text;
      }
      gap.appendChild(shown);
    }

    choose(option) {
      if (this.done || this.mode !== "choose" || option.getAttribute("aria-disabled")) return;
      const index = this.chosen.length;
      if (index >= this.gaps.length) return;
      this.chosen.push(option);
      option.setAttribute("aria-disabled", "true");
      option.classList.add("is-used");
      this.fillGap(this.gaps[index], index, option, option.dataset.text);
      if (this.chosen.length === this.gaps.length) {
        this.finish(this.chosen.map((o) => o.dataset.text), true);
      } else {
        this.buttons.clear.hidden = false;
        this.feedback.textContent =
          "Gap " + (index + 1) + ": " + option.dataset.text + ". Now gap " + (index + 2) + ".";
      }
    }

    typedKey(event, index) {
      if (event.key !== "Enter") return;
      event.preventDefault();
      const inputs = this.inputs();
      const next = inputs.find((input, i) => i > index && !input.value.trim());
      if (next) next.focus();
      else this.checkTyped();
    }

    inputs() {
      return this.gaps.map((gap) => gap.querySelector("input")).filter(Boolean);
    }

    checkTyped() {
      if (this.done || this.mode !== "type") return;
      const inputs = this.inputs();
      const empty = inputs.find((input) => !input.value.trim());
      if (empty) {
        this.feedback.textContent = "Fill every gap first.";
        empty.focus();
        return;
      }
      const answer = inputs.map((input) => input.value);
      answer.forEach((text, index) => this.fillGap(this.gaps[index], index, null, text));
      this.finish(answer, true);
    }

    // Judge `answer` (one text per gap), show the result, and record it when it is new.
    finish(answer, fresh) {
      const verdicts = this.gaps.map(
        (_, index) =>
          this.expected[index] !== undefined &&
          normalise(answer[index] || "") === normalise(this.expected[index]),
      );
      const right = verdicts.length > 0 && verdicts.every(Boolean);
      this.done = true;
      this.root.classList.add("is-answered", right ? "is-right" : "is-wrong");
      this.root.classList.remove(right ? "is-wrong" : "is-right");
      this.gaps.forEach((gap, index) => {
        gap.classList.add(verdicts[index] ? "is-right" : "is-wrong");
        const mark = verdicts[index] ? " (right)" : " (wrong)";
        gap.appendChild(element("span", "visually-hidden", mark));
      });
      for (const option of this.options) {
        option.setAttribute("aria-disabled", "true");
        if (option.dataset.gap) option.classList.add("is-answer");
        else if (option.classList.contains("is-used")) option.classList.add("is-wrong");
      }
      const expected = this.expected.join(", ");
      this.feedback.textContent =
        (right ? "Right! The answer is: " : "Not quite. The answer is: ") + expected + ".";
      this.key.hidden = false;
      this.buttons.clear.hidden = true;
      this.buttons.check.hidden = true;
      this.buttons.retry.hidden = false;
      const saved = fresh ? progress.record(this.id, right, answer) : progress.get(this.id);
      this.showBadge(saved);
      if (fresh) this.buttons.retry.focus();
    }

    showBadge(saved) {
      this.badge.className = "quiz-badge";
      if (!saved) {
        this.badge.textContent = "";
        return;
      }
      const tries = saved.tries + (saved.tries === 1 ? " try" : " tries");
      this.badge.textContent = (saved.right ? "✓ Answered right" : "✗ Not right yet") + " · " + tries;
      this.badge.classList.add(saved.right ? "is-right" : "is-wrong");
    }

    switchMode(mode) {
      if (!this.modes.includes(mode)) return;
      this.mode = mode;
      for (const button of this.modeButtons) {
        button.setAttribute("aria-pressed", String(button.dataset.mode === mode));
      }
      this.start(true);
    }

    // Show the latest recorded attempt, as the learner left it.
    restore() {
      this.start(false);
      const saved = progress.get(this.id);
      if (!saved || !Array.isArray(saved.answer) || saved.answer.length !== this.gaps.length) {
        this.showBadge(saved);
        return;
      }
      const free = this.options.slice();
      saved.answer.forEach((text, index) => {
        const match = free.findIndex((o) => normalise(o.dataset.text) === normalise(text));
        const option = this.mode === "choose" && match >= 0 ? free.splice(match, 1)[0] : null;
        if (option) option.classList.add("is-used");
        this.fillGap(this.gaps[index], index, option, text);
      });
      this.finish(saved.answer, false);
      this.feedback.textContent = "";
    }

    // Start over without the recorded attempt on screen (the "test me" draw).
    reset() {
      this.start(false);
      this.showBadge(progress.get(this.id));
    }
  }

  window.StudyQuiz = Quiz;
  for (const root of document.querySelectorAll(".quiz")) {
    root.studyQuiz = new Quiz(root);
  }
})();
