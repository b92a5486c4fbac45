/* Review queue page. Plain JavaScript, no build step, no dependencies.
 *
 * Safety rule: comment text, article titles, notes and every other value that came from a CMS
 * or a person reach the DOM only through text nodes (el(), textContent), never as markup.
 */
(function () {
  "use strict";

  var body = document.body;
  var page = body.dataset.page;
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var CSRF = csrfMeta ? csrfMeta.getAttribute("content") : "";
  var POLL_MS = parseInt(body.dataset.pollMs || "5000", 10);
  var ME = body.dataset.user || "";
  var ROLE = body.dataset.role || "";

  // ------------------------------------------------------------------ helpers

  function el(tag, attrs) {
    var node = document.createElement(tag);
    var a = attrs || {};
    Object.keys(a).forEach(function (k) {
      var v = a[k];
      if (v === null || v === undefined || v === false) return;
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else if (k === "dataset") Object.keys(v).forEach(function (d) { node.dataset[d] = v[d]; });
      else if (k.slice(0, 2) === "on") node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : String(v));
    });
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined) continue;
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return node;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  function ago(seconds) {
    if (seconds === null || seconds === undefined) return "–";
    var s = Math.max(0, Math.round(seconds));
    if (s < 60) return s + "s";
    if (s < 3600) return Math.floor(s / 60) + "m";
    if (s < 86400) return Math.floor(s / 3600) + "h " + Math.floor((s % 3600) / 60) + "m";
    return Math.floor(s / 86400) + "d " + Math.floor((s % 86400) / 3600) + "h";
  }

  function say(msg, isError) {
    var st = document.getElementById("status");
    if (!st) return;
    st.textContent = msg;
    st.className = "status" + (isError ? " error" : "");
  }

  /* Failed requests stay visible in one banner (role=alert) until the same request works
     again: an error must never look like an empty queue. */
  var problems = {};
  function showProblems() {
    var box = document.getElementById("alert");
    if (!box) return;
    var keys = Object.keys(problems);
    box.hidden = keys.length === 0;
    box.textContent = keys.map(function (k) { return problems[k]; }).join("\n");
  }
  function problem(key, what, e) {
    var why = e && e.status ? "HTTP " + e.status + ": " + e.message : (e ? e.message : "");
    problems[key] = what + (why ? " (" + why + ")" : "") + ". Retrying every " +
                    Math.round(POLL_MS / 1000) + " s.";
    showProblems();
  }
  function recovered(key) { if (problems[key]) { delete problems[key]; showProblems(); } }

  function api(method, path, payload) {
    var opts = { method: method, credentials: "same-origin", headers: { "Accept": "application/json" } };
    if (method !== "GET") opts.headers["X-CSRF-Token"] = CSRF;
    if (payload !== undefined) {
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(payload);
    }
    return fetch(path, opts).catch(function () {
      var err = new Error("the server cannot be reached");
      err.status = 0;
      throw err;
    }).then(function (resp) {
      if (resp.status === 401) { window.location.assign("/review/login"); throw new Error("logged out"); }
      return resp.json().catch(function () { return {}; }).then(function (data) {
        if (!resp.ok) {
          var e = (data && data.error) || {};
          var err = new Error(e.reason || ("HTTP " + resp.status));
          err.status = resp.status; err.code = e.code; err.data = e;
          throw err;
        }
        return data;
      });
    });
  }

  /* The comment exactly as submitted: segments concatenate to the original text; evidence
     pieces become <mark> elements whose only child is a text node. */
  function commentNode(item) {
    var box = el("div", { "class": "comment", "lang": "", "dir": "auto" });
    (item.segments || []).forEach(function (seg) {
      if (seg.categories && seg.categories.length) {
        // words only the model pointed at (they raised its score) look different from rule matches
        var modelOnly = (seg.sources || []).indexOf("rule") < 0 && (seg.sources || []).indexOf("model") >= 0;
        box.appendChild(el("mark", { "class": "ev" + (modelOnly ? " model" : ""),
                                     "title": seg.categories.join(", ") + (modelOnly ? " (raised the model's score)" : ""),
                                     "dataset": { categories: seg.categories.join(" ") } }, seg.text));
      } else {
        box.appendChild(document.createTextNode(seg.text));
      }
    });
    return box;
  }

  function reasonsNode(item) {
    var list = el("ul", { "class": "reasons" });
    var reasons = (item.engine && item.engine.reasons) || [];
    reasons.forEach(function (r) {
      var bits = [el("span", { "class": "chip " + (r.action || ""), text: r.category || "?" }), " "];
      bits.push(r.message || r.rule_id || r.label || "");
      if (r.score !== null && r.score !== undefined) {
        bits.push(" — score " + Number(r.score).toFixed(2) +
                  (r.threshold !== null && r.threshold !== undefined ? " / " + Number(r.threshold).toFixed(2) : ""));
      }
      if (r.source === "model" && (r.evidence || []).length) bits.push(" — words that raised it:");
      (r.evidence || []).forEach(function (e) {
        if ((r.message || "").indexOf(e.text) < 0) bits.push(" ", el("q", { text: e.text }));
      });
      bits.push(" (" + (r.source || "") + (r.rule_id ? ": " + r.rule_id : "") + ")");
      var li = el("li");
      bits.forEach(function (b) { li.appendChild(typeof b === "string" ? document.createTextNode(b) : b); });
      list.appendChild(li);
    });
    if (!reasons.length) list.appendChild(el("li", { text: "no reasons recorded" }));
    return list;
  }

  function scoresNode(item) {
    var box = el("div", { "class": "scores", "aria-label": "model scores" });
    var scores = (item.engine && item.engine.scores) || {};
    var keys = Object.keys(scores).sort(function (a, b) { return scores[b] - scores[a]; });
    keys.forEach(function (k) { box.appendChild(el("span", { text: k + " " + Number(scores[k]).toFixed(2) })); });
    if (!keys.length) box.appendChild(el("span", { text: "no model scores (rules only)" }));
    return box;
  }

  function articleNode(item) {
    var a = item.article;
    if (!a) return el("div", { "class": "article", text: "(no article)" });
    var title = a.title || a.id || "article";
    // the server passes only http(s) URLs; check again before making a link
    if (a.url && /^https?:\/\//i.test(a.url)) {
      return el("div", { "class": "article" },
        el("a", { href: a.url, target: "_blank", rel: "noopener noreferrer", text: title }));
    }
    return el("div", { "class": "article", text: title });
  }

  /* The server suggests a reason only when the evidence names a guideline; otherwise the
     moderator must pick one (a catch-all like "toxicity" would be a misleading default). */
  function reasonSelect(item, id) {
    var sel = el("select", { "class": "reason", "aria-label": "Reason", id: id });
    var suggested = item.suggested_reason || "";
    if (!suggested) sel.appendChild(el("option", { value: "", text: "— choose a reason to reject —" }));
    (item.reason_codes || []).forEach(function (c) {
      var opt = el("option", { value: c.code, text: c.code + (c.description ? " — " + c.description : "") });
      if (c.code === suggested) opt.selected = true;
      sel.appendChild(opt);
    });
    return sel;
  }

  /* Thread and author: what the comment answers, and how this author's comments went. */
  function contextNode(item) {
    var ctx = item.context || {};
    var box = el("div", { "class": "context" });
    var p = ctx.parent;
    if (p && p.known) {
      box.appendChild(el("div", { "class": "parent" },
        el("span", { "class": "label", text: "In reply to " + (p.author_id || "an unnamed author") + ": " }),
        el("q", { dir: "auto", text: p.text || "" }), " ",
        el("span", { "class": "chip " + (p.action || ""), text: p.action || p.status || "?" })));
    } else if (p) {
      box.appendChild(el("div", { "class": "parent", text: "In reply to #" + p.comment_id +
                                  " (that comment was not sent to moderation)" }));
    }
    var a = ctx.author;
    if (a) {
      var line = "Author " + a.author_id + ": " + (a.total
        ? (a.more ? "of the latest " + a.total + " other comments on this site, "
                  : a.total + " other comment" + (a.total > 1 ? "s" : "") + " on this site, ") +
          a.rejected + " rejected, " + a.in_review + " waiting"
        : "first comment on this site");
      var head = el("span", { "class": "label" + (a.rejected ? " warn" : ""), text: line });
      if (!a.recent.length) {
        box.appendChild(el("div", { "class": "author" }, head));
      } else {
        var list = el("ul", { "class": "recent" });
        a.recent.forEach(function (r) {
          list.appendChild(el("li", null,
            el("span", { "class": "chip " + (r.action || "review"), text: r.action || r.status }), " ",
            r.category ? r.category + " " : "",
            r.decided_by ? "by " + r.decided_by + " · " : "",
            ago((Date.now() - new Date(r.received_at).getTime()) / 1000) + " ago · ",
            el("q", { dir: "auto", text: r.text }), " ",
            el("a", { href: "/review/items/" + r.submission_id, text: "history" })));
        });
        box.appendChild(el("details", { "class": "author" }, el("summary", null, head), list));
      }
    }
    return box.childNodes.length ? box : null;
  }

  function metaNode(item, lead) {
    return el("div", { "class": "meta" }, lead || null,
      el("span", { text: item.site_id }),
      el("span", { text: "#" + item.comment_id }),
      el("span", { "class": "age", text: ago(item.age_s) + " ago" }),
      el("span", { "class": "chip review", title: "the engine's verdict",
                   text: "engine: " + ((item.engine && item.engine.action) || item.status) }),
      el("span", { "class": "score", title: "the model's highest score (0 to 1)",
                   text: item.score === null || item.score === undefined ? "no model score"
                     : (item.score_label || "score") + " " + Number(item.score).toFixed(2) }),
      item.author_id ? el("span", { text: "by " + item.author_id }) : null);
  }

  // ------------------------------------------------------------------ queue page

  function QueuePage() {
    this.list = document.getElementById("queue");
    this.items = [];          // [{item, card}]
    this.sel = -1;
    this.claimed = null;      // submission id we hold (or are claiming)
    this.claimPending = Promise.resolve(false);
    this.total = 0;
    this.checked = {};        // bulk selection
    this.busy = false;
  }

  QueuePage.prototype.filters = function () {
    var p = new URLSearchParams();
    var site = document.getElementById("f-site").value;
    var cat = document.getElementById("f-category").value;
    var age = document.getElementById("f-age").value;
    p.set("order", document.getElementById("f-order").value);
    if (site) p.set("site", site);
    if (cat) p.set("category", cat);
    if (age) p.set("min_age_s", age);
    p.set("available", "true");
    return p;
  };

  QueuePage.prototype.load = function (append) {
    var self = this;
    var p = this.filters();
    p.set("limit", "50");
    p.set("offset", append ? String(this.items.length) : "0");
    return api("GET", "/v1/review/queue?" + p.toString()).then(function (data) {
      var keepId = self.current() ? self.current().item.submission_id : null;
      if (!append) { self.items.forEach(function (x) { x.card.remove(); }); self.items = []; }
      var known = {};
      self.items.forEach(function (x) { known[x.item.submission_id] = true; });
      data.items.forEach(function (item) { if (!known[item.submission_id]) self.add(item); });
      self.total = data.total;
      self.afterChange(keepId);
      recovered("queue");
    }).catch(function (e) {
      document.getElementById("empty").hidden = true;  // not "nothing waiting": we do not know
      problem("queue", "Could not load the queue", e);
    });
  };

  /* Poll: drop cards decided elsewhere, append new ones, keep what the moderator is doing. */
  QueuePage.prototype.refresh = function () {
    var self = this;
    var p = this.filters();
    p.set("limit", String(Math.max(50, this.items.length)));
    p.set("offset", "0");
    return api("GET", "/v1/review/queue?" + p.toString()).then(function (data) {
      var keepId = self.current() ? self.current().item.submission_id : null;
      var fresh = {};
      data.items.forEach(function (item) { fresh[item.submission_id] = item; });
      self.items = self.items.filter(function (x) {
        var id = x.item.submission_id;
        if (fresh[id] || id === keepId) return true;
        x.card.remove();
        return false;
      });
      var known = {};
      self.items.forEach(function (x) {
        known[x.item.submission_id] = true;
        var f = fresh[x.item.submission_id];
        if (f) { x.item.age_s = f.age_s; x.card.querySelector(".age").textContent = ago(f.age_s) + " ago"; }
      });
      data.items.forEach(function (item) { if (!known[item.submission_id]) self.add(item); });
      self.total = data.total;
      self.afterChange(keepId);
      recovered("queue");
    }).catch(function (e) {  // keep the cards; say so, and the next poll retries
      problem("queue", self.items.length ? "Could not refresh the queue (the cards shown may be stale)"
                                         : "Could not load the queue", e);
      if (!self.items.length) document.getElementById("empty").hidden = true;
    });
  };

  QueuePage.prototype.add = function (item) {
    var self = this;
    var id = item.submission_id;
    var note = el("input", { type: "text", "class": "note", placeholder: "note (optional)",
                             maxlength: "2000", "aria-label": "Note" });
    var reason = reasonSelect(item, "reason-" + id);
    var check = el("input", { type: "checkbox", "class": "pick", "aria-label": "Select for bulk",
                              onchange: function () { self.toggle(id, check.checked); } });
    var card = el("article", { "class": "card", tabindex: "-1", "data-id": String(id),
                               id: "item-" + id },
      metaNode(item, check), articleNode(item), contextNode(item),
      commentNode(item), reasonsNode(item), scoresNode(item),
      el("div", { "class": "claim", "aria-live": "polite" }),
      el("div", { "class": "actions" },
        el("button", { type: "button", "class": "approve", text: "Approve (a)",
                       onclick: function () { self.select(self.indexOf(id)); self.decide("approve"); } }),
        el("button", { type: "button", "class": "reject", text: "Reject (r)",
                       onclick: function () { self.select(self.indexOf(id)); self.decide("reject"); } }),
        reason, note,
        el("a", { href: "/review/items/" + id, text: "history (h)" })));
    card.addEventListener("click", function (ev) {
      if (ev.target.closest("button, a, input, select")) return;
      self.select(self.indexOf(id));
    });
    this.showClaim(card, item.claim);
    this.items.push({ item: item, card: card });
    this.list.appendChild(card);
  };

  QueuePage.prototype.showClaim = function (card, claim) {
    var box = card.querySelector(".claim");
    if (!claim) { box.textContent = ""; card.classList.remove("held"); return; }
    var until = new Date(claim.lease_until);
    box.textContent = claim.mine ? "claimed by you until " + until.toLocaleTimeString()
                                 : "claimed by " + claim.by + " until " + until.toLocaleTimeString();
    card.classList.toggle("held", !claim.mine);
  };

  QueuePage.prototype.indexOf = function (id) {
    for (var i = 0; i < this.items.length; i++) if (this.items[i].item.submission_id === id) return i;
    return -1;
  };

  QueuePage.prototype.current = function () { return this.items[this.sel] || null; };

  QueuePage.prototype.afterChange = function (keepId) {
    var idx = keepId !== null ? this.indexOf(keepId) : -1;
    if (idx < 0) idx = Math.min(Math.max(this.sel, 0), this.items.length - 1);
    this.sel = -1;
    if (idx >= 0) this.select(idx, true);
    document.getElementById("empty").hidden = this.items.length > 0;
    document.getElementById("more").hidden = this.items.length >= this.total;
  };

  QueuePage.prototype.select = function (idx, quiet) {
    if (idx < 0 || idx >= this.items.length) return;
    if (idx === this.sel) return;
    var prev = this.current();
    if (prev) prev.card.classList.remove("selected");
    this.sel = idx;
    var cur = this.current();
    cur.card.classList.add("selected");
    if (!quiet) { cur.card.focus({ preventScroll: true }); }
    cur.card.scrollIntoView({ block: "nearest" });
    this.claim(cur);
  };

  /* Claim what the moderator looks at; give back what they moved away from. The release waits
     for the claim it undoes, so fast j/k presses never leave a claim behind. */
  QueuePage.prototype.claim = function (entry) {
    var self = this;
    var id = entry.item.submission_id;
    if (this.claimed !== null && this.claimed !== id) {
      var old = this.claimed;
      var oldIdx = this.indexOf(old);
      if (oldIdx >= 0) { this.items[oldIdx].item.claim = null; this.showClaim(this.items[oldIdx].card, null); }
      this.claimPending.then(function (held) {
        if (held && self.claimed !== old) {
          api("POST", "/v1/review/items/" + old + "/release").catch(function () {});
        }
      });
    }
    this.claimed = id;
    this.claimPending = api("POST", "/v1/review/items/" + id + "/claim").then(function (c) {
      entry.item.claim = c;
      if (self.claimed === id) self.showClaim(entry.card, c);
      return true;
    }).catch(function (e) {
      if (self.claimed === id) self.claimed = null;
      if (e.status === 409 && e.data && e.data.holder) {
        entry.item.claim = { by: e.data.holder, lease_until: e.data.lease_until, mine: false };
        self.showClaim(entry.card, entry.item.claim);
      } else if (e.status === 409) {
        self.drop(id);
        say("That comment was already decided.");
      }
      return false;
    });
  };

  QueuePage.prototype.move = function (delta) {
    if (!this.items.length) return;
    var idx = this.sel < 0 ? 0 : Math.min(this.items.length - 1, Math.max(0, this.sel + delta));
    this.select(idx);
  };

  /* Remove decided comments; then select the one that took the first one's place. */
  QueuePage.prototype.drop = function (ids) {
    var self = this;
    var first = -1;
    [].concat(ids).forEach(function (id) {
      var idx = self.indexOf(id);
      if (idx < 0) return;
      if (first < 0 || idx < first) first = idx;
      self.items[idx].card.remove();
      self.items.splice(idx, 1);
      delete self.checked[id];
      if (self.claimed === id) self.claimed = null;
      self.total = Math.max(0, self.total - 1);
    });
    if (first < 0) return;
    this.sel = -1;
    if (this.items.length) this.select(Math.min(first, this.items.length - 1));
    document.getElementById("empty").hidden = this.items.length > 0;
    this.updateBulk();
  };

  QueuePage.prototype.decide = function (action) {
    var self = this;
    var entry = this.current();
    if (!entry || this.busy) return;
    var id = entry.item.submission_id;
    var payload = { action: action };
    var select = entry.card.querySelector("select.reason");
    var reason = select.value;
    var note = entry.card.querySelector("input.note").value.trim();
    if (action === "reject" && !reason) {
      say("Choose a reason to reject #" + entry.item.comment_id + ", then press Reject.", true);
      select.focus();
      return;
    }
    if (reason) payload.reason = reason;
    if (note) payload.note = note;
    this.busy = true;
    entry.card.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
    api("POST", "/v1/review/items/" + id + "/decision", payload).then(function (res) {
      say((action === "approve" ? "Approved" : "Rejected") + " " + entry.item.site_id + " #" +
          entry.item.comment_id + (res.category ? " (" + res.category + ")" : ""));
      self.drop(id);
      stats();
    }).catch(function (e) {
      entry.card.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
      if (e.code === "already_decided") { self.drop(id); }
      say("Not saved: " + e.message, true);
    }).then(function () { self.busy = false; });
  };

  QueuePage.prototype.toggle = function (id, on) {
    if (on) this.checked[id] = true; else delete this.checked[id];
    var idx = this.indexOf(id);
    if (idx >= 0) this.items[idx].card.querySelector("input.pick").checked = !!on;
    this.updateBulk();
  };

  QueuePage.prototype.updateBulk = function () {
    var ids = Object.keys(this.checked);
    var bar = document.getElementById("bulk");
    bar.hidden = ids.length === 0;
    document.getElementById("bulk-count").textContent = String(ids.length);
    var sel = document.getElementById("bulk-reason");
    var codes = {};
    var self = this;
    ids.forEach(function (id) {
      var i = self.indexOf(parseInt(id, 10));
      if (i >= 0) (self.items[i].item.reason_codes || []).forEach(function (c) { codes[c.code] = true; });
    });
    var keep = sel.value;
    clear(sel);
    Object.keys(codes).sort().forEach(function (c) { sel.appendChild(el("option", { value: c, text: c })); });
    if (keep && codes[keep]) sel.value = keep;
  };

  QueuePage.prototype.bulk = function (action) {
    var self = this;
    var ids = Object.keys(this.checked).map(function (x) { return parseInt(x, 10); });
    if (!ids.length) return;
    var payload = { action: action, ids: ids };
    if (action === "reject") payload.reason = document.getElementById("bulk-reason").value;
    api("POST", "/v1/review/decisions/bulk", payload).then(function (res) {
      self.drop(res.results.filter(function (r) {
        return r.ok || (r.error && r.error.code === "already_decided");
      }).map(function (r) { return r.submission_id; }));
      var why = res.results.filter(function (r) { return !r.ok; }).map(function (r) {
        return "#" + r.submission_id + ": " + ((r.error && r.error.reason) || "failed");
      });
      say(res.decided + " decided" + (why.length ? "; not decided: " + why.join("; ") : ""), why.length > 0);
      stats();
    }).catch(function (e) { say("Bulk decision failed: " + e.message, true); });
  };

  QueuePage.prototype.fillFilters = function (st) {
    [["f-site", st.by_site], ["f-category", st.by_category]].forEach(function (pair) {
      var sel = document.getElementById(pair[0]);
      var have = {};
      Array.prototype.forEach.call(sel.options, function (o) { have[o.value] = true; });
      Object.keys(pair[1] || {}).sort().forEach(function (k) {
        if (!have[k] && k !== "none") sel.appendChild(el("option", { value: k, text: k }));
      });
    });
  };

  var queuePage = null;

  function stats() {
    return api("GET", "/v1/review/stats?days=1").then(function (st) {
      document.getElementById("count-size").textContent = String(st.queue_size);
      document.getElementById("count-claimed").textContent = String(st.claimed);
      document.getElementById("count-oldest").textContent = st.oldest_age_s === null ? "–" : ago(st.oldest_age_s);
      document.getElementById("count-mine").textContent = String(st.decided_today_by_me);
      if (queuePage) queuePage.fillFilters(st);
      recovered("stats");
    }).catch(function (e) {
      ["count-size", "count-claimed", "count-oldest", "count-mine"].forEach(function (id) {
        document.getElementById(id).textContent = "?";
      });
      problem("stats", "Could not update the counts", e);
    });
  }

  function typing(ev) {
    var t = ev.target;
    return t && (t.tagName === "INPUT" && t.type !== "checkbox" || t.tagName === "TEXTAREA" ||
                 t.tagName === "SELECT" || t.isContentEditable);
  }

  function startQueue() {
    var q = queuePage = new QueuePage();
    ["f-site", "f-category", "f-age", "f-order"].forEach(function (id) {
      document.getElementById(id).addEventListener("change", function () { q.load(false); });
    });
    document.getElementById("more").addEventListener("click", function () { q.load(true); });
    document.getElementById("bulk-approve").addEventListener("click", function () { q.bulk("approve"); });
    document.getElementById("bulk-reject").addEventListener("click", function () { q.bulk("reject"); });
    document.addEventListener("keydown", function (ev) {
      if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
      if (typing(ev)) {
        if (ev.key === "Escape") ev.target.blur();
        return;
      }
      var cur = q.current();
      switch (ev.key) {
        case "j": q.move(1); break;
        case "k": q.move(-1); break;
        case "a": q.decide("approve"); break;
        case "r": q.decide("reject"); break;
        case "x": if (cur) q.toggle(cur.item.submission_id, !q.checked[cur.item.submission_id]); break;
        case "h": if (cur) window.location.assign("/review/items/" + cur.item.submission_id); break;
        case ".": q.load(false); stats(); break;
        default: return;
      }
      ev.preventDefault();
    });
    q.load(false);
    stats();
    window.setInterval(function () { if (!document.hidden) { stats(); q.refresh(); } }, POLL_MS);
  }

  // ------------------------------------------------------------------ history page

  function startHistory() {
    var id = body.dataset.submissionId;
    function load() {
      return api("GET", "/v1/review/items/" + id + "/history").then(function (h) {
        var item = h.item;
        var box = document.getElementById("item");
        clear(box);
        var final = item.final
          ? el("p", { "class": "final", text: "Decision in force: " + item.final.action +
                      (item.final.category ? " (" + item.final.category + ")" : "") + " by " +
                      (item.final.by || "?") + (item.final.note ? " — " + item.final.note : "") })
          : el("p", { "class": "final", text: "Status: " + item.status });
        box.appendChild(el("article", { "class": "card" }, metaNode(item), articleNode(item),
          contextNode(item), commentNode(item), reasonsNode(item), scoresNode(item), final));
        var tl = document.getElementById("timeline");
        clear(tl);
        h.timeline.forEach(function (ev) {
          tl.appendChild(el("li", { "data-event": ev.event },
            el("time", { datetime: ev.at, text: new Date(ev.at).toLocaleString() }),
            el("span", { "class": "chip", text: ev.event }), " ", ev.summary));
        });
        var ov = document.getElementById("overturn");
        if (ov) {
          ov.hidden = item.status !== "decided";
          var sel = document.getElementById("ov-reason");
          clear(sel);
          sel.appendChild(el("option", { value: "", text: "(none)" }));
          (item.reason_codes || []).forEach(function (c) { sel.appendChild(el("option", { value: c.code, text: c.code })); });
        }
        recovered("item");
      }).catch(function (e) { problem("item", "Could not load this comment", e); });
    }
    var form = document.getElementById("overturn-form");
    if (form) {
      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        var payload = { action: document.getElementById("ov-action").value,
                        note: document.getElementById("ov-note").value };
        var reason = document.getElementById("ov-reason").value;
        if (reason) payload.reason = reason;
        api("POST", "/v1/review/items/" + id + "/overturn", payload).then(function () {
          say("Overturned; the CMS is being told.");
          document.getElementById("ov-note").value = "";
          load();
        }).catch(function (e) { say("Not overturned: " + e.message, true); });
      });
    }
    load();
    stats();
    window.setInterval(function () { if (!document.hidden) stats(); }, POLL_MS);
  }

  if (page === "queue") startQueue();
  else if (page === "history") startHistory();
  void ME; void ROLE;
})();
