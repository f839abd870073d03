// Self-checks (jupyterquiz) made accessible without forking it: each answer box gets a real label,
// paste is allowed, and every feedback is announced through a polite live region.
(function () {
  "use strict";

  function enhanceInput(input) {
    if (input.dataset.courseQuiz) return;
    input.dataset.courseQuiz = "1";
    var wrap = input.closest(".Quiz");
    var label = input.parentElement.querySelector("label.InpLabel");
    var question = wrap && wrap.querySelector("[id^='quizQn']");
    if (label) {
      label.htmlFor = input.id;
      label.textContent = "Your answer (press Enter to check):";
    }
    if (question) input.setAttribute("aria-describedby", question.id);
    input.setAttribute("autocomplete", "off");
    input.onpaste = null;
    // jupyterquiz's precision is a count of significant digits; 0 would make its check throw (toPrecision(0)).
    if ("precision" in input.dataset && !(Number(input.dataset.precision) >= 1)) delete input.dataset.precision;
  }

  function enhanceFeedback(feedback) {
    if (feedback.dataset.courseQuiz) return;
    feedback.dataset.courseQuiz = "1";
    var live = document.createElement("div");
    live.className = "quiz-live";
    live.setAttribute("role", "status");
    live.setAttribute("aria-live", "polite");
    feedback.parentElement.insertBefore(live, feedback.nextSibling);
    new MutationObserver(function () {
      var text = feedback.textContent.trim();
      var verdict = feedback.classList.contains("correct") ? "Correct. " : feedback.classList.contains("incorrect") ? "Not yet. " : "";
      live.textContent = text ? verdict + text : "";
    }).observe(feedback, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ["class", "style"] });
  }

  function enhance(root) {
    root.querySelectorAll(".Quiz input.Input-text").forEach(enhanceInput);
    root.querySelectorAll(".Quiz .Feedback").forEach(enhanceFeedback);
  }

  function init() {
    enhance(document);
    // jupyterquiz draws its questions after the page loads: enhance them as they appear.
    new MutationObserver(function (records) {
      records.forEach(function (record) {
        record.addedNodes.forEach(function (node) { if (node.nodeType === 1) enhance(node); });
      });
    }).observe(document.body, { childList: true, subtree: true });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
