/*!
 * playbookgen: Polish for the theme's search, in the shape of a lunr-languages plugin (lunr.pl).
 * Material for MkDocs' search worker loads it as lunr/min/lunr.pl.min.js when the search index says
 * lang ["pl"]; engines/search_language.py puts both into the built site. MIT, like playbookgen.
 */
/* A light stemmer: one longest inflectional ending is cut off (cases, plurals, verb forms, the
   -anie/-enie nouns), then the stem's last letters are folded so that alternating forms meet
   (kliencie -> klient, zastrzeżeń -> zastrzeżen, zespół -> zespol). The index holds each word and
   its stem, and the query goes through the same function: in the clause patch below
   (the theme adds a trailing wildcard to each query word, and lunr runs no pipeline on a wildcard
   term, so without the patch a query word would never be stemmed). */
(function (root) {
  "use strict"

  var MIN_STEM = 3
  // Endings that are as often the end of a noun (dział, działy, program): cut only off a longer word.
  var LONGER_STEM = { "ał": 4, "ały": 4, "am": 4, "ałem": 4, "ałam": 4 }
  // Endings, longest first (ties in the order written). Nouns and adjectives, then verbs.
  var ENDINGS = [
    "owaniami", "owaniach", "owaniem", "owaniom", "owania", "owanie", "owaniu", "owań",
    "eniami", "eniach", "aniami", "aniach", "eniem", "eniom", "aniem", "aniom",
    "enia", "enie", "eniu", "ania", "anie", "aniu", "eń", "ań",
    "owymi", "owego", "owemu", "owych", "owym", "owej", "owy", "owa", "owe", "ową",
    "iami", "iach", "iego", "iemu", "owie", "owi", "ami", "ach", "ego", "emu", "ych", "ymi", "ich", "imi",
    "iów", "ium", "iem", "iom", "ów", "om", "em", "ej", "ym", "im", "mi",
    "ia", "ie", "ii", "io", "iu", "ią", "ię",
    "ować", "ował", "owała", "owało", "owali", "owały", "owana", "owane", "owany",
    "ujesz", "ujemy", "ujecie", "ując", "ujcie", "ujmy", "uje", "uję", "ują", "uj",
    "ając", "ają", "ała", "ało", "ali", "ać", "aj", "eją", "eć", "iła", "iło", "ili", "iły", "ić", "ił",
    "amy", "emy", "imy", "ymy", "asz", "esz", "isz", "ysz", "ały", "am", "ał",
    "owałem", "owałam", "owaliśmy", "ałem", "ałam", "aliśmy", "iłem", "iłam", "iliśmy", "yłem", "yłam", "yliśmy",
    "yła", "yło", "yli", "yły", "yć", "ył", "ąć",
    "a", "e", "i", "o", "u", "y", "ą", "ę"
  ]
  ENDINGS = ENDINGS.map(function (ending, order) { return [ending, order] })
    .sort(function (a, b) { return b[0].length - a[0].length || a[1] - b[1] })
    .map(function (pair) { return pair[0] })

  // The stem's last letters, folded so that forms of one word meet: [ending, replacement], first match.
  var FOLDS = [
    ["iec", "t"], ["ek", "k"], ["śc", "st"], ["ść", "st"], ["ć", "t"], ["c", "t"], ["dz", "d"],
    ["rz", "r"], ["ń", "n"], ["ś", "s"], ["ź", "z"]
  ]

  function fold(word) {  // ó and ł alternate with o and l inside a word's forms (zespół, zespole)
    return word.replace(/ó/g, "o").replace(/ł/g, "l")
  }

  // What the index holds for a word: the word itself (ó and ł folded) and its stem. A query word is
  // stemmed and matched as a prefix (the theme's wildcard), so it finds a word whose stem, or
  // whose own letters, start with the query's stem: a stem cut a little short still finds.
  function indexForms(word) {
    var stemmed = stem(word)
    word = fold(word.toLowerCase())
    return stemmed === word ? [word] : [word, stemmed]
  }

  function stem(word) {
    word = word.toLowerCase()
    var apostrophe = word.search(/['’]/)
    if (apostrophe > 0) return word.slice(0, apostrophe)  // pipeline'u, pipeline'em: a foreign word, inflected
    if (word.length <= MIN_STEM || /[0-9]/.test(word)) return word
    for (var i = 0; i < ENDINGS.length; i++) {
      var ending = ENDINGS[i]
      if (word.length - ending.length >= (LONGER_STEM[ending] || MIN_STEM) && word.slice(-ending.length) === ending) {
        word = word.slice(0, -ending.length)
        break
      }
    }
    word = fold(word)
    for (var j = 0; j < FOLDS.length; j++) {
      var rule = FOLDS[j]
      if (word.length - rule[0].length + rule[1].length >= MIN_STEM && word.slice(-rule[0].length) === rule[0]) {
        return word.slice(0, -rule[0].length) + rule[1]
      }
    }
    return word
  }

  if (typeof module === "object" && module.exports) {  // node, for playbookgen's tests
    module.exports = { stem: stem, indexForms: indexForms }
    return
  }

  var lunr = root.lunr
  if (!lunr || !lunr.Pipeline || !lunr.Query || typeof lunr.Query.prototype.clause !== "function")
    throw new Error("playbookgen lunr.pl: lunr, lunr.Pipeline or lunr.Query.prototype.clause is missing " +
                    "(engines/material_internals.py, search-stemmer)")

  lunr.pl = function () {
    this.pipeline.reset()
    this.pipeline.add(lunr.pl.trimmer, lunr.pl.stemmer)
    if (this.searchPipeline) {
      this.searchPipeline.reset()
      this.searchPipeline.add(lunr.pl.queryStemmer)
    }
  }
  lunr.pl.trimmer = function (token) {
    return token.update(function (text) {
      return text.replace(/^[^0-9A-Za-zÀ-ÖØ-öø-ž]+|[^0-9A-Za-zÀ-ÖØ-öø-ž]+$/g, "")
    })
  }
  lunr.Pipeline.registerFunction(lunr.pl.trimmer, "trimmer-pl")
  lunr.pl.stemmer = function (token) {  // the index's; a token the trimmer emptied is dropped
    if (!token.toString()) return null
    return indexForms(token.toString()).map(function (form) {
      return token.clone(function () { return form })
    })
  }
  lunr.Pipeline.registerFunction(lunr.pl.stemmer, "stemmer-pl")
  lunr.pl.queryStemmer = function (token) {  // a query word without a wildcard (quoted, +, -, ~)
    return token.update(stem)
  }
  lunr.Pipeline.registerFunction(lunr.pl.queryStemmer, "query-stemmer-pl")
  lunr.pl.stem = stem

  // A query word with a trailing wildcard only (what the theme makes of every word typed) is
  // stemmed before lunr expands it: "zastrzeżeń*" looks for "zastrzeżen*".
  var clause = lunr.Query.prototype.clause
  lunr.Query.prototype.clause = function (spec) {
    var found = /^([^*]+)\*$/.exec(spec.term || "")
    if (found && !("wildcard" in spec && spec.wildcard & lunr.Query.wildcard.LEADING))
      spec.term = stem(found[1]) + "*"
    return clause.call(this, spec)
  }
})(typeof self !== "undefined" ? self : this)
