/*!
 * playbookgen: English for the theme's search, in the shape of a lunr-languages plugin (lunr["en-stem"]).
 * Material for MkDocs' search worker loads it as lunr/min/lunr.en-stem.min.js when the search index says
 * lang ["en-stem"]; engines/search_language.py puts both into the built site. MIT, like playbookgen.
 */
/* For English the theme drops lunr's stemmer from the index and adds a trailing wildcard to each query
   word, for which lunr runs no pipeline: "objections" then looks for words starting with "objections"
   and misses the page that says "objection". Here the index holds each word and its stem, by lunr's
   own English stemmer (lunr.stemmer, the Porter stemmer in the theme's lunr), and the query's words go
   through the same function, in the clause patch below: one stemmer, on both sides. */
(function (root) {
  "use strict"

  var lunr = root.lunr
  if (!lunr || !lunr.Pipeline || !lunr.Token || typeof lunr.stemmer !== "function" ||
      typeof lunr.stopWordFilter !== "function" || !lunr.Query ||
      typeof lunr.Query.prototype.clause !== "function")
    throw new Error("playbookgen lunr.en-stem: lunr.stemmer, lunr.stopWordFilter, lunr.Token or " +
                    "lunr.Query.prototype.clause is missing (engines/material_internals.py, search-stemmer)")

  function stem(word) {  // lunr's English stemmer, on a word rather than a token
    return lunr.stemmer(new lunr.Token(word, {})).toString()
  }

  var english = lunr["en-stem"] = function () {
    this.pipeline.reset()
    this.pipeline.add(english.trimmer, english.stopWordFilter, english.stemmer)
    if (this.searchPipeline) {
      this.searchPipeline.reset()
      this.searchPipeline.add(english.queryStemmer)
    }
  }
  // The names the theme removes from the pipelines when its config.pipeline does not list them.
  english.trimmer = lunr.trimmer
  english.stopWordFilter = lunr.stopWordFilter
  // The index's: the token as the theme has it, and the stem of its word when that differs. The theme's
  // English splits text at spaces and hyphens only and drops lunr's trimmer, so a token can hold the
  // punctuation beside it ("closing.", "{solution}:"): the token stays as it is (the theme's prefix
  // search still finds what it found), its stem is of the word without it (lunr's trimmer, as a function).
  english.stemmer = function (token) {
    var word = token.toString()
    var trimmed = word.replace(/^\W+/, "").replace(/\W+$/, "")
    var stemmed = trimmed ? stem(trimmed) : word
    return stemmed === word ? token : [token, token.clone(function () { return stemmed })]
  }
  lunr.Pipeline.registerFunction(english.stemmer, "stemmer-en-stem")
  english.queryStemmer = lunr.stemmer  // a query word without a wildcard (quoted, +, -, ~)
  english.stem = stem

  // A query word with a trailing wildcard only (what the theme makes of every word typed) is stemmed
  // before lunr expands it: "objections*" looks for "object*". Where the stem is not the start of the
  // word ("companies" -> "compani"), the word itself is looked for too, so that nothing the theme's own
  // prefix search found is lost ("fly*" still finds "flyer").
  var clause = lunr.Query.prototype.clause
  lunr.Query.prototype.clause = function (spec) {
    var found = /^([^*]+)\*$/.exec(spec.term || "")
    if (!found || ("wildcard" in spec && spec.wildcard & lunr.Query.wildcard.LEADING))
      return clause.call(this, spec)
    var word = found[1]
    var stemmed = stem(word)
    var optional = spec.presence === undefined || spec.presence === lunr.Query.presence.OPTIONAL
    if (stemmed !== word && word.indexOf(stemmed) !== 0 && optional) {
      var original = {}
      for (var key in spec) if (Object.prototype.hasOwnProperty.call(spec, key)) original[key] = spec[key]
      clause.call(this, original)
    }
    spec.term = stemmed + "*"
    return clause.call(this, spec)
  }
})(typeof self !== "undefined" ? self : this)
