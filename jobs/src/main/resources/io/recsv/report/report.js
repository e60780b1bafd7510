// Draws the run's report from the JSON inlined above (recsv-report/1). Every chart is a uPlot; the page counts
// the charts it drew (body data-charts) and any script error (body data-errors), which the browser test reads.
(function () {
  'use strict';
  var errors = 0;
  window.addEventListener('error', function () { errors++; document.body.dataset.errors = String(errors); });

  var R = JSON.parse(document.getElementById('report-data').textContent);
  var root = document.getElementById('report');
  var charts = 0;
  var expected = 0;

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  function add(parent, tag, attrs, text) { var e = el(tag, attrs, text); parent.appendChild(e); return e; }
  function num(v) { return v === null || v === undefined ? '-' : Number(v).toLocaleString('en-US'); }
  function pct(v) { return (100 * v).toFixed(v < 0.001 && v > 0 ? 3 : 1) + '%'; }
  function short(v) {
    var a = Math.abs(v);
    return a >= 1e9 ? (v / 1e9).toFixed(1) + 'G' : a >= 1e6 ? (v / 1e6).toFixed(1) + 'M'
      : a >= 1e4 ? (v / 1e3).toFixed(0) + 'k' : String(Math.round(v * 1000) / 1000);
  }
  function binLabel(b, scale) {
    if (scale === 'powers of two') { return b.from === b.to ? String(b.from) : short(b.from) + '-' + short(b.to); }
    return b.from.toFixed(2);
  }

  function chartBox(parent, title, id) {
    expected++;
    var box = add(parent, 'div', { 'class': 'chart', 'data-chart': id });
    return { box: box, title: title };
  }

  // Bars over categories (labels), one value each.
  function bars(parent, id, title, labels, values, yLabel) {
    var c = chartBox(parent, title, id);
    var xs = labels.map(function (_, i) { return i; });
    var every = Math.max(1, Math.ceil(labels.length / 10));
    new uPlot({
      title: title, width: 560, height: 280, legend: { show: false },
      scales: { x: { time: false, range: [-0.5, labels.length - 0.5] } },
      axes: [
        { splits: function () { return xs.filter(function (i) { return i % every === 0; }); },
          values: function (u, splits) { return splits.map(function (i) { return labels[i]; }); } },
        { label: yLabel, size: 60, values: function (u, splits) { return splits.map(short); } }
      ],
      series: [{}, { label: yLabel, fill: 'rgba(33,113,181,0.55)', stroke: '#2171b5',
        paths: uPlot.paths.bars({ size: [0.8, 60] }), points: { show: false } }]
    }, [xs, values], c.box);
    charts++;
  }

  function histogram(parent, id, title, h, what) {
    if (!h || !h.bins || h.bins.length === 0) { return missing(parent, title + ': no data'); }
    bars(parent, id, title + ' (median ' + short(h.median) + ', mean ' + short(h.mean) + ', max ' + short(h.max) + ')',
      h.bins.map(function (b) { return binLabel(b, h.scale); }), h.bins.map(function (b) { return b.count; }), what);
  }

  function line(parent, id, title, xs, ys, xLabel, yLabel) {
    var c = chartBox(parent, title, id);
    new uPlot({
      title: title, width: 560, height: 280, legend: { show: false },
      scales: { x: { time: false } },
      axes: [{ label: xLabel, values: function (u, s) { return s.map(function (v) { return v + '%'; }); } },
        { label: yLabel, size: 60, values: function (u, s) { return s.map(short); } }],
      series: [{}, { label: yLabel, stroke: '#d94801', width: 2, fill: 'rgba(217,72,1,0.12)', points: { show: false } }]
    }, [xs, ys], c.box);
    charts++;
  }

  function missing(parent, text) { add(parent, 'p', { 'class': 'missing' }, text); }

  function table(parent, head, rows, numeric) {
    var t = add(parent, 'table');
    var tr = add(t, 'tr');
    head.forEach(function (h, i) { add(tr, 'th', numeric[i] ? { 'class': 'n' } : {}, h); });
    rows.forEach(function (r) {
      var row = add(t, 'tr');
      r.forEach(function (v, i) { add(row, 'td', numeric[i] ? { 'class': 'n' } : {}, v); });
    });
    return t;
  }

  function card(parent, value, key) {
    var c = add(parent, 'div', { 'class': 'card' });
    add(c, 'div', { 'class': 'v' }, value);
    add(c, 'div', { 'class': 'k' }, key);
  }

  // --- Header and the figures a reader looks at first.
  add(root, 'h1', {}, 'recsv run ' + R.runId);
  add(root, 'div', { 'class': 'sub' }, R.csv.file + ' \u2022 made ' + R.createdAt + ' \u2022 recsv ' + R.recsvVersion
    + ' (commit ' + R.recsvCommit + ')');
  (R.notes || []).forEach(function (n) { add(root, 'div', { 'class': 'note' }, n); });

  add(root, 'h2', {}, 'In and out');
  var cards = add(root, 'div', { 'class': 'cards' });
  var input = R.input, scores = R.scores;
  card(cards, num(input ? input.users : null) + ' \u2192 ' + num(R.csv.users), 'users in the input \u2192 in the CSV');
  card(cards, num(input ? input.products : null) + ' \u2192 ' + num(scores ? scores.productsRecommended : null),
    'products in the input \u2192 recommended');
  card(cards, scores ? pct(scores.productsRecommended / Math.max(1, scores.catalogue)) : '-', 'catalogue coverage');
  card(cards, num(input ? input.pairs : null), '(user, product) pairs in');
  card(cards, num(R.csv.rows), 'rows in the CSV');
  card(cards, (R.csv.bytes / 1048576).toFixed(1) + ' MiB', 'CSV size');
  card(cards, !scores ? '-' : scores.seen.excluded ? 'excluded' : pct(scores.seen.share),
    'recommendations of already-seen products' + (scores && !scores.seen.excluded
      ? ' (' + num(scores.seen.sampledUsers) + ' users checked)' : ''));

  // --- Time.
  add(root, 'h2', {}, 'Stages');
  var timed = R.stages.filter(function (s) { return s.seconds !== null && s.seconds !== undefined; });
  var stageGrid = add(root, 'div', { 'class': 'grid' });
  if (timed.length > 0) {
    var total = timed.reduce(function (a, s) { return a + s.seconds; }, 0);
    bars(stageGrid, 'stage-seconds', 'Seconds per stage (total ' + total.toFixed(1) + ' s)',
      timed.map(function (s) { return s.stage; }), timed.map(function (s) { return s.seconds; }), 'seconds');
  } else {
    missing(stageGrid, 'No stage recorded its start (outputs made by an older recsv).');
  }
  table(add(stageGrid, 'div'), ['stage', 'seconds', 'finished', 'output'], R.stages.map(function (s) {
    return [s.stage, s.seconds === null || s.seconds === undefined ? '-' : s.seconds.toFixed(1), s.finishedAt,
      s.outputId ? s.outputId.substring(0, 8) : '-'];
  }), [false, true, false, false]);

  // --- The input.
  add(root, 'h2', {}, 'Interactions');
  var inGrid = add(root, 'div', { 'class': 'grid' });
  if (input) {
    histogram(inGrid, 'interactions-per-user', 'Interactions per user', input.interactionsPerUser, 'users');
    histogram(inGrid, 'interactions-per-product', 'Interactions per product', input.interactionsPerProduct,
      'products');
  } else {
    missing(inGrid, 'No statistics of the input (see the notes above).');
  }

  // --- The recommendations.
  add(root, 'h2', {}, 'Scores');
  var scoreGrid = add(root, 'div', { 'class': 'grid' });
  if (scores) {
    histogram(scoreGrid, 'scores', 'Published scores (normalization ' + ((R.scorer || {})['score.normalization'] || '?')
      + ')', scores.scores, 'rows');
    histogram(scoreGrid, 'raw-scores', 'Raw ALS scores', scores.rawScores, 'rows');
  } else {
    missing(scoreGrid, 'No statistics of the scores (see the notes above).');
  }

  add(root, 'h2', {}, 'Catalogue coverage');
  var covGrid = add(root, 'div', { 'class': 'grid' });
  if (scores) {
    line(covGrid, 'long-tail', 'Long tail: times each product is recommended, most recommended first',
      scores.longTail.map(function (p) { return Math.round(p.share * 1000) / 10; }),
      scores.longTail.map(function (p) { return p.timesRecommended; }), 'share of the catalogue', 'times recommended');
    histogram(covGrid, 'times-recommended', 'How often a recommended product is recommended',
      scores.timesRecommended, 'products');
    var top = add(covGrid, 'div');
    add(top, 'p', {}, 'Most recommended products:');
    table(top, ['product_id', 'users', 'share of users'], scores.mostRecommended.map(function (p) {
      return [String(p.productId), num(p.users), pct(p.share)];
    }), [false, true, true]);
  } else {
    missing(covGrid, 'No statistics of the scores (see the notes above).');
  }

  // --- Quality on the holdout, and the gate (when the run was evaluated).
  if (R.evaluation) {
    var E = R.evaluation;
    add(root, 'h2', {}, 'Quality on a holdout, and the gate');
    add(root, 'p', {}, 'Gate: ' + E.gate.verdict + ' (' + E.gate.reason + ')'
      + (R.publishedDespiteGate ? '; published anyway (evaluate.gate.force)' : '') + '. Holdout: '
      + num(E.split.evaluatedUsers) + ' users, ' + Math.round(100 * E.split.holdoutFraction)
      + '% of each one\'s pairs (' + E.split.method + ')' + (E.split.measureEvery > 1 ? '; measured on '
      + num(E.split.measuredUsers) + ' of them, an even sample (evaluate.measure-users)' : '') + '.');
    var rows = [];
    E.model.forEach(function (m, i) {
      [['model', m], ['popularity', E.popularity[i]]].forEach(function (p) {
        var r = p[1];
        rows.push(['@' + r.k, p[0], r.precision.toFixed(4), r.recall.toFixed(4), r.ndcg.toFixed(4),
          r.map.toFixed(4), r.hitRate.toFixed(4), r.coverage.toFixed(4), r.gini.toFixed(3)]);
      });
    });
    table(root, ['k', '', 'precision', 'recall', 'NDCG', 'MAP', 'hit rate', 'coverage', 'Gini'], rows,
      [false, false, true, true, true, true, true, true, true]);
    table(root, ['rule', 'metric', 'value', 'threshold', 'outcome', ''], E.gate.rules.map(function (r) {
      return [r.name, r.metric, r.value === null || r.value === undefined ? '-' : r.value.toFixed(4),
        r.threshold === null || r.threshold === undefined ? '-' : r.threshold.toFixed(4), r.outcome, r.detail];
    }), [false, false, true, true, false, false]);
    if (E.search) {
      var S = E.search;
      add(root, 'h3', {}, 'The week\'s settings: candidates on the holdout');
      add(root, 'p', {}, 'Evaluate trained ' + S.candidates.length + ' of at most ' + S.trials + ' candidates ('
        + S.stoppedBy + '; seed ' + S.seed + (S.budgetFrom ? '; time budget ' + S.budgetSeconds.toFixed(1) + ' s, '
        + S.budgetFrom : '; no earlier week to take a time budget from') + ') and chose the best by ' + S.metric
        + ' for train: candidate ' + (S.chosen + 1) + (S.chosen === 0 ? ', the configured settings.' : '.'));
      var last = S.candidates[0].ranking.length - 1;
      table(root, ['#', 'rank', 'reg-param', 'alpha', 'max-iter', 'confidence', 'weighting',
        'NDCG@' + S.candidates[0].ranking[last].k, 'seconds', ''], S.candidates.map(function (c, i) {
        var v = c.settings;
        return [String(i + 1), v['train.rank'], v['train.reg-param'], v['train.alpha'], v['train.max-iter'],
          v['train.confidence'], v['train.weighting'], c.ranking[last].ndcg.toFixed(4), c.seconds.toFixed(1),
          i === S.chosen ? 'chosen' : (i === 0 ? 'configured' : '')];
      }), [false, true, true, true, true, false, false, true, true, false]);
    }
  }

  // --- Parameters.
  add(root, 'h2', {}, 'Parameters');
  var params = add(root, 'div', { 'class': 'grid' });
  [['Model (train)', R.model], ['Scorer (score)', R.scorer]].forEach(function (p) {
    var box = add(params, 'div');
    add(box, 'p', {}, p[0]);
    table(box, ['key', 'value'], Object.keys(p[1] || {}).map(function (k) { return [k, p[1][k]]; }), [false, false]);
  });

  document.body.dataset.charts = String(charts);
  document.body.dataset.expectedCharts = String(expected);
})();
