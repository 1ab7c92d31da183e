/// The small inline script of report.html that makes hover work: over a chart,
/// the nearest point within 40 px answers (not the hit circle that happens to
/// be on top), its tooltip names the series and both axes, a ring marks the
/// point, and its series (every mark with the same `data-s` in its panel)
/// stays in full colour while the others fade. The charts' native `<title>`
/// tooltips are taken over, so they do not show twice. Without the script
/// (an SVG file opened alone, GitHub) the native tooltips remain.
enum HoverScript {
    static let css = """
    .nnlab-tip { position: fixed; display: none; pointer-events: none; background: rgba(20,20,20,0.92); color: #fff; padding: 4px 8px; border-radius: 4px; font-size: 12px; white-space: pre-line; z-index: 10; max-width: 480px; }
    """

    static let script = """
    <script>
    (function () {
      // The page's height, for scripts/screenshots (which reads it from the rendered DOM).
      document.documentElement.setAttribute('data-page-height', String(document.documentElement.scrollHeight));
      var tip = document.createElement('div');
      tip.className = 'nnlab-tip';
      document.body.appendChild(tip);
      document.querySelectorAll('figure').forEach(function (figure) {
        var hits = Array.prototype.slice.call(figure.querySelectorAll('.nnlab-hit circle'));
        if (!hits.length) return;
        hits.forEach(function (hit) {
          var title = hit.querySelector('title');
          hit.nnlabText = title ? title.textContent : '';
          if (title) title.remove();
        });
        var centres = null, ring = null, lit = null;
        function measure() {
          var box = figure.getBoundingClientRect();
          centres = hits.map(function (hit) {
            var r = hit.getBoundingClientRect();
            return [r.left + r.width / 2 - box.left, r.top + r.height / 2 - box.top];
          });
        }
        function clear() {
          tip.style.display = 'none';
          if (ring) { ring.remove(); ring = null; }
          if (lit) { lit.querySelectorAll('[data-s]').forEach(function (e) { e.style.opacity = ''; }); lit = null; }
        }
        figure.addEventListener('mouseenter', measure);
        window.addEventListener('scroll', function () { centres = null; }, {passive: true});
        window.addEventListener('resize', function () { centres = null; });
        figure.addEventListener('mouseleave', clear);
        figure.addEventListener('mousemove', function (event) {
          if (!centres) measure();
          var box = figure.getBoundingClientRect(), x = event.clientX - box.left, y = event.clientY - box.top;
          var best = -1, bestDistance = 1600;
          for (var i = 0; i < centres.length; i++) {
            var dx = centres[i][0] - x, dy = centres[i][1] - y, d = dx * dx + dy * dy;
            if (d < bestDistance) { bestDistance = d; best = i; }
          }
          clear();
          if (best < 0) return;
          var hit = hits[best], svg = hit.ownerSVGElement, series = hit.getAttribute('data-s');
          if (series !== null) {
            svg.querySelectorAll('[data-s]').forEach(function (e) {
              if (e.parentNode.classList && e.parentNode.classList.contains('nnlab-hit')) return;
              e.style.opacity = e.getAttribute('data-s') === series ? '1' : '0.15';
            });
            lit = svg;
          }
          ring = document.createElementNS('http://www.w3.org/2000/svg', 'circle');
          ring.setAttribute('cx', hit.getAttribute('cx'));
          ring.setAttribute('cy', hit.getAttribute('cy'));
          ring.setAttribute('r', '5.5');
          ring.setAttribute('fill', 'none');
          ring.setAttribute('stroke', '#111');
          ring.setAttribute('stroke-width', '2');
          ring.setAttribute('pointer-events', 'none');
          svg.appendChild(ring);
          tip.textContent = hit.nnlabText;
          tip.style.display = 'block';
          var left = event.clientX + 14, top = event.clientY + 14;
          if (left + tip.offsetWidth > window.innerWidth - 8) left = event.clientX - tip.offsetWidth - 14;
          if (top + tip.offsetHeight > window.innerHeight - 8) top = event.clientY - tip.offsetHeight - 14;
          tip.style.left = left + 'px';
          tip.style.top = top + 'px';
        });
      });
    })();
    </script>
    """
}
