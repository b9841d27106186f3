/* The index's "test me" mode: a handful of revision questions from the whole course, the ones
 * not yet answered right first, each starting afresh. The questions are already on the page.
 */
(function () {
  "use strict";

  const DRAW = 5;
  const button = document.querySelector("[data-test-me]");
  const box = document.querySelector("[data-test-me-questions]");
  const status = document.querySelector("[data-test-me-status]");
  if (!button || !box) return;

  function shuffle(items) {
    const list = items.slice();
    for (let i = list.length - 1; i > 0; i -= 1) {
      const j = Math.floor(Math.random() * (i + 1));
      [list[i], list[j]] = [list[j], list[i]];
    }
    return list;
  }

  function draw() {
    const all = Array.from(box.querySelectorAll(".quiz"));
    const right = (quiz) => window.StudyProgress.isRight(quiz.dataset.card);
    const pool = shuffle(all.filter((q) => !right(q))).concat(shuffle(all.filter(right)));
    const chosen = pool.slice(0, DRAW);
    for (const quiz of all) quiz.hidden = !chosen.includes(quiz);
    for (const quiz of chosen) {
      box.appendChild(quiz); // the drawn order
      if (quiz.studyQuiz) quiz.studyQuiz.reset();
    }
    button.textContent = "Draw other questions";
    const count = chosen.length + " question" + (chosen.length === 1 ? "" : "s");
    if (status) status.textContent = count + " drawn.";
    const title = chosen.length ? chosen[0].querySelector(".quiz-title") : null;
    if (title) title.focus();
  }

  button.hidden = false;
  button.addEventListener("click", draw);
})();
