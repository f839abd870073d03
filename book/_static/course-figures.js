// Course figures on the static site: native controls swap in pictures drawn when the book was built.
// One control moves at a time (the others return to their starting values); the frames' index and
// pictures are fetched only when the reader first uses a control.
(function () {
  "use strict";

  function setup(group) {
    var figure = group.closest("figure");
    var img = figure.querySelector(".course-figure-frame img");
    var caption = figure.querySelector(".course-figure-description");
    var fields = Array.prototype.slice.call(group.querySelectorAll("input, select"));
    var start = { src: img.getAttribute("src"), alt: img.getAttribute("alt") };
    var index = null;

    function readout(field) {
      if (field.type !== "range") return;
      var labels = JSON.parse(field.dataset.labels);
      var text = labels[Number(field.value)];
      field.setAttribute("aria-valuetext", text);
      var output = group.querySelector("output[for='" + field.id + "']");
      if (output) output.textContent = text;
    }

    function load() {
      if (!index) {
        index = fetch(group.dataset.frames).then(function (response) {
          if (!response.ok) throw new Error("frames not found: " + response.status);
          return response.json();
        });
      }
      return index;
    }

    function show(frame) {
      if (frame.error) {
        caption.textContent = frame.error;
        return;
      }
      img.src = frame.src ? group.dataset.base + frame.src : start.src;
      img.alt = frame.alt;
      caption.textContent = frame.alt;
    }

    function moved(field) {
      fields.forEach(function (other) {
        if (other !== field) {
          other.value = other.dataset.default;
          readout(other);
        }
      });
      readout(field);
      var position = Number(field.value);
      load().then(function (frames) {
        show(frames[field.name][position]);
      }).catch(function (error) {
        caption.textContent = "This picture could not be loaded (" + error.message + ").";
      });
    }

    fields.forEach(function (field) {
      field.addEventListener(field.type === "range" ? "input" : "change", function () { moved(field); });
    });
    group.querySelector(".course-figure-reset").addEventListener("click", function () {
      fields.forEach(function (field) { field.value = field.dataset.default; readout(field); });
      show({ src: null, alt: start.alt });
      img.src = start.src;
    });
    group.hidden = false;
  }

  function init() {
    document.querySelectorAll(".course-figure-controls").forEach(setup);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
