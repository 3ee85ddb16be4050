/* playbookgen: checklists that remember ticks. Each list the page marks with data-pb-ticks keeps
   the texts of its ticked items in this browser's localStorage (per page and list), puts them back
   on the next visit, and gets a button that clears them. Nothing is sent anywhere; without
   JavaScript, or where the browser refuses storage, the page stays as it was. */
(function () {
  "use strict"
  var PREFIX = "playbookgen:ticks:"
  var started = false

  function storage() {
    try {
      var store = window.localStorage
      store.getItem(PREFIX)
      return store
    } catch (error) {
      return null
    }
  }

  function itemText(box) {
    var item = box.closest("li")
    return (item ? item.textContent : "").replace(/\s+/g, " ").trim()
  }

  function remember(list, store) {
    var key = PREFIX + window.location.pathname + "#" + list.getAttribute("data-pb-ticks")
    var boxes = Array.prototype.slice.call(list.querySelectorAll("li.task-list-item input[type=checkbox]"))
    var saved = []
    try {
      saved = JSON.parse(store.getItem(key) || "[]")
    } catch (error) {
      saved = []
    }
    boxes.forEach(function (box) {
      if (saved.indexOf(itemText(box)) >= 0) box.checked = true
    })
    list.addEventListener("change", function () {
      var ticked = boxes.filter(function (box) { return box.checked }).map(itemText)
      try {
        if (ticked.length) store.setItem(key, JSON.stringify(ticked))
        else store.removeItem(key)
      } catch (error) { /* storage full or refused: the ticks last until the page is left */ }
    })
    var clear = document.createElement("button")
    clear.type = "button"
    clear.className = "md-button pb-ticks-clear"
    clear.textContent = list.getAttribute("data-pb-clear") || "Clear"
    clear.title = list.getAttribute("data-pb-note") || ""
    clear.addEventListener("click", function () {
      boxes.forEach(function (box) { box.checked = false })
      store.removeItem(key)
    })
    list.appendChild(clear)
  }

  function start() {
    if (started) return
    started = true
    var store = storage()
    if (!store) return
    Array.prototype.forEach.call(document.querySelectorAll("[data-pb-ticks]"), function (list) {
      remember(list, store)
    })
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start, { once: true })
  else start()
})()
